package io.mga.api;

/**
 * An IPv6 address as a 128-bit value held in two {@code long}s, most significant half first.
 *
 * <p>Immutable and thread-safe; {@code equals} and {@code hashCode} compare the 128 bits. Parsing accepts every
 * text form of RFC 4291 §2.2 (full, compressed with {@code ::}, trailing dotted IPv4) and never resolves names;
 * {@link #toString()} writes the canonical form of RFC 5952 (lowercase, leading zeros dropped, the longest run of
 * two or more zero groups compressed, the first such run on a tie, IPv4-mapped addresses in mixed notation per
 * RFC 5952 §5).
 *
 * @param high the most significant 64 bits (octets 0 to 7 of the address, big-endian)
 * @param low the least significant 64 bits (octets 8 to 15, big-endian)
 */
public record Ipv6Address(long high, long low) implements Comparable<Ipv6Address> {

    /** Length of an address in octets: 16. */
    public static final int BYTES = 16;
    /** The unspecified address {@code ::}. */
    public static final Ipv6Address UNSPECIFIED = new Ipv6Address(0, 0);
    /** The loopback address {@code ::1}. */
    public static final Ipv6Address LOOPBACK = new Ipv6Address(0, 1);

    /**
     * Reads 16 octets in network byte order.
     *
     * @param bytes the source array
     * @param offset index of the first octet
     * @return the address
     * @throws IndexOutOfBoundsException if fewer than 16 octets are available at {@code offset}
     */
    public static Ipv6Address read(byte[] bytes, int offset) {
        java.util.Objects.checkFromIndexSize(offset, BYTES, bytes.length);
        return new Ipv6Address(readLong(bytes, offset), readLong(bytes, offset + 8));
    }

    /**
     * Makes an address from exactly 16 octets in network byte order.
     *
     * @param bytes 16 octets
     * @return the address
     * @throws IllegalArgumentException if {@code bytes} is not 16 octets long
     */
    public static Ipv6Address of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("an IPv6 address has 16 octets, got " + bytes.length);
        }
        return read(bytes, 0);
    }

    /**
     * Parses IPv6 address text (RFC 4291 §2.2). No name lookup, no zone index, no brackets.
     *
     * @param text for example {@code 2001:db8::1} or {@code ::ffff:192.0.2.1}
     * @return the address
     * @throws IllegalArgumentException if the text is not an IPv6 address
     */
    public static Ipv6Address parse(String text) {
        long[] halves = Ipv6Text.parse(text);
        return new Ipv6Address(halves[0], halves[1]);
    }

    /**
     * Writes the 16 octets in network byte order.
     *
     * @param dst the destination array
     * @param offset index of the first octet written
     * @throws IndexOutOfBoundsException if fewer than 16 octets fit at {@code offset}
     */
    public void writeTo(byte[] dst, int offset) {
        java.util.Objects.checkFromIndexSize(offset, BYTES, dst.length);
        writeLong(dst, offset, high);
        writeLong(dst, offset + 8, low);
    }

    /**
     * Returns the address as a new 16-octet array.
     *
     * @return a fresh array the caller owns
     */
    public byte[] toBytes() {
        byte[] b = new byte[BYTES];
        writeTo(b, 0);
        return b;
    }

    /**
     * Tells whether the 16 octets at {@code offset} equal this address, without allocating.
     *
     * @param bytes the array to compare with
     * @param offset index of the first octet
     * @return true when all 16 octets match
     * @throws IndexOutOfBoundsException if fewer than 16 octets are available at {@code offset}
     */
    public boolean equalsBytes(byte[] bytes, int offset) {
        java.util.Objects.checkFromIndexSize(offset, BYTES, bytes.length);
        return readLong(bytes, offset) == high && readLong(bytes, offset + 8) == low;
    }

    /**
     * Returns one 16-bit group of the address.
     *
     * @param index 0 (most significant) to 7
     * @return the group, 0 to 65535
     */
    public int group(int index) {
        java.util.Objects.checkIndex(index, 8);
        long half = index < 4 ? high : low;
        return (int) (half >>> (48 - 16 * (index & 3))) & 0xffff;
    }

    /**
     * Number of leading bits this address shares with another, 0 to 128.
     *
     * @param other the other address
     * @return the length of the longest common prefix in bits
     */
    public int commonPrefixLength(Ipv6Address other) {
        long x = high ^ other.high;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        return 64 + Long.numberOfLeadingZeros(low ^ other.low);
    }

    /** @return true for {@code ::} */
    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    /** @return true for {@code ::1} */
    public boolean isLoopback() {
        return high == 0 && low == 1;
    }

    /** @return true for {@code ff00::/8} */
    public boolean isMulticast() {
        return (high >>> 56) == 0xff;
    }

    /** @return true for link-local unicast {@code fe80::/10} */
    public boolean isLinkLocal() {
        return (high >>> 54) == (0xfe80L >>> 6);
    }

    /** @return true for the deprecated site-local range {@code fec0::/10} */
    public boolean isSiteLocal() {
        return (high >>> 54) == (0xfec0L >>> 6);
    }

    /** @return true for IPv4-mapped addresses {@code ::ffff:0:0/96} */
    public boolean isIpv4Mapped() {
        return high == 0 && (low >>> 32) == 0xffffL;
    }

    /**
     * "Unicast routable" in the sense of RFC 6275 (§6.3, §9.3.1): not unspecified, loopback, multicast,
     * link-local or site-local. Unique local addresses ({@code fc00::/7}) count as routable.
     *
     * @return true when the address may serve as a home or care-of address
     */
    public boolean isUnicastRoutable() {
        return isUnicastRoutable(high, low);
    }

    /**
     * {@link #isUnicastRoutable()} for an address held as two halves, without an object (the data path's check).
     *
     * @param high the first 64 bits
     * @param low the last 64 bits
     * @return true when not unspecified, loopback, multicast, link-local or site-local
     */
    public static boolean isUnicastRoutable(long high, long low) {
        boolean unspecifiedOrLoopback = high == 0 && (low == 0 || low == 1);
        int top10 = (int) (high >>> 54);
        return !unspecifiedOrLoopback && (high >>> 56) != 0xff && top10 != (0xfe80 >>> 6) && top10 != (0xfec0 >>> 6);
    }

    /** Orders addresses as unsigned 128-bit numbers. */
    @Override
    public int compareTo(Ipv6Address o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    /** @return the RFC 5952 canonical text, for example {@code 2001:db8::1} */
    @Override
    public String toString() {
        return Ipv6Text.format(high, low);
    }

    static long readLong(byte[] b, int o) {
        return ((long) (b[o] & 0xff) << 56) | ((long) (b[o + 1] & 0xff) << 48) | ((long) (b[o + 2] & 0xff) << 40)
                | ((long) (b[o + 3] & 0xff) << 32) | ((long) (b[o + 4] & 0xff) << 24) | ((long) (b[o + 5] & 0xff) << 16)
                | ((long) (b[o + 6] & 0xff) << 8) | (b[o + 7] & 0xffL);
    }

    static void writeLong(byte[] b, int o, long v) {
        for (int i = 7; i >= 0; i--) {
            b[o + i] = (byte) v;
            v >>>= 8;
        }
    }
}
