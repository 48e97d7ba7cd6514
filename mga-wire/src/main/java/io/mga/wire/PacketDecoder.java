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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Pad1 has no fields: one instance serves every decoded packet. */
    private static final Ipv6Option.Pad1 IPV6_PAD1 = new Ipv6Option.Pad1();
    private static final MobilityOption.Pad1 MH_PAD1 = new MobilityOption.Pad1();
    /**
     * Zero-filled PadN, by data length 0 to 5: PadN of 2 to 7 octets, all the padding 8-octet alignment can need.
     * Records are immutable and compare by value, so one instance serves every packet.
     */
    private static final int SHARED_PADN = 6;
    private static final Ipv6Option.PadN[] IPV6_PADN = new Ipv6Option.PadN[SHARED_PADN];
    private static final MobilityOption.PadN[] MH_PADN = new MobilityOption.PadN[SHARED_PADN];
    /**
     * Option lists holding only a zero-filled PadN, by data length: what a message without options carries to
     * fill its last 8-octet unit (a Binding Update or Binding Acknowledgement: PadN of 4 octets).
     */
    private static final List<List<MobilityOption>> MH_PADDING_ONLY;

    static {
        List<List<MobilityOption>> only = new ArrayList<>();
        for (int i = 0; i < SHARED_PADN; i++) {
            IPV6_PADN[i] = new Ipv6Option.PadN(Bytes.zeros(i));
            MH_PADN[i] = new MobilityOption.PadN(Bytes.zeros(i));
            only.add(List.of(MH_PADN[i]));
        }
        MH_PADDING_ONLY = List.copyOf(only);
    }

    /**
     * The first 8 octets of the usual Destination Options header, as a big-endian long: Next Header (any), Hdr
     * Ext Len 2, PadN type 1 and length 2, two padding octets (any), Home Address option type 201 and length 16.
     */
    private static final long USUAL_HAO = 0x0002_0102_0000_c910L;
    private static final long USUAL_HAO_MASK = 0x00ff_ffff_0000_ffffL;

    private PacketDecoder() {
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
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw outside(bytes, offset, length);
        }
        try {
            return packet(bytes, offset, offset, offset + length, 1, null);
        } catch (RuntimeException e) {
            throw fault(e);
        }
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
            return new PartialPacket(null, -1, -1, List.of(), null, null, outside(bytes, offset, length));
        }
        Frame f = new Frame();
        try {
            packet(bytes, offset, offset, offset + length, depth, f);
        } catch (MalformedPacketException e) {
            f.setError(e);
        } catch (RuntimeException e) {
            f.setError(fault(e));
        }
        return f.toPartial();
    }

    private static MalformedPacketException outside(byte[] bytes, int offset, int length) {
        return new MalformedPacketException(TRUNCATED, Layer.IPV6, 0,
                "range " + offset + "+" + length + " outside " + bytes.length + " octets");
    }

    /** The one place a bug would surface: reported as input-independent DECODER_FAULT, never escaping. */
    private static MalformedPacketException fault(RuntimeException e) {
        return new MalformedPacketException(DECODER_FAULT, Layer.IPV6, 0, e.toString());
    }

    /**
     * Decoding progress of one packet level for {@link #decodePartial}, turned into a {@link PartialPacket} at the
     * end. {@link #decode} passes none and keeps its progress in local variables.
     */
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

    private static MalformedPacketException err(int base, MalformedPacketException.Kind kind, Layer layer, int at,
            String msg) {
        return new MalformedPacketException(kind, layer, at - base, msg);
    }

    private static void need(int base, int at, int n, int end, Layer layer, String what)
            throws MalformedPacketException {
        if (end - at < n) {
            throw err(base, TRUNCATED, layer, at, what + ": got " + Math.max(0, end - at) + " octets, need " + n);
        }
    }

    /** {@link #need} for a numbered item: the text {@code what + number} is only made when the check fails. */
    private static void need(int base, int at, int n, int end, Layer layer, String what, int number)
            throws MalformedPacketException {
        if (end - at < n) {
            need(base, at, n, end, layer, what + number);
        }
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    private static int u16(byte[] b, int i) {
        return (short) U16.get(b, i) & 0xffff;
    }

    private static long u32(byte[] b, int i) {
        return (int) U32.get(b, i) & 0xffff_ffffL;
    }

    private static long u64(byte[] b, int i) {
        return (long) U64.get(b, i);
    }

    private static Bytes copy(byte[] b, int from, int to) {
        return Bytes.copyOf(b, from, to - from);
    }

    private static Ipv6Address addr(byte[] b, int i) {
        return new Ipv6Address(u64(b, i), u64(b, i + 8));
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** An immutable list of {@code n} elements: {@code a}, {@code c}, or all of {@code more} when n > 2. */
    private static <T> List<T> list(int n, T a, T c, List<T> more) {
        switch (n) {
            case 0:
                return List.of();
            case 1:
                return List.of(a);
            case 2:
                return List.of(a, c);
            default:
                return List.copyOf(more);
        }
    }

    /**
     * Decodes one IPv6 packet at {@code off}; {@code f}, when given, records each layer as it is decoded.
     *
     * @param b the octets
     * @param base index of the outermost header, from which error offsets count
     * @param off index of this packet's first octet
     * @param avail index after the last octet available to it
     * @param depth nesting level, 1 for the outermost packet
     * @param f the progress record of {@link #decodePartial}, or null
     * @return the packet
     * @throws MalformedPacketException at the first malformed field
     */
    private static Ipv6Packet packet(byte[] b, int base, int off, int avail, int depth, Frame f)
            throws MalformedPacketException {
        if (depth > Limits.MAX_NESTING) {
            throw err(base, NESTING_TOO_DEEP, Layer.IPV6, off, "more than " + Limits.MAX_NESTING
                    + " nested IPv6 packets");
        }
        need(base, off, 40, avail, Layer.IPV6, "IPv6 header");
        int w = (int) U32.get(b, off);
        int version = w >>> 28;
        if (version != 6) {
            throw err(base, BAD_IP_VERSION, Layer.IPV6, off, "version " + version + ", need 6");
        }
        int plen = u16(b, off + 4);
        int nh = u8(b, off + 6);
        Ipv6Header header = new Ipv6Header((w >>> 20) & 0xff, w & 0xfffff, u8(b, off + 7), u64(b, off + 8),
                u64(b, off + 16), u64(b, off + 24), u64(b, off + 32));
        if (f != null) {
            f.header = header;
            f.payloadLength = plen;
            f.nextHeader = nh;
        }
        int end = off + 40 + plen;
        if (end > avail) {
            throw err(base, TRUNCATED, Layer.IPV6, off + 4,
                    "payload length " + plen + " but " + (avail - off - 40) + " octets follow the header");
        }
        if (!isExtension(nh)) {
            UpperLayer upper = upper(b, base, nh, off + 40, end, depth, f);
            if (f != null) {
                f.upper = upper;
            }
            return new Ipv6Packet(header, List.of(), upper);
        }
        return chain(b, base, header, off + 40, nh, end, depth, f);
    }

    /**
     * The rest of {@link #packet} when extension headers follow the fixed header.
     *
     * @param b the octets
     * @param base index of the outermost header, from which error offsets count
     * @param header the fixed header, decoded
     * @param pos index of the first extension header
     * @param next its protocol number
     * @param end index after the packet's last octet
     * @param depth nesting level, 1 for the outermost packet
     * @param f the progress record of {@link #decodePartial}, or null
     * @return the packet
     * @throws MalformedPacketException at the first malformed field
     */
    private static Ipv6Packet chain(byte[] b, int base, Ipv6Header header, int pos, int next, int end, int depth,
            Frame f) throws MalformedPacketException {
        ExtensionHeader e0 = null;
        ExtensionHeader e1 = null;
        List<ExtensionHeader> more = null;
        int n = 0;
        UpperLayer upper = null;
        while (isExtension(next)) {
            if (n == Limits.MAX_EXTENSION_HEADERS || (next == 0 && n > 0)) {
                throw chainError(base, n, next, pos);
            }
            ExtensionHeader h = extension(b, base, next, pos, end);
            if (f != null) {
                f.extensions.add(h);
            }
            if (n == 0) {
                e0 = h;
            } else if (n == 1) {
                e1 = h;
            } else {
                if (more == null) {
                    more = new ArrayList<>(Limits.MAX_EXTENSION_HEADERS);
                    more.add(e0);
                    more.add(e1);
                }
                more.add(h);
            }
            n++;
            // extension() checked the header's length against the payload: the same sum as h.wireLength()
            int total = next == 44 ? 8 : next == 51 ? (u8(b, pos + 1) + 2) * 4 : (u8(b, pos + 1) + 1) * 8;
            next = u8(b, pos);
            pos += total;
            if (h instanceof ExtensionHeader.Fragment frag && frag.isFragmented()) {
                // RFC 8200 §4.5: a fragment (offset != 0 or M set) is a piece of a packet to reassemble: what follows
                // is kept raw, and Ipv6View reports the Fragment header as the upper layer (protocol 44). An atomic
                // fragment (offset 0, M clear) "should be processed as a fully reassembled packet" (RFC 6946 §4:
                // MUST, in isolation): the loop walks on, as the view does
                upper = new RawPayload(next, copy(b, pos, end));
                break;
            }
        }
        if (upper == null) {
            upper = upper(b, base, next, pos, end, depth, f);
        }
        if (f != null) {
            f.upper = upper;
        }
        return new Ipv6Packet(header, list(n, e0, e1, more), upper);
    }

    /** The error for the {@code n}th extension header, {@code next}, at {@code pos}: too many, or a late Hop-by-Hop. */
    private static MalformedPacketException chainError(int base, int n, int next, int pos) {
        if (n == Limits.MAX_EXTENSION_HEADERS) {
            return err(base, CHAIN_TOO_LONG, layerOf(next), pos, "more than " + Limits.MAX_EXTENSION_HEADERS
                    + " extension headers");
        }
        return err(base, HOP_BY_HOP_NOT_FIRST, Layer.HOP_BY_HOP, pos, "Hop-by-Hop header after another header");
    }

    /** Next Header values the decoder walks as extension headers: 0, 60, 43, 44 and the walkable others. */
    private static final boolean[] EXTENSION = new boolean[256];

    static {
        for (int nh = 0; nh < 256; nh++) {
            EXTENSION[nh] = nh == 60 || nh == 0 || nh == 43 || nh == 44 || ExtensionHeader.Other.isWalkable(nh);
        }
    }

    private static boolean isExtension(int nh) {
        return EXTENSION[nh];
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

    private static ExtensionHeader extension(byte[] b, int base, int nh, int pos, int end)
            throws MalformedPacketException {
        if (nh == 44) {
            return fragment(b, base, pos, end);
        }
        need(base, pos, 2, end, layerOf(nh), "extension header");
        int len = u8(b, pos + 1);
        int total = nh == 51 ? (len + 2) * 4 : (len + 1) * 8;
        if (total > end - pos) {
            throw err(base, LENGTH_OVERRUN, layerOf(nh), pos + 1, "header of " + total + " octets, " + (end - pos)
                    + " left");
        }
        int hend = pos + total;
        if (nh == 60) {
            if (total == 24 && ((long) U64.get(b, pos) & USUAL_HAO_MASK) == USUAL_HAO) {
                // the layout senders use (RFC 6275 §6.3): PadN of 4 octets, then the Home Address option filling
                // the header; the same options the general scan makes of these octets
                Ipv6Option pad = b[pos + 4] == 0 && b[pos + 5] == 0 ? IPV6_PADN[2]
                        : new Ipv6Option.PadN(copy(b, pos + 4, pos + 6));
                return new ExtensionHeader.DestinationOptions(List.of(pad,
                        new Ipv6Option.HomeAddress(u64(b, pos + 8), u64(b, pos + 16))));
            }
            return new ExtensionHeader.DestinationOptions(ipv6Options(b, base, pos + 2, hend));
        }
        if (nh == 0) {
            return new ExtensionHeader.HopByHop(ipv6Options(b, base, pos + 2, hend));
        }
        return otherExtension(b, base, nh, pos, len, hend);
    }

    private static ExtensionHeader fragment(byte[] b, int base, int pos, int end) throws MalformedPacketException {
        need(base, pos, 8, end, Layer.FRAGMENT, "Fragment header");
        int w = u16(b, pos + 2);
        return new ExtensionHeader.Fragment(u8(b, pos + 1), w >>> 3, (w >>> 1) & 3, (w & 1) != 0, u32(b, pos + 4));
    }

    /** A Routing, AH or RFC 6564 header whose {@code len} octet fits the payload, ending at {@code hend}. */
    private static ExtensionHeader otherExtension(byte[] b, int base, int nh, int pos, int len, int hend)
            throws MalformedPacketException {
        Layer layer = layerOf(nh);
        if (nh == 43) {
            int type = u8(b, pos + 2);
            if (type == 2) {
                if (len != 2) {
                    throw err(base, BAD_LENGTH, layer, pos + 1, "type 2 routing header has Hdr Ext Len " + len
                            + ", need 2");
                }
                return new ExtensionHeader.Type2Routing(u8(b, pos + 3), u32(b, pos + 4), u64(b, pos + 8),
                        u64(b, pos + 16));
            }
            return new ExtensionHeader.OtherRouting(type, u8(b, pos + 3), copy(b, pos + 4, hend));
        }
        int total = hend - pos;
        if (nh == 51 && total < 8) {
            throw err(base, BAD_LENGTH, layer, pos + 1, "AH header of " + total + " octets, need at least 8");
        }
        return new ExtensionHeader.Other(nh, copy(b, pos + 2, hend));
    }

    private static List<Ipv6Option> ipv6Options(byte[] b, int base, int p, int end) throws MalformedPacketException {
        Ipv6Option o0 = null;
        Ipv6Option o1 = null;
        List<Ipv6Option> more = null;
        int n = 0;
        while (p < end) {
            int type = u8(b, p);
            Ipv6Option o;
            if (type == 0) {
                o = IPV6_PAD1;
                p++;
            } else {
                o = ipv6Option(b, base, type, p, end);
                p += 2 + u8(b, p + 1);
            }
            if (n == 0) {
                o0 = o;
            } else if (n == 1) {
                o1 = o;
            } else {
                if (more == null) {
                    more = new ArrayList<>();
                    more.add(o0);
                    more.add(o1);
                }
                more.add(o);
            }
            n++;
        }
        return list(n, o0, o1, more);
    }

    /** Decodes the option of {@code type} (not Pad1) at {@code p}, checking its length. */
    private static Ipv6Option ipv6Option(byte[] b, int base, int type, int p, int end)
            throws MalformedPacketException {
        need(base, p, 2, end, Layer.IPV6_OPTION, "option ", type);
        int len = u8(b, p + 1);
        if (len > end - p - 2) {
            throw err(base, LENGTH_OVERRUN, Layer.IPV6_OPTION, p + 1,
                    "option " + type + " of " + len + " octets, " + (end - p - 2) + " left");
        }
        int d = p + 2;
        switch (type) {
            case 201:
                fixed(base, len, 16, Layer.IPV6_OPTION, p, "Home Address option");
                return new Ipv6Option.HomeAddress(u64(b, d), u64(b, d + 8));
            case 1:
                return len < SHARED_PADN && zeros(b, d, d + len) ? IPV6_PADN[len]
                        : new Ipv6Option.PadN(copy(b, d, d + len));
            case 4:
                fixed(base, len, 1, Layer.IPV6_OPTION, p, "Tunnel Encapsulation Limit");
                return new Ipv6Option.TunnelEncapsulationLimit(u8(b, d));
            default:
                return new Ipv6Option.Unknown(type, copy(b, d, d + len));
        }
    }

    private static void fixed(int base, int len, int want, Layer layer, int optionAt, String what)
            throws MalformedPacketException {
        if (len != want) {
            throw err(base, BAD_LENGTH, layer, optionAt + 1, what + " has length " + len + ", need " + want);
        }
    }

    private static void atLeast(int base, int len, int want, int optionAt, String what)
            throws MalformedPacketException {
        if (len < want) {
            throw err(base, BAD_LENGTH, Layer.MOBILITY_OPTION, optionAt + 1,
                    what + " has length " + len + ", need at least " + want);
        }
    }

    private static UpperLayer upper(byte[] b, int base, int nh, int pos, int end, int depth, Frame f)
            throws MalformedPacketException {
        switch (nh) {
            case 135:
                return mobility(b, base, pos, end);
            case 17:
                return udp(b, base, pos, end);
            case 41: {
                Frame in = null;
                if (f != null) {
                    in = new Frame();
                    f.inner = in;
                }
                Ipv6Packet inner = packet(b, base, pos, end, depth + 1, in);
                // what the inner packet decoded covers exactly its 40 octets and Payload Length: its wireLength()
                int innerLength = 40 + u16(b, pos + 4);
                if (innerLength != end - pos) {
                    throw err(base, BAD_LENGTH, Layer.IPV6, pos + 4, "tunnelled packet of " + innerLength
                            + " octets in a payload of " + (end - pos));
                }
                return new Tunnel(inner);
            }
            case 58:
                return icmpv6(b, base, pos, end);
            default:
                return new RawPayload(nh, copy(b, pos, end));
        }
    }

    private static MobilityHeader mobility(byte[] b, int base, int pos, int end) throws MalformedPacketException {
        need(base, pos, 8, end, Layer.MH, "Mobility Header");
        int hlen = u8(b, pos + 1);
        int total = (hlen + 1) * 8;
        if (total > end - pos) {
            throw err(base, LENGTH_OVERRUN, Layer.MH, pos + 1, "Header Len gives " + total + " octets, "
                    + (end - pos) + " left");
        }
        if (total < end - pos) {
            throw err(base, BAD_LENGTH, Layer.MH, pos + 1, "Header Len gives " + total
                    + " octets, the payload holds " + (end - pos));
        }
        int type = u8(b, pos + 2);
        int min = MobilityMessage.minimumHeaderLen(type);
        if (hlen < min) {
            // RFC 6275 §9.2: a Header Len below the type's minimum is malformed
            throw err(base, BAD_LENGTH, Layer.MH, pos + 1, "Header Len " + hlen + " below " + min + " for MH type "
                    + type);
        }
        MobilityMessage m = message(b, base, type, pos, pos + total);
        return new MobilityHeader(u8(b, pos), u8(b, pos + 3), u16(b, pos + 4), m);
    }

    /** The message of MH {@code type} whose header starts at {@code pos} and ends at {@code mend}. */
    private static MobilityMessage message(byte[] b, int base, int type, int pos, int mend)
            throws MalformedPacketException {
        int p = pos + 6;
        return switch (type) {
            case 5 -> new MobilityMessage.BindingUpdate(u16(b, p), u16(b, p + 2), u16(b, p + 4),
                    mobilityOptions(b, base, pos + 12, mend));
            case 6 -> new MobilityMessage.BindingAcknowledgement(u8(b, p), u8(b, p + 1), u16(b, p + 2),
                    u16(b, p + 4), mobilityOptions(b, base, pos + 12, mend));
            default -> otherMessage(b, base, type, pos, mend);
        };
    }

    /** {@link #message} for the MH types other than 5 and 6. */
    private static MobilityMessage otherMessage(byte[] b, int base, int type, int pos, int mend)
            throws MalformedPacketException {
        int p = pos + 6;
        return switch (type) {
            case 0 -> new MobilityMessage.BindingRefreshRequest(u16(b, p), mobilityOptions(b, base, pos + 8, mend));
            case 1 -> new MobilityMessage.HomeTestInit(u16(b, p), u64(b, p + 2),
                    mobilityOptions(b, base, pos + 16, mend));
            case 2 -> new MobilityMessage.CareOfTestInit(u16(b, p), u64(b, p + 2),
                    mobilityOptions(b, base, pos + 16, mend));
            case 3 -> new MobilityMessage.HomeTest(u16(b, p), u64(b, p + 2), u64(b, p + 10),
                    mobilityOptions(b, base, pos + 24, mend));
            case 4 -> new MobilityMessage.CareOfTest(u16(b, p), u64(b, p + 2), u64(b, p + 10),
                    mobilityOptions(b, base, pos + 24, mend));
            case 7 -> new MobilityMessage.BindingError(u8(b, p), u8(b, p + 1), addr(b, p + 2),
                    mobilityOptions(b, base, pos + 24, mend));
            default -> new MobilityMessage.Unknown(type, copy(b, p, mend));
        };
    }

    private static List<MobilityOption> mobilityOptions(byte[] b, int base, int p, int end)
            throws MalformedPacketException {
        MobilityOption o0 = null;
        MobilityOption o1 = null;
        List<MobilityOption> more = null;
        int n = 0;
        int sharedPad = -1;
        while (p < end) {
            int type = u8(b, p);
            MobilityOption o;
            if (type == 0) {
                o = MH_PAD1;
                p++;
            } else {
                o = mobilityOption(b, base, type, p, end);
                int len = u8(b, p + 1);
                if (n == 0 && o == MH_PADN[Math.min(len, SHARED_PADN - 1)]) {
                    sharedPad = len;
                }
                p += 2 + len;
            }
            if (n == 0) {
                o0 = o;
            } else if (n == 1) {
                o1 = o;
            } else {
                if (more == null) {
                    more = new ArrayList<>();
                    more.add(o0);
                    more.add(o1);
                }
                more.add(o);
            }
            n++;
        }
        if (n == 1 && sharedPad >= 0) {
            return MH_PADDING_ONLY.get(sharedPad);
        }
        return list(n, o0, o1, more);
    }

    /** Decodes the mobility option of {@code type} (not Pad1) at {@code p}, checking its length. */
    private static MobilityOption mobilityOption(byte[] b, int base, int type, int p, int end)
            throws MalformedPacketException {
        need(base, p, 2, end, Layer.MOBILITY_OPTION, "mobility option ", type);
        int len = u8(b, p + 1);
        if (len > end - p - 2) {
            throw err(base, LENGTH_OVERRUN, Layer.MOBILITY_OPTION, p + 1,
                    "mobility option " + type + " of " + len + " octets, " + (end - p - 2) + " left");
        }
        int d = p + 2;
        int e = d + len;
        if (type == 1) {
            return len < SHARED_PADN && zeros(b, d, e) ? MH_PADN[len] : new MobilityOption.PadN(copy(b, d, e));
        }
        return mobilityOptionBody(b, base, type, p, len);
    }

    /** Decodes a mobility option other than Pad1 and PadN whose length fits. */
    private static MobilityOption mobilityOptionBody(byte[] b, int base, int type, int p, int len)
            throws MalformedPacketException {
        int d = p + 2;
        int e = d + len;
        switch (type) {
            case 2:
                fixed(base, len, 2, Layer.MOBILITY_OPTION, p, "Binding Refresh Advice");
                return new MobilityOption.BindingRefreshAdvice(u16(b, d));
            case 3:
                fixed(base, len, 16, Layer.MOBILITY_OPTION, p, "Alternate Care-of Address");
                return new MobilityOption.AlternateCareOfAddress(addr(b, d));
            case 4:
                fixed(base, len, 4, Layer.MOBILITY_OPTION, p, "Nonce Indices");
                return new MobilityOption.NonceIndices(u16(b, d), u16(b, d + 2));
            case 5:
                return new MobilityOption.BindingAuthorizationData(copy(b, d, e));
            case 8:
                atLeast(base, len, 1, p, "Mobile Node Identifier");
                return new MobilityOption.MobileNodeIdentifier(u8(b, d), copy(b, d + 1, e));
            case 9:
                atLeast(base, len, 5, p, "Mobility Message Authentication");
                return new MobilityOption.Authentication(u8(b, d), u32(b, d + 1), copy(b, d + 5, e));
            case 10:
                fixed(base, len, 8, Layer.MOBILITY_OPTION, p, "Replay Protection");
                return new MobilityOption.ReplayProtection(u64(b, d));
            case 19:
                atLeast(base, len, 5, p, "Vendor-Specific");
                return new MobilityOption.VendorSpecific(u32(b, d), u8(b, d + 4), copy(b, d + 5, e));
            case 35:
                if (len != 4 && len != 8 && len != 20) {
                    // RFC 5648 §4.3: 4 (no CoA), 8 (IPv4 CoA) or 20 (IPv6 CoA)
                    throw err(base, BAD_LENGTH, Layer.MOBILITY_OPTION, p + 1,
                            "Binding Identifier has length " + len + ", need 4, 8 or 20");
                }
                return new MobilityOption.BindingIdentifier(u16(b, d), u8(b, d + 2), u8(b, d + 3),
                        copy(b, d + 4, e));
            default:
                return new MobilityOption.Unknown(type, copy(b, d, e));
        }
    }

    private static Icmpv6 icmpv6(byte[] b, int base, int pos, int end) throws MalformedPacketException {
        need(base, pos, 4, end, Layer.ICMPV6, "ICMPv6 header");
        int type = u8(b, pos);
        int code = u8(b, pos + 1);
        int checksum = u16(b, pos + 2);
        int p = pos + 4;
        Icmpv6Message m;
        switch (type) {
            case 1, 2, 3, 4 -> {
                need(base, pos, 8, end, Layer.ICMPV6, "ICMPv6 error message");
                long word = u32(b, p);
                Bytes inv = copy(b, p + 4, end);
                m = switch (type) {
                    case 1 -> new Icmpv6Message.DestinationUnreachable(code, word, inv);
                    case 2 -> new Icmpv6Message.PacketTooBig(code, word, inv);
                    case 3 -> new Icmpv6Message.TimeExceeded(code, word, inv);
                    default -> new Icmpv6Message.ParameterProblem(code, word, inv);
                };
            }
            case 128, 129 -> {
                need(base, pos, 8, end, Layer.ICMPV6, "Echo message");
                m = new Icmpv6Message.Echo(type, code, u16(b, p), u16(b, p + 2), copy(b, p + 4, end));
            }
            case 135, 136 -> {
                need(base, pos, 24, end, Layer.ICMPV6, "Neighbor Discovery message");
                List<NdOption> opts = ndOptions(b, base, pos + 24, end);
                m = type == 135 ? new Icmpv6Message.NeighborSolicitation(code, u32(b, p), addr(b, p + 4), opts)
                        : new Icmpv6Message.NeighborAdvertisement(code, u32(b, p), addr(b, p + 4), opts);
            }
            case 144 -> {
                need(base, pos, 8, end, Layer.ICMPV6, "HAAD Request");
                if (end - pos != 8) {
                    throw err(base, BAD_LENGTH, Layer.ICMPV6, pos, "HAAD Request of " + (end - pos) + " octets, need 8");
                }
                m = new Icmpv6Message.HaadRequest(code, u16(b, p), u16(b, p + 2));
            }
            case 145 -> {
                need(base, pos, 8, end, Layer.ICMPV6, "HAAD Reply");
                if ((end - pos - 8) % 16 != 0) {
                    throw err(base, BAD_LENGTH, Layer.ICMPV6, pos, "HAAD Reply of " + (end - pos)
                            + " octets is not 8 plus whole addresses");
                }
                int n = (end - pos - 8) / 16;
                List<Ipv6Address> has;
                if (n <= 2) {
                    has = list(n, n > 0 ? addr(b, pos + 8) : null, n > 1 ? addr(b, pos + 24) : null, null);
                } else {
                    Ipv6Address[] a = new Ipv6Address[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = addr(b, pos + 8 + 16 * i);
                    }
                    has = List.of(a);
                }
                m = new Icmpv6Message.HaadReply(code, u16(b, p), u16(b, p + 2), has);
            }
            case 146, 147 -> {
                need(base, pos, 8, end, Layer.ICMPV6, "Mobile Prefix message");
                List<NdOption> opts = ndOptions(b, base, pos + 8, end);
                m = type == 146 ? new Icmpv6Message.MobilePrefixSolicitation(code, u16(b, p), u16(b, p + 2), opts)
                        : new Icmpv6Message.MobilePrefixAdvertisement(code, u16(b, p), u16(b, p + 2), opts);
            }
            default -> m = new Icmpv6Message.Unknown(type, code, copy(b, p, end));
        }
        return new Icmpv6(checksum, m);
    }

    private static List<NdOption> ndOptions(byte[] b, int base, int p, int end) throws MalformedPacketException {
        NdOption o0 = null;
        NdOption o1 = null;
        List<NdOption> more = null;
        int n = 0;
        while (p < end) {
            need(base, p, 2, end, Layer.ND_OPTION, "ND option");
            int type = u8(b, p);
            int units = u8(b, p + 1);
            if (units == 0) {
                // RFC 4861 §4.6: nodes MUST silently discard an ND packet with an option of length 0
                throw err(base, BAD_LENGTH, Layer.ND_OPTION, p + 1, "ND option " + type + " has length 0");
            }
            int len = units * 8;
            if (len > end - p) {
                throw err(base, LENGTH_OVERRUN, Layer.ND_OPTION, p + 1,
                        "ND option " + type + " of " + len + " octets, " + (end - p) + " left");
            }
            NdOption o;
            switch (type) {
                case 1, 2 -> o = new NdOption.LinkLayerAddress(type, copy(b, p + 2, p + len));
                case 3 -> {
                    if (units != 4) {
                        throw err(base, BAD_LENGTH, Layer.ND_OPTION, p + 1, "Prefix Information has length " + units
                                + ", need 4");
                    }
                    o = new NdOption.PrefixInformation(u8(b, p + 2), u8(b, p + 3), u32(b, p + 4), u32(b, p + 8),
                            u32(b, p + 12), addr(b, p + 16));
                }
                default -> o = new NdOption.Unknown(type, copy(b, p + 2, p + len));
            }
            if (n == 0) {
                o0 = o;
            } else if (n == 1) {
                o1 = o;
            } else {
                if (more == null) {
                    more = new ArrayList<>();
                    more.add(o0);
                    more.add(o1);
                }
                more.add(o);
            }
            n++;
            p += len;
        }
        return list(n, o0, o1, more);
    }

    private static Udp udp(byte[] b, int base, int pos, int end) throws MalformedPacketException {
        need(base, pos, 8, end, Layer.UDP, "UDP header");
        int len = u16(b, pos + 4);
        if (len < 8) {
            throw err(base, BAD_LENGTH, Layer.UDP, pos + 4, "UDP length " + len + ", need at least 8");
        }
        if (len > end - pos) {
            throw err(base, LENGTH_OVERRUN, Layer.UDP, pos + 4, "UDP length " + len + ", " + (end - pos) + " octets left");
        }
        if (len < end - pos) {
            throw err(base, BAD_LENGTH, Layer.UDP, pos + 4, "UDP length " + len + " but the payload holds " + (end - pos));
        }
        return new Udp(u16(b, pos), u16(b, pos + 2), u16(b, pos + 6), copy(b, pos + 8, end));
    }
}
