package io.mga.engine.mobility;

import io.mga.api.EpochClock;
import java.util.HashMap;
import java.util.Map;

/**
 * The home agent's side of RFC 4285 §6 replay protection with timestamps: a Binding Update's 64-bit NTP timestamp
 * must be within a window of the agent's clock and newer than the last one accepted under the same SPI. The last
 * timestamps are kept per SPI; only configured SPIs reach the guard (an unknown SPI is dropped before), so the
 * table is bounded by the configuration. Single-threaded.
 */
public final class ReplayGuard {
    /** What {@link #check} decided. */
    public enum Verdict {
        /** Fresh: accepted and remembered. */
        ACCEPTED,
        /** No timestamp, and none is required. */
        NOT_REQUIRED,
        /** No timestamp, but one is required: BA status 145 (MIPV6_MESG_ID_REQD). */
        MISSING,
        /** Outside the window or not newer than the last accepted: BA status 144 (MIPV6_ID_MISMATCH). */
        STALE
    }

    private final EpochClock epoch;
    private final long windowNanos;
    private final boolean required;
    private final Map<Long, Long> last = new HashMap<>();
    private long floor;

    /**
     * @param epoch the wall clock the timestamps are compared with
     * @param windowNanos how far a timestamp may be from that clock
     * @param required whether a BU without a timestamp is refused
     */
    public ReplayGuard(EpochClock epoch, long windowNanos, boolean required) {
        this.epoch = epoch;
        this.windowNanos = windowNanos;
        this.required = required;
    }

    /**
     * Checks a Binding Update's timestamp and, when fresh, remembers it for its SPI.
     *
     * @param spi the SPI the BU authenticated with
     * @param timestamp its Mobility Message Replay Protection timestamp, or null when it carries none
     * @param now the agent's monotonic time
     * @return the verdict
     */
    public Verdict check(long spi, Long timestamp, long now) {
        if (timestamp == null) {
            return required ? Verdict.MISSING : Verdict.NOT_REQUIRED;
        }
        long ts = timestamp;
        Long before = last.get(spi);
        // RFC 4285 §6: the timestamp must be greater than in any earlier accepted BU; after a restart from saved
        // state the floor stands for the accepted BUs the saved state may have missed (see #raiseFloor)
        if (Math.abs(Ntp.diffNanos(ts, ours(now))) > windowNanos
                || (before != null && Long.compareUnsigned(ts, before) <= 0) || Long.compareUnsigned(ts, floor) <= 0) {
            return Verdict.STALE;
        }
        last.put(spi, ts);
        return Verdict.ACCEPTED;
    }

    /**
     * What a BA refusing a stale timestamp echoes (RFC 4285 §6): the agent's seconds in the high 32 bits, the
     * BU's low 32 bits, so that the mobile node can resynchronise and match the answer to its BU.
     *
     * @param timestamp the BU's timestamp
     * @param now the agent's monotonic time
     * @return the timestamp to put in the BA
     */
    public long resynchronisation(long timestamp, long now) {
        return (ours(now) & 0xffff_ffff_0000_0000L) | (timestamp & 0xffff_ffffL);
    }

    /**
     * The last timestamp accepted under each SPI, for saving the agent's state.
     *
     * @return a copy: SPI to 64-bit NTP timestamp
     */
    public Map<Long, Long> marks() {
        return Map.copyOf(last);
    }

    /**
     * Restores a saved last timestamp (the later of it and the one held wins).
     *
     * @param spi the SPI
     * @param timestamp the last timestamp accepted under it, NTP format
     */
    public void restore(long spi, long timestamp) {
        Long before = last.get(spi);
        if (before == null || Long.compareUnsigned(timestamp, before) > 0) {
            last.put(spi, timestamp);
        }
    }

    /**
     * From now on no timestamp at or below {@code now}'s wall-clock time is accepted, whatever its SPI. Called when
     * the agent restarts from a saved state: the state is written a little after the changes it records, so a BU
     * accepted just before a crash may be missing from it; every BU sent before the restart carries a timestamp
     * from before it, so none of them (replayed by someone who captured it) can be accepted again.
     *
     * @param now the agent's monotonic time
     */
    public void raiseFloor(long now) {
        long f = ours(now);
        if (Long.compareUnsigned(f, floor) > 0) {
            floor = f;
        }
    }

    private long ours(long now) {
        return Ntp.fromUnixNanos(epoch.unixNanos(now));
    }
}
