package io.mga.wire;

/**
 * An option's alignment requirement {@code xn+y} (RFC 8200 §4.2): its type octet must sit at an offset that
 * equals {@code y} modulo {@code x}, counted from the start of the extension header or Mobility Header.
 *
 * @param x the modulus: 1, 2, 4 or 8
 * @param y the remainder, 0 to {@code x - 1}
 */
public record Alignment(int x, int y) {
    /** No requirement. */
    public static final Alignment NONE = new Alignment(1, 0);

    /**
     * Validates the pair.
     *
     * @param x the modulus: 1, 2, 4 or 8
     * @param y the remainder, 0 to {@code x - 1}
     * @throws IllegalArgumentException if {@code x} is not 1, 2, 4 or 8, or {@code y} is not below {@code x}
     */
    public Alignment {
        if (x != 1 && x != 2 && x != 4 && x != 8) {
            throw new IllegalArgumentException("alignment modulus must be 1, 2, 4 or 8, got " + x);
        }
        if (y < 0 || y >= x) {
            throw new IllegalArgumentException("alignment remainder must be 0.." + (x - 1) + ", got " + y);
        }
    }

    /**
     * Octets of padding needed before an option that would otherwise start at {@code offset}.
     *
     * @param offset the offset the option would start at
     * @return 0 to {@code x - 1}
     */
    public int padBefore(int offset) {
        return Math.floorMod(y - offset, x);
    }
}
