package io.mga.api;

/**
 * An IPv6 prefix: an address and a length in bits. The host bits are always zero: the constructor clears them,
 * so {@code 2001:db8::1/64} and {@code 2001:db8::/64} are the same prefix.
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the prefix bits (host bits cleared)
 * @param length prefix length in bits, 0 to 128
 */
public record Ipv6Prefix(Ipv6Address address, int length) {

    /**
     * Validates the length and clears the host bits.
     *
     * @param address any address inside the prefix
     * @param length prefix length in bits, 0 to 128
     * @throws IllegalArgumentException if {@code length} is outside 0..128
     * @throws NullPointerException if {@code address} is null
     */
    public Ipv6Prefix {
        java.util.Objects.requireNonNull(address, "address");
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("prefix length must be 0..128, got " + length);
        }
        address = new Ipv6Address(address.high() & maskHigh(length), address.low() & maskLow(length));
    }

    /**
     * Parses {@code address/length} text, for example {@code 2001:db8:1::/64}.
     *
     * @param text the prefix text
     * @return the prefix
     * @throws IllegalArgumentException if the text is not a prefix
     */
    public static Ipv6Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an IPv6 prefix (no /length): \"" + text + "\"");
        }
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IPv6 prefix length: \"" + text + "\"", e);
        }
        return new Ipv6Prefix(Ipv6Address.parse(text.substring(0, slash)), len);
    }

    /**
     * Tells whether an address lies inside this prefix.
     *
     * @param a the address
     * @return true when the first {@link #length()} bits of {@code a} equal this prefix
     */
    public boolean contains(Ipv6Address a) {
        return contains(a.high(), a.low());
    }

    /**
     * Allocation-free form of {@link #contains(Ipv6Address)} for the forwarding path.
     *
     * @param high the most significant 64 bits of the address
     * @param low the least significant 64 bits
     * @return true when the address lies inside this prefix
     */
    public boolean contains(long high, long low) {
        return (high & maskHigh(length)) == address.high() && (low & maskLow(length)) == address.low();
    }

    /** @return the prefix's mask over the address's most significant 64 bits (all ones from a length of 64) */
    public long maskHigh() {
        return maskHigh(length);
    }

    /** @return the prefix's mask over the least significant 64 bits (zero up to a length of 64) */
    public long maskLow() {
        return maskLow(length);
    }

    /** @return {@code address/length} with the address in RFC 5952 text */
    @Override
    public String toString() {
        return address + "/" + length;
    }

    private static long maskHigh(int len) {
        return len >= 64 ? -1L : (len == 0 ? 0L : -1L << (64 - len));
    }

    private static long maskLow(int len) {
        return len <= 64 ? 0L : (len == 128 ? -1L : -1L << (128 - len));
    }
}
