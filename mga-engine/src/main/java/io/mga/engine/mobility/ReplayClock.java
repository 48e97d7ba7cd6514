package io.mga.engine.mobility;

import io.mga.api.EpochClock;

/**
 * The mobile node's side of RFC 4285 §6 replay protection: strictly increasing NTP timestamps from the role's
 * wall clock, shifted by whole seconds when a home agent's BA status 144 says the clocks disagree. Single-threaded.
 */
public final class ReplayClock {
    private final EpochClock epoch;
    private long shiftNanos;
    private long last;

    /** @param epoch the role's wall clock */
    public ReplayClock(EpochClock epoch) {
        this.epoch = epoch;
    }

    /**
     * @param now the role's monotonic time
     * @return a timestamp newer than every one returned before
     */
    public long next(long now) {
        long ts = Ntp.fromUnixNanos(epoch.unixNanos(now) + shiftNanos);
        if (Long.compareUnsigned(ts, last) <= 0) {
            ts = last + 1; // strictly increasing, even within one clock tick
        }
        last = ts;
        return ts;
    }

    /**
     * Resynchronises with a home agent's clock from the timestamp of its BA status 144 (its seconds are in the
     * high 32 bits).
     *
     * @param agentTimestamp the BA's timestamp
     * @param now the role's monotonic time
     */
    public void resynchronise(long agentTimestamp, long now) {
        long theirs = agentTimestamp >>> 32;
        long ours = Ntp.fromUnixNanos(epoch.unixNanos(now) + shiftNanos) >>> 32;
        shiftNanos += (theirs - ours) * 1_000_000_000L;
    }
}
