package io.mga.engine.mobility;

/** Binding Update sequence numbers compared modulo 2^16 (RFC 6275 §9.5.1). */
public final class Sequence {
    private Sequence() {
    }

    /**
     * Tells whether {@code s} is newer than {@code last}: {@code (s - last) mod 65536} is 1 to 32767.
     * {@code last + 32768} counts as old.
     *
     * @param s the received sequence number
     * @param last the last accepted one
     * @return true when newer
     */
    public static boolean isNewer(int s, int last) {
        int d = (s - last) & 0xffff;
        return d >= 1 && d <= 32767;
    }
}
