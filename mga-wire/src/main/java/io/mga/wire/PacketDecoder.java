package io.mga.wire;

import static io.mga.wire.MalformedPacketException.Kind.BAD_IP_VERSION;
import static io.mga.wire.MalformedPacketException.Kind.BAD_LENGTH;
import static io.mga.wire.MalformedPacketException.Kind.CHAIN_TOO_LONG;
import static io.mga.wire.MalformedPacketException.Kind.DECODER_FAULT;
import static io.mga.wire.MalformedPacketException.Kind.HOP_BY_HOP_NOT_FIRST;
import static io.mga.wire.MalformedPacketException.Kind.LENGTH_OVERRUN;
import static io.mga.wire.MalformedPacketException.Kind.NESTING_TOO_DEEP;
import static io.mga.wire.MalformedPacketException.Kind.TRUNCATED;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes octets into an {@link Ipv6Packet}: a pure function of the bytes, shared by live capture, capture files,
 * the simulator and tests.
 *
 * <p>Whatever the input, of whatever length, the result is a packet or a {@link MalformedPacketException} with a
 * stable kind, the layer and the offset: no other exception escapes, no input makes it loop or recurse without
 * bound ({@link Limits}), and it never allocates more than a copy of the input. Octets after the IPv6 payload
 * (link-layer padding) are ignored. Checksums are not verified here: see {@link Checksums#verify}.
 *
 * <p>Thread-safe: the methods are static and keep no state between calls.
 */
public final class PacketDecoder {

    private final byte[] b;
    private final int base;

    private PacketDecoder(byte[] b, int base) {
        this.b = b;
        this.base = base;
    }

    /**
     * Decodes a whole array.
     *
     * @param bytes the octets, starting with the IPv6 header
     * @return the packet
     * @throws MalformedPacketException if the octets are not a well-formed IPv6 packet
     */
    public static Ipv6Packet decode(byte[] bytes) throws MalformedPacketException {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes a range of an array.
     *
     * @param bytes the array
     * @param offset index of the first octet of the IPv6 header
     * @param length octets available
     * @return the packet
     * @throws MalformedPacketException if the octets are not a well-formed IPv6 packet, or the range lies outside
     *     the array
     */
    public static Ipv6Packet decode(byte[] bytes, int offset, int length) throws MalformedPacketException {
        PartialPacket p = decodePartial(bytes, offset, length, 1);
        if (p.error() != null) {
            throw p.error();
        }
        return p.packet().orElseThrow();
    }

    /**
     * Decodes as far as the octets allow, never throwing: for tools that show what they can of a bad packet.
     *
     * @param bytes the array
     * @param offset index of the first octet of the IPv6 header
     * @param length octets available
     * @return every layer decoded before the first error, and that error
     */
    public static PartialPacket decodePartial(byte[] bytes, int offset, int length) {
        return decodePartial(bytes, offset, length, 1);
    }

    static PartialPacket decodePartial(byte[] bytes, int offset, int length, int depth) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            return new PartialPacket(null, -1, -1, List.of(), null, null, new MalformedPacketException(
                    TRUNCATED, Layer.IPV6, 0, "range " + offset + "+" + length + " outside " + bytes.length + " octets"));
        }
        PacketDecoder d = new PacketDecoder(bytes, offset);
        Frame f = new Frame();
        try {
            d.packet(offset, offset + length, depth, f);
        } catch (MalformedPacketException e) {
            f.setError(e);
        } catch (RuntimeException e) {
            // The one place a bug would surface: report it as input-independent DECODER_FAULT, never escape.
            f.setError(new MalformedPacketException(DECODER_FAULT, Layer.IPV6, 0, e.toString()));
        }
        return f.toPartial();
    }

    /** Decoding progress of one packet level, turned into a {@link PartialPacket} at the end. */
    private static final class Frame {
        Ipv6Header header;
        int payloadLength = -1;
        int nextHeader = -1;
        final List<ExtensionHeader> extensions = new ArrayList<>();
        UpperLayer upper;
        Frame inner;
        MalformedPacketException error;

        void setError(MalformedPacketException e) {
            error = e;
            if (inner != null) {
                inner.setError(inner.upper == null || inner.error != null ? e : null);
            }
        }

        PartialPacket toPartial() {
            PartialPacket in = (inner != null && error != null) ? inner.toPartial() : null;
            return new PartialPacket(header, payloadLength, nextHeader, extensions, error == null ? upper : null, in,
                    error);
        }
    }

    private MalformedPacketException err(MalformedPacketException.Kind kind, Layer layer, int at, String msg) {
        return new MalformedPacketException(kind, layer, at - base, msg);
    }

    private void need(int at, int n, int end, Layer layer, String what) throws MalformedPacketException {
        if (end - at < n) {
            throw err(TRUNCATED, layer, at, what + ": got " + Math.max(0, end - at) + " octets, need " + n);
        }
    }

    private int u8(int i) {
        return b[i] & 0xff;
    }

    private int u16(int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private long u32(int i) {
        return ((long) u16(i) << 16) | u16(i + 2);
    }

    private long u64(int i) {
        return (u32(i) << 32) | u32(i + 4);
    }

    private Bytes copy(int from, int to) {
        return Bytes.copyOf(b, from, to - from);
    }

    private Ipv6Address addr(int i) {
        return Ipv6Address.read(b, i);
    }

    private Ipv6Packet packet(int off, int avail, int depth, Frame f) throws MalformedPacketException {
        if (depth > Limits.MAX_NESTING) {
            throw err(NESTING_TOO_DEEP, Layer.IPV6, off, "more than " + Limits.MAX_NESTING + " nested IPv6 packets");
        }
        need(off, 40, avail, Layer.IPV6, "IPv6 header");
        int version = u8(off) >>> 4;
        if (version != 6) {
            throw err(BAD_IP_VERSION, Layer.IPV6, off, "version " + version + ", need 6");
        }
        long w = u32(off);
        int plen = u16(off + 4);
        int nh = u8(off + 6);
        f.header = new Ipv6Header((int) (w >>> 20) & 0xff, (int) w & 0xfffff, u8(off + 7), addr(off + 8),
                addr(off + 24));
        f.payloadLength = plen;
        f.nextHeader = nh;
        int end = off + 40 + plen;
        if (end > avail) {
            throw err(TRUNCATED, Layer.IPV6, off + 4,
                    "payload length " + plen + " but " + (avail - off - 40) + " octets follow the header");
        }
        int pos = off + 40;
        int next = nh;
        UpperLayer upper = null;
        while (isExtension(next)) {
            Layer layer = layerOf(next);
            if (f.extensions.size() == Limits.MAX_EXTENSION_HEADERS) {
                throw err(CHAIN_TOO_LONG, layer, pos, "more than " + Limits.MAX_EXTENSION_HEADERS + " extension headers");
            }
            if (next == 0 && !f.extensions.isEmpty()) {
                throw err(HOP_BY_HOP_NOT_FIRST, Layer.HOP_BY_HOP, pos, "Hop-by-Hop header after another header");
            }
            ExtensionHeader h = extension(next, pos, end);
            f.extensions.add(h);
            next = u8(pos);
            pos += h.wireLength();
            if (h instanceof ExtensionHeader.Fragment frag && frag.isFragmented()) {
                upper = new RawPayload(next, copy(pos, end));
                break;
            }
        }
        if (upper == null) {
            upper = upper(next, pos, end, depth, f);
        }
        f.upper = upper;
        return new Ipv6Packet(f.header, f.extensions, upper);
    }

    private static boolean isExtension(int nh) {
        return nh == 0 || nh == 60 || nh == 43 || nh == 44 || ExtensionHeader.Other.isWalkable(nh);
    }

    private static Layer layerOf(int nh) {
        return switch (nh) {
            case 0 -> Layer.HOP_BY_HOP;
            case 60 -> Layer.DESTINATION_OPTIONS;
            case 43 -> Layer.ROUTING;
            case 44 -> Layer.FRAGMENT;
            default -> Layer.EXTENSION;
        };
    }

    private ExtensionHeader extension(int nh, int pos, int end) throws MalformedPacketException {
        Layer layer = layerOf(nh);
        if (nh == 44) {
            need(pos, 8, end, layer, "Fragment header");
            int w = u16(pos + 2);
            return new ExtensionHeader.Fragment(u8(pos + 1), w >>> 3, (w >>> 1) & 3, (w & 1) != 0, u32(pos + 4));
        }
        need(pos, 2, end, layer, "extension header");
        int len = u8(pos + 1);
        int total = nh == 51 ? (len + 2) * 4 : (len + 1) * 8;
        if (total > end - pos) {
            throw err(LENGTH_OVERRUN, layer, pos + 1, "header of " + total + " octets, " + (end - pos) + " left");
        }
        int hend = pos + total;
        switch (nh) {
            case 0:
                return new ExtensionHeader.HopByHop(ipv6Options(pos + 2, hend));
            case 60:
                return new ExtensionHeader.DestinationOptions(ipv6Options(pos + 2, hend));
            case 43: {
                int type = u8(pos + 2);
                if (type == 2) {
                    if (len != 2) {
                        throw err(BAD_LENGTH, layer, pos + 1, "type 2 routing header has Hdr Ext Len " + len + ", need 2");
                    }
                    return new ExtensionHeader.Type2Routing(u8(pos + 3), u32(pos + 4), addr(pos + 8));
                }
                return new ExtensionHeader.OtherRouting(type, u8(pos + 3), copy(pos + 4, hend));
            }
            default:
                if (nh == 51 && total < 8) {
                    throw err(BAD_LENGTH, layer, pos + 1, "AH header of " + total + " octets, need at least 8");
                }
                return new ExtensionHeader.Other(nh, copy(pos + 2, hend));
        }
    }

    private List<Ipv6Option> ipv6Options(int p, int end) throws MalformedPacketException {
        List<Ipv6Option> out = new ArrayList<>();
        while (p < end) {
            int type = u8(p);
            if (type == 0) {
                out.add(new Ipv6Option.Pad1());
                p++;
                continue;
            }
            need(p, 2, end, Layer.IPV6_OPTION, "option " + type);
            int len = u8(p + 1);
            if (len > end - p - 2) {
                throw err(LENGTH_OVERRUN, Layer.IPV6_OPTION, p + 1,
                        "option " + type + " of " + len + " octets, " + (end - p - 2) + " left");
            }
            int d = p + 2;
            switch (type) {
                case 1 -> out.add(new Ipv6Option.PadN(copy(d, d + len)));
                case 4 -> {
                    fixed(len, 1, Layer.IPV6_OPTION, p, "Tunnel Encapsulation Limit");
                    out.add(new Ipv6Option.TunnelEncapsulationLimit(u8(d)));
                }
                case 201 -> {
                    fixed(len, 16, Layer.IPV6_OPTION, p, "Home Address option");
                    out.add(new Ipv6Option.HomeAddress(addr(d)));
                }
                default -> out.add(new Ipv6Option.Unknown(type, copy(d, d + len)));
            }
            p = d + len;
        }
        return out;
    }

    private void fixed(int len, int want, Layer layer, int optionAt, String what) throws MalformedPacketException {
        if (len != want) {
            throw err(BAD_LENGTH, layer, optionAt + 1, what + " has length " + len + ", need " + want);
        }
    }

    private void atLeast(int len, int want, int optionAt, String what) throws MalformedPacketException {
        if (len < want) {
            throw err(BAD_LENGTH, Layer.MOBILITY_OPTION, optionAt + 1,
                    what + " has length " + len + ", need at least " + want);
        }
    }

    private UpperLayer upper(int nh, int pos, int end, int depth, Frame f) throws MalformedPacketException {
        switch (nh) {
            case 135:
                return mobility(pos, end);
            case 58:
                return icmpv6(pos, end);
            case 17:
                return udp(pos, end);
            case 41: {
                f.inner = new Frame();
                Ipv6Packet inner = packet(pos, end, depth + 1, f.inner);
                if (inner.wireLength() != end - pos) {
                    throw err(BAD_LENGTH, Layer.IPV6, pos + 4, "tunnelled packet of " + inner.wireLength()
                            + " octets in a payload of " + (end - pos));
                }
                return new Tunnel(inner);
            }
            default:
                return new RawPayload(nh, copy(pos, end));
        }
    }

    private MobilityHeader mobility(int pos, int end) throws MalformedPacketException {
        need(pos, 8, end, Layer.MH, "Mobility Header");
        int hlen = u8(pos + 1);
        int total = (hlen + 1) * 8;
        if (total > end - pos) {
            throw err(LENGTH_OVERRUN, Layer.MH, pos + 1, "Header Len gives " + total + " octets, " + (end - pos) + " left");
        }
        if (total < end - pos) {
            throw err(BAD_LENGTH, Layer.MH, pos + 1, "Header Len gives " + total + " octets, the payload holds "
                    + (end - pos));
        }
        int type = u8(pos + 2);
        int min = MobilityMessage.minimumHeaderLen(type);
        if (hlen < min) {
            // RFC 6275 §9.2: a Header Len below the type's minimum is malformed
            throw err(BAD_LENGTH, Layer.MH, pos + 1, "Header Len " + hlen + " below " + min + " for MH type " + type);
        }
        int mend = pos + total;
        int p = pos + 6;
        MobilityMessage m = switch (type) {
            case 0 -> new MobilityMessage.BindingRefreshRequest(u16(p), mobilityOptions(pos, pos + 8, mend));
            case 1 -> new MobilityMessage.HomeTestInit(u16(p), u64(p + 2), mobilityOptions(pos, pos + 16, mend));
            case 2 -> new MobilityMessage.CareOfTestInit(u16(p), u64(p + 2), mobilityOptions(pos, pos + 16, mend));
            case 3 -> new MobilityMessage.HomeTest(u16(p), u64(p + 2), u64(p + 10), mobilityOptions(pos, pos + 24, mend));
            case 4 -> new MobilityMessage.CareOfTest(u16(p), u64(p + 2), u64(p + 10),
                    mobilityOptions(pos, pos + 24, mend));
            case 5 -> new MobilityMessage.BindingUpdate(u16(p), u16(p + 2), u16(p + 4),
                    mobilityOptions(pos, pos + 12, mend));
            case 6 -> new MobilityMessage.BindingAcknowledgement(u8(p), u8(p + 1), u16(p + 2), u16(p + 4),
                    mobilityOptions(pos, pos + 12, mend));
            case 7 -> new MobilityMessage.BindingError(u8(p), u8(p + 1), addr(p + 2),
                    mobilityOptions(pos, pos + 24, mend));
            default -> new MobilityMessage.Unknown(type, copy(p, mend));
        };
        return new MobilityHeader(u8(pos), u8(pos + 3), u16(pos + 4), m);
    }

    private List<MobilityOption> mobilityOptions(int mh, int p, int end) throws MalformedPacketException {
        List<MobilityOption> out = new ArrayList<>();
        while (p < end) {
            int type = u8(p);
            if (type == 0) {
                out.add(new MobilityOption.Pad1());
                p++;
                continue;
            }
            need(p, 2, end, Layer.MOBILITY_OPTION, "mobility option " + type);
            int len = u8(p + 1);
            if (len > end - p - 2) {
                throw err(LENGTH_OVERRUN, Layer.MOBILITY_OPTION, p + 1,
                        "mobility option " + type + " of " + len + " octets, " + (end - p - 2) + " left");
            }
            int d = p + 2;
            int e = d + len;
            switch (type) {
                case 1 -> out.add(new MobilityOption.PadN(copy(d, e)));
                case 2 -> {
                    fixed(len, 2, Layer.MOBILITY_OPTION, p, "Binding Refresh Advice");
                    out.add(new MobilityOption.BindingRefreshAdvice(u16(d)));
                }
                case 3 -> {
                    fixed(len, 16, Layer.MOBILITY_OPTION, p, "Alternate Care-of Address");
                    out.add(new MobilityOption.AlternateCareOfAddress(addr(d)));
                }
                case 4 -> {
                    fixed(len, 4, Layer.MOBILITY_OPTION, p, "Nonce Indices");
                    out.add(new MobilityOption.NonceIndices(u16(d), u16(d + 2)));
                }
                case 5 -> out.add(new MobilityOption.BindingAuthorizationData(copy(d, e)));
                case 8 -> {
                    atLeast(len, 1, p, "Mobile Node Identifier");
                    out.add(new MobilityOption.MobileNodeIdentifier(u8(d), copy(d + 1, e)));
                }
                case 9 -> {
                    atLeast(len, 5, p, "Mobility Message Authentication");
                    out.add(new MobilityOption.Authentication(u8(d), u32(d + 1), copy(d + 5, e)));
                }
                case 10 -> {
                    fixed(len, 8, Layer.MOBILITY_OPTION, p, "Replay Protection");
                    out.add(new MobilityOption.ReplayProtection(u64(d)));
                }
                case 19 -> {
                    atLeast(len, 5, p, "Vendor-Specific");
                    out.add(new MobilityOption.VendorSpecific(u32(d), u8(d + 4), copy(d + 5, e)));
                }
                case 35 -> {
                    if (len != 4 && len != 8 && len != 20) {
                        // RFC 5648 §4.3: 4 (no CoA), 8 (IPv4 CoA) or 20 (IPv6 CoA)
                        throw err(BAD_LENGTH, Layer.MOBILITY_OPTION, p + 1,
                                "Binding Identifier has length " + len + ", need 4, 8 or 20");
                    }
                    out.add(new MobilityOption.BindingIdentifier(u16(d), u8(d + 2), u8(d + 3), copy(d + 4, e)));
                }
                default -> out.add(new MobilityOption.Unknown(type, copy(d, e)));
            }
            p = e;
        }
        return out;
    }

    private Icmpv6 icmpv6(int pos, int end) throws MalformedPacketException {
        need(pos, 4, end, Layer.ICMPV6, "ICMPv6 header");
        int type = u8(pos);
        int code = u8(pos + 1);
        int checksum = u16(pos + 2);
        int p = pos + 4;
        Icmpv6Message m;
        switch (type) {
            case 1, 2, 3, 4 -> {
                need(pos, 8, end, Layer.ICMPV6, "ICMPv6 error message");
                long word = u32(p);
                Bytes inv = copy(p + 4, end);
                m = switch (type) {
                    case 1 -> new Icmpv6Message.DestinationUnreachable(code, word, inv);
                    case 2 -> new Icmpv6Message.PacketTooBig(code, word, inv);
                    case 3 -> new Icmpv6Message.TimeExceeded(code, word, inv);
                    default -> new Icmpv6Message.ParameterProblem(code, word, inv);
                };
            }
            case 128, 129 -> {
                need(pos, 8, end, Layer.ICMPV6, "Echo message");
                m = new Icmpv6Message.Echo(type, code, u16(p), u16(p + 2), copy(p + 4, end));
            }
            case 135, 136 -> {
                need(pos, 24, end, Layer.ICMPV6, "Neighbor Discovery message");
                List<NdOption> opts = ndOptions(pos + 24, end);
                m = type == 135 ? new Icmpv6Message.NeighborSolicitation(code, u32(p), addr(p + 4), opts)
                        : new Icmpv6Message.NeighborAdvertisement(code, u32(p), addr(p + 4), opts);
            }
            case 144 -> {
                need(pos, 8, end, Layer.ICMPV6, "HAAD Request");
                if (end - pos != 8) {
                    throw err(BAD_LENGTH, Layer.ICMPV6, pos, "HAAD Request of " + (end - pos) + " octets, need 8");
                }
                m = new Icmpv6Message.HaadRequest(code, u16(p), u16(p + 2));
            }
            case 145 -> {
                need(pos, 8, end, Layer.ICMPV6, "HAAD Reply");
                if ((end - pos - 8) % 16 != 0) {
                    throw err(BAD_LENGTH, Layer.ICMPV6, pos, "HAAD Reply of " + (end - pos)
                            + " octets is not 8 plus whole addresses");
                }
                List<Ipv6Address> has = new ArrayList<>();
                for (int q = pos + 8; q < end; q += 16) {
                    has.add(addr(q));
                }
                m = new Icmpv6Message.HaadReply(code, u16(p), u16(p + 2), has);
            }
            case 146, 147 -> {
                need(pos, 8, end, Layer.ICMPV6, "Mobile Prefix message");
                List<NdOption> opts = ndOptions(pos + 8, end);
                m = type == 146 ? new Icmpv6Message.MobilePrefixSolicitation(code, u16(p), u16(p + 2), opts)
                        : new Icmpv6Message.MobilePrefixAdvertisement(code, u16(p), u16(p + 2), opts);
            }
            default -> m = new Icmpv6Message.Unknown(type, code, copy(p, end));
        }
        return new Icmpv6(checksum, m);
    }

    private List<NdOption> ndOptions(int p, int end) throws MalformedPacketException {
        List<NdOption> out = new ArrayList<>();
        while (p < end) {
            need(p, 2, end, Layer.ND_OPTION, "ND option");
            int type = u8(p);
            int units = u8(p + 1);
            if (units == 0) {
                // RFC 4861 §4.6: nodes MUST silently discard an ND packet with an option of length 0
                throw err(BAD_LENGTH, Layer.ND_OPTION, p + 1, "ND option " + type + " has length 0");
            }
            int len = units * 8;
            if (len > end - p) {
                throw err(LENGTH_OVERRUN, Layer.ND_OPTION, p + 1,
                        "ND option " + type + " of " + len + " octets, " + (end - p) + " left");
            }
            switch (type) {
                case 1, 2 -> out.add(new NdOption.LinkLayerAddress(type, copy(p + 2, p + len)));
                case 3 -> {
                    if (units != 4) {
                        throw err(BAD_LENGTH, Layer.ND_OPTION, p + 1, "Prefix Information has length " + units
                                + ", need 4");
                    }
                    out.add(new NdOption.PrefixInformation(u8(p + 2), u8(p + 3), u32(p + 4), u32(p + 8),
                            u32(p + 12), addr(p + 16)));
                }
                default -> out.add(new NdOption.Unknown(type, copy(p + 2, p + len)));
            }
            p += len;
        }
        return out;
    }

    private Udp udp(int pos, int end) throws MalformedPacketException {
        need(pos, 8, end, Layer.UDP, "UDP header");
        int len = u16(pos + 4);
        if (len < 8) {
            throw err(BAD_LENGTH, Layer.UDP, pos + 4, "UDP length " + len + ", need at least 8");
        }
        if (len > end - pos) {
            throw err(LENGTH_OVERRUN, Layer.UDP, pos + 4, "UDP length " + len + ", " + (end - pos) + " octets left");
        }
        if (len < end - pos) {
            throw err(BAD_LENGTH, Layer.UDP, pos + 4, "UDP length " + len + " but the payload holds " + (end - pos));
        }
        return new Udp(u16(pos), u16(pos + 2), u16(pos + 6), copy(pos + 8, end));
    }
}
