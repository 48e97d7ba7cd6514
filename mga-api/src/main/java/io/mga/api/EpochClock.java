package io.mga.api;

/**
 * Wall-clock time for what must be told in calendar time (RFC 4285 §6 replay-protection timestamps, the time
 * stamps of events and logs), derived from the monotonic {@link Clock} the roles are driven with: a role never
 * reads the system clock, it converts the {@code now} it was given. The offset between the two is defined here
 * once, for every role.
 */
@FunctionalInterface
public interface EpochClock {
    /**
     * The offset the simulator and the tests use: 2023-11-14T22:13:20Z at monotonic time 0, so that simulated runs
     * give the same timestamps every time.
     */
    long SIMULATED_EPOCH_NANOS = 1_700_000_000_000_000_000L;

    /**
     * The Unix time at a monotonic instant.
     *
     * @param monotonicNanos a time of the role's {@link Clock}
     * @return nanoseconds since 1970-01-01T00:00:00Z
     */
    long unixNanos(long monotonicNanos);

    /**
     * A fixed offset: {@code unixNanos(t) = offsetNanos + t}.
     *
     * @param offsetNanos Unix nanoseconds at monotonic time 0
     * @return the clock
     */
    static EpochClock offset(long offsetNanos) {
        return t -> offsetNanos + t;
    }

    /** @return the simulator's clock, {@link #offset offset}({@link #SIMULATED_EPOCH_NANOS}) */
    static EpochClock simulated() {
        return offset(SIMULATED_EPOCH_NANOS);
    }

    /**
     * The system's wall clock against {@link Clock#SYSTEM}, with the offset read once now (a later step of the
     * system clock does not move it; restart to follow one).
     *
     * @return the clock
     */
    static EpochClock system() {
        java.time.Instant w = java.time.Instant.now();
        long mono = System.nanoTime();
        return offset(w.getEpochSecond() * 1_000_000_000L + w.getNano() - mono);
    }
}
