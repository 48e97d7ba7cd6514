package io.mga.wire.link;

import io.mga.wire.Layer;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MalformedPacketException.Kind;

/**
 * Finds the IPv6 packet inside a link-layer frame. Pure functions of the bytes; thread-safe; no allocation except
 * the exception for a frame that does not carry IPv6.
 */
public final class LinkFrames {
    /** EtherType of IPv6. */
    public static final int ETHERTYPE_IPV6 = 0x86dd;

    private LinkFrames() {
    }

    /**
     * Returns the offset of the IPv6 header inside a frame.
     *
     * @param type the frame's link type
     * @param frame the frame's octets
     * @param length octets of the frame present
     * @return index of the first octet of the IPv6 header
     * @throws MalformedPacketException {@code not_ipv6} when the frame carries something else, {@code truncated}
     *     when the link header itself is cut short (layer {@code link}, offset from the frame start)
     */
    public static int ipv6Offset(LinkType type, byte[] frame, int length) throws MalformedPacketException {
        switch (type) {
            case ETHERNET: {
                need(frame, length, 14, 0);
                int off = 12;
                int ethertype = u16(frame, off);
                for (int tags = 0; (ethertype == 0x8100 || ethertype == 0x88a8) && tags < 2; tags++) {
                    off += 4;
                    need(frame, length, off + 2, 0);
                    ethertype = u16(frame, off);
                }
                return expect(ethertype, off + 2, off);
            }
            case LINUX_SLL:
                need(frame, length, 16, 0);
                return expect(u16(frame, 14), 16, 14);
            case LINUX_SLL2:
                need(frame, length, 20, 0);
                return expect(u16(frame, 0), 20, 0);
            case NULL:
            case LOOP: {
                need(frame, length, 4, 0);
                int be = (int) ((long) u16(frame, 0) << 16 | u16(frame, 2));
                int le = Integer.reverseBytes(be);
                int family = type == LinkType.LOOP ? be : (isInet6(le) ? le : be);
                if (!isInet6(family)) {
                    throw new MalformedPacketException(Kind.NOT_IPV6, Layer.LINK, 0,
                            "address family " + family + " is not IPv6");
                }
                return 4;
            }
            case RAW:
                need(frame, length, 1, 0);
                if ((frame[0] & 0xf0) != 0x60) {
                    throw new MalformedPacketException(Kind.NOT_IPV6, Layer.LINK, 0,
                            "IP version " + ((frame[0] & 0xf0) >>> 4) + " is not 6");
                }
                return 0;
            case IPV6:
            default:
                return 0;
        }
    }

    /** AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD/DragonFly, 30 on macOS. */
    private static boolean isInet6(int family) {
        return family == 10 || family == 24 || family == 28 || family == 30;
    }

    private static int expect(int ethertype, int payloadOffset, int fieldOffset) throws MalformedPacketException {
        if (ethertype != ETHERTYPE_IPV6) {
            throw new MalformedPacketException(Kind.NOT_IPV6, Layer.LINK, fieldOffset,
                    String.format("EtherType 0x%04x is not IPv6", ethertype));
        }
        return payloadOffset;
    }

    private static void need(byte[] frame, int length, int n, int at) throws MalformedPacketException {
        if (length < n || frame.length < n) {
            throw new MalformedPacketException(Kind.TRUNCATED, Layer.LINK, at,
                    "link header: got " + Math.min(length, frame.length) + " octets, need " + n);
        }
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
