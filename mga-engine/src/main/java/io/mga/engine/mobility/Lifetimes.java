package io.mga.engine.mobility;

/**
 * Binding lifetimes on the wire are in units of 4 seconds (RFC 6275 §6.1.7, §6.1.8); this is the one place that
 * converts them.
 */
public final class Lifetimes {
    /** One lifetime unit: 4 seconds, in nanoseconds. */
    public static final long UNIT_NANOS = 4_000_000_000L;
    /** RFC 6275 §12 MAX_RR_BINDING_LIFETIME (420 s), in units. */
    public static final int MAX_RR_BINDING_LIFETIME_UNITS = 420 / 4;
    /** The largest lifetime the 16-bit field holds, in seconds: 262,140. */
    public static final int MAX_SECONDS = 0xffff * 4;

    private Lifetimes() {
    }

    /**
     * @param units a lifetime in 4-second units
     * @return the same lifetime in nanoseconds
     */
    public static long toNanos(int units) {
        return units * UNIT_NANOS;
    }

    /**
     * @param seconds a lifetime in seconds, 4 to {@value #MAX_SECONDS}
     * @return the same lifetime in units, rounded down
     * @throws IllegalArgumentException if out of range
     */
    public static int unitsOf(int seconds) {
        if (seconds < 4 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("a lifetime is 4.." + MAX_SECONDS + " s, got " + seconds);
        }
        return seconds / 4;
    }
}
