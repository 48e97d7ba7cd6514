package io.mga.wire.fast;

import io.mga.api.Ipv6Address;

/**
 * IPv6-in-IPv6 encapsulation (RFC 2473) without allocation: writes a 40-octet outer header, Next Header 41, in
 * front of a packet that is already in the caller's buffer, or copies the packet behind a new header in another
 * buffer. Traffic Class and Flow Label of the outer header are 0 (RFC 2473 §6.4, §6.5); its Hop Limit is set by
 * the caller, independently of the inner one (RFC 2473 §6.3).
 *
 * <p>Stateless and thread-safe. Decapsulation needs no writer: wrap an {@link Ipv6View} at
 * {@code view.upperLayerOffset()} when {@code view.isTunnel()}.
 */
public final class Encapsulation {
    /** Octets the outer header adds: 40, the fixed header ({@link Ipv6View#HEADER_LENGTH}). */
    public static final int OVERHEAD = Ipv6View.HEADER_LENGTH;
    /** Octets of the largest packet that can be tunnelled: the outer Payload Length is 16 bits. */
    public static final int MAX_INNER_LENGTH = 0xffff;
    /**
     * The outer header's first 8 octets less Payload Length and Hop Limit, as a big-endian long: version 6,
     * Traffic Class and Flow Label 0 (RFC 2473 §6.4, §6.5), Next Header 41 (octet 6).
     */
    private static final long FIRST_WORD = 6L << 60 | (long) Protocols.IPV6_IN_IPV6 << 8;
    /** Where Payload Length (octets 4 and 5) sits in that long. */
    private static final int PAYLOAD_LENGTH_SHIFT = 16;
    private static final int FLOW_LABEL_SHIFT = 32;
    /** The 20 bits of a Flow Label. */
    public static final int FLOW_LABEL_MASK = 0xf_ffff;
    private static final java.lang.invoke.VarHandle U64 = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private Encapsulation() {
    }

    /**
     * Writes the outer header in place, in the 40 octets before the packet.
     *
     * @param buf the buffer holding the inner packet at {@code packetOffset}
     * @param packetOffset index of the inner packet's first octet, at least 40
     * @param packetLength octets of the inner packet, at most 65535
     * @param source outer source (the tunnel entry point)
     * @param destination outer destination (the tunnel exit point, e.g. a responder's care-of address)
     * @param hopLimit outer Hop Limit, 0 to 255
     * @return index of the outer header: {@code packetOffset - 40}
     * @throws IllegalArgumentException if there is no room in front, or the lengths are out of range
     */
    public static int wrapInPlace(byte[] buf, int packetOffset, int packetLength, Ipv6Address source,
            Ipv6Address destination, int hopLimit) {
        return wrapInPlace(buf, packetOffset, packetLength, source.high(), source.low(), destination.high(),
                destination.low(), hopLimit);
    }

    /**
     * Writes the outer header in place, in the 40 octets before the packet, from addresses given as their two
     * 64-bit halves (what a binding table keeps): the same as
     * {@link #wrapInPlace(byte[], int, int, Ipv6Address, Ipv6Address, int)} without an address object.
     *
     * @param buf the buffer holding the inner packet at {@code packetOffset}
     * @param packetOffset index of the inner packet's first octet, at least 40
     * @param packetLength octets of the inner packet, at most 65535
     * @param sourceHigh outer source, first 64 bits
     * @param sourceLow outer source, last 64 bits
     * @param destinationHigh outer destination, first 64 bits
     * @param destinationLow outer destination, last 64 bits
     * @param hopLimit outer Hop Limit, 0 to 255
     * @return index of the outer header: {@code packetOffset - 40}
     * @throws IllegalArgumentException if there is no room in front, or the lengths are out of range
     */
    public static int wrapInPlace(byte[] buf, int packetOffset, int packetLength, long sourceHigh, long sourceLow,
            long destinationHigh, long destinationLow, int hopLimit) {
        return wrapInPlace(buf, packetOffset, packetLength, sourceHigh, sourceLow, destinationHigh, destinationLow,
                hopLimit, 0);
    }

