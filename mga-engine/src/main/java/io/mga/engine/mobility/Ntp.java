package io.mga.engine.mobility;

/** 64-bit NTP timestamps (RFC 4285 §6 replay protection): seconds since 1900 in the high 32 bits, fraction low. */
public final class Ntp {
    /** Seconds from 1900-01-01 to 1970-01-01. */
    public static final long UNIX_TO_NTP = 2_208_988_800L;

    private Ntp() {
    }

    /**
     * @param unixNanos nanoseconds since 1970-01-01T00:00Z
     * @return the same instant as a 64-bit NTP timestamp
     */
    public static long fromUnixNanos(long unixNanos) {
        long secs = Math.floorDiv(unixNanos, 1_000_000_000L);
        long frac = Math.floorMod(unixNanos, 1_000_000_000L);
        return ((secs + UNIX_TO_NTP) << 32) | ((frac << 32) / 1_000_000_000L);
    }

    /**
     * Signed difference a - b in nanoseconds (for timestamps within 68 years of each other).
     *
     * @param a an NTP timestamp
     * @param b another
     * @return a - b in nanoseconds
     */
    public static long diffNanos(long a, long b) {
        long d = a - b;
        long secs = d >> 32;
        long frac = d & 0xffff_ffffL;
        return secs * 1_000_000_000L + (frac * 1_000_000_000L >>> 32);
    }
}
