package io.mga.pcapio.link;

import io.mga.wire.link.LinkFrames;

/**
 * Ethernet II framing of outgoing IPv6 packets (RFC 2464 §3), and the destination check of incoming frames.
 * Finding the IPv6 packet inside a received frame (VLAN tags included) is mga-wire's
 * {@link io.mga.wire.link.LinkFrames#ipv6Offset}; this class only adds what mga-wire does not do: writing the
 * header. Pure functions of the bytes; thread-safe.
 */
public final class EthernetFraming {
    /** Octets of an Ethernet II header: destination, source, EtherType. */
    public static final int HEADER_LENGTH = 14;

    private EthernetFraming() {
    }

    /**
     * Writes an Ethernet II header for IPv6 (EtherType 0x86dd) followed by the packet.
     *
     * @param dst where the frame goes, from index 0; at least {@link #HEADER_LENGTH} + {@code length} octets
     * @param to the destination address
     * @param from the source address
     * @param packet the IPv6 packet
     * @param offset index of its first octet
     * @param length its octets
     * @return the frame's length
     * @throws IndexOutOfBoundsException if {@code dst} is too small or the packet range lies outside
     *     {@code packet} (a caller's bug)
     */
    public static int frame(byte[] dst, MacAddress to, MacAddress from, byte[] packet, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, packet.length);
        java.util.Objects.checkFromIndexSize(0, HEADER_LENGTH + length, dst.length);
        to.writeTo(dst, 0);
        from.writeTo(dst, 6);
        dst[12] = (byte) (LinkFrames.ETHERTYPE_IPV6 >>> 8);
        dst[13] = (byte) LinkFrames.ETHERTYPE_IPV6;
        System.arraycopy(packet, offset, dst, HEADER_LENGTH, length);
        return HEADER_LENGTH + length;
    }

    /**
     * Tells whether a received frame is addressed to a station: to its own address, or to a group (multicast or
     * broadcast) address. A capture in promiscuous mode also sees frames unicast to other stations; those are
     * not for the role.
     *
     * @param frame the frame, from index 0
     * @param length octets present
     * @param station the station's address
     * @return false also for a frame shorter than a destination address
     */
    public static boolean isFor(byte[] frame, int length, MacAddress station) {
        if (length < MacAddress.BYTES || frame.length < MacAddress.BYTES) {
            return false;
        }
        return (frame[0] & 1) != 0 || station.equalsBytes(frame, 0);
    }
}