    /**
     * {@link #wrapInPlace(byte[], int, int, long, long, long, long, int)} with an outer Flow Label (RFC 6437; RFC
     * 6438 asks tunnel entry points to set one per inner flow): the agent puts a keyed hash there, so that an
     * ICMPv6 error quoting the outer header shows whether it answers a packet the agent really sent.
     *
     * @param buf the buffer
     * @param packetOffset where the inner packet starts; at least {@link #OVERHEAD}
     * @param packetLength the inner packet's length, at most {@link #MAX_INNER_LENGTH}
     * @param sourceHigh the outer source's high half
     * @param sourceLow its low half
     * @param destinationHigh the outer destination's high half
     * @param destinationLow its low half
     * @param hopLimit the outer Hop Limit
     * @param flowLabel the outer Flow Label, 20 bits (higher bits are ignored)
     * @return the offset of the outer header
     * @throws IllegalArgumentException if the ranges do not fit
     */
    public static int wrapInPlace(byte[] buf, int packetOffset, int packetLength, long sourceHigh, long sourceLow,
            long destinationHigh, long destinationLow, int hopLimit, int flowLabel) {
        if (packetOffset < OVERHEAD || packetLength < 0 || packetLength > MAX_INNER_LENGTH
                || packetOffset > buf.length - packetLength) {
            throw new IllegalArgumentException("need 40 free octets before a packet of 0..65535 octets");
        }
        int o = packetOffset - OVERHEAD;
        writeHeader(buf, o, packetLength, sourceHigh, sourceLow, destinationHigh, destinationLow, hopLimit,
                flowLabel);
        return o;
    }

    /**
     * Copies a packet into {@code dst} behind a new outer header.
     *
     * @param src the buffer holding the inner packet
     * @param srcOffset index of its first octet
     * @param packetLength its length, at most 65535
     * @param dst the buffer to write to (may be {@code src} if the ranges do not overlap wrongly)
     * @param dstOffset where the outer header starts
     * @param source outer source
     * @param destination outer destination
     * @param hopLimit outer Hop Limit
     * @return octets written: {@code packetLength + 40}
     * @throws IllegalArgumentException if the ranges are out of bounds
     */
    public static int wrapCopy(byte[] src, int srcOffset, int packetLength, byte[] dst, int dstOffset,
            Ipv6Address source, Ipv6Address destination, int hopLimit) {
        if (packetLength < 0 || packetLength > MAX_INNER_LENGTH || srcOffset < 0 || srcOffset > src.length - packetLength
                || dstOffset < 0 || dstOffset > dst.length - packetLength - OVERHEAD) {
            throw new IllegalArgumentException("source or destination range out of bounds");
        }
        System.arraycopy(src, srcOffset, dst, dstOffset + OVERHEAD, packetLength);
        writeHeader(dst, dstOffset, packetLength, source.high(), source.low(), destination.high(), destination.low(),
                hopLimit, 0);
        return packetLength + OVERHEAD;
    }

    private static void writeHeader(byte[] b, int o, int payloadLength, long sh, long sl, long dh, long dl,
            int hopLimit, int flowLabel) {
        // version 6, Traffic Class 0, Flow Label, Payload Length, Next Header 41, Hop Limit (the last octet): one
        // 8-octet store; the constants fold at compile time
        U64.set(b, o, FIRST_WORD | (long) (flowLabel & FLOW_LABEL_MASK) << FLOW_LABEL_SHIFT
                | (long) (payloadLength & 0xffff) << PAYLOAD_LENGTH_SHIFT | (hopLimit & 0xff));
        U64.set(b, o + Ipv6View.SOURCE_OFFSET, sh);
        U64.set(b, o + Ipv6View.SOURCE_OFFSET + 8, sl);
        U64.set(b, o + Ipv6View.DESTINATION_OFFSET, dh);
        U64.set(b, o + Ipv6View.DESTINATION_OFFSET + 8, dl);
    }
}
