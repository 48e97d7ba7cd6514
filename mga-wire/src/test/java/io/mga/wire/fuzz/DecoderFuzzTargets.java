package io.mga.wire.fuzz;

import io.mga.wire.ExtensionHeader;
import io.mga.wire.Icmpv6;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Option;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.Limits;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.PartialPacket;
import io.mga.wire.RawPayload;
import io.mga.wire.Tunnel;
import io.mga.wire.Udp;
import io.mga.wire.UpperLayer;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The properties every decoder entry point must keep for any input, as plain static methods: the JUnit fuzz
 * tests call them, and so can Jazzer's standalone driver for long runs ({@code fuzzerTestOneInput}).
 * A violated property throws {@link AssertionError}.
 */
public final class DecoderFuzzTargets {
    private static final Ipv6View VIEW = new Ipv6View();
    /** What {@link #view} reads from every getter, kept so that no read is dead code. */
    private static long sink;
    /** One view per nesting level, for {@link #agree} to follow tunnels as a decapsulating role does. */
    private static final Ipv6View[] LEVELS = new Ipv6View[Limits.MAX_NESTING];

    static {
        for (int i = 0; i < LEVELS.length; i++) {
            LEVELS[i] = new Ipv6View();
        }
    }

    private DecoderFuzzTargets() {
    }

    /**
     * Jazzer standalone entry point: all targets on the same input.
     *
     * @param data the input
     */
    public static void fuzzerTestOneInput(byte[] data) {
        decode(data);
        view(data);
        agree(data);
        link(data);
    }

    /**
     * {@link PacketDecoder#decode}: only {@link MalformedPacketException}, never {@code decoder_fault}; what
     * decodes re-encodes to the same octets and decodes to an equal record; decodePartial agrees.
     */
    public static void decode(byte[] data) {
        PartialPacket partial = PacketDecoder.decodePartial(data, 0, data.length);
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(data);
        } catch (MalformedPacketException e) {
            check(e.kind() != MalformedPacketException.Kind.DECODER_FAULT, "decoder fault: " + e);
            check(e.offset() >= 0 && e.offset() <= data.length, "offset out of range: " + e);
            check(partial.error() != null && partial.error().kind() == e.kind(), "decodePartial disagrees: " + e);
            return;
        }
        check(partial.isComplete() && partial.packet().orElseThrow().equals(p), "decodePartial disagrees");
        byte[] again = PacketEncoder.encode(p);
        check(again.length <= data.length && Arrays.equals(again, 0, again.length, data, 0, again.length),
                "re-encoding is not lossless");
        try {
            check(PacketDecoder.decode(again).equals(p), "decode(encode(p)) != p");
        } catch (MalformedPacketException e) {
            throw new AssertionError("re-encoded packet does not decode: " + e, e);
        }
    }

    /**
     * {@link Ipv6View#wrap} on its own: it never throws, whatever the input, at offset 0, 1 and 2 and over the
     * whole input and its first half; after a {@code wrap} that returned true, every getter runs without throwing,
     * the packet lies within the range given, and every index a getter gives (upper layer, Home Address option,
     * type 2 routing header) lies within the packet, past the fixed header. What the view reports is checked
     * against the decoder by {@link #agree}.
     *
     * @param data the input
     */
    public static void view(byte[] data) {
        for (int off = 0; off <= Math.min(2, data.length); off++) {
            wrapped(data, off, data.length - off);
        }
        wrapped(data, 0, data.length / 2);
        check(!VIEW.wrap(data, -1, data.length) && !VIEW.wrap(data, 0, data.length + 1)
                && !VIEW.wrap(null, 0, 0), "the view accepts a range outside the array");
    }

    private static void wrapped(byte[] data, int offset, int length) {
        if (!VIEW.wrap(data, offset, length)) {
            check(!VIEW.isValid(), "isValid() disagrees with wrap");
            return;
        }
        int start = VIEW.offset();
        int end = start + VIEW.packetLength();
        check(VIEW.isValid() && start == offset && end <= offset + length
                && VIEW.packetLength() == Ipv6View.HEADER_LENGTH + VIEW.payloadLength(), "packet outside the range");
        int upper = VIEW.upperLayerOffset();
        check(upper >= start + Ipv6View.HEADER_LENGTH && upper <= end && upper + VIEW.upperLayerLength() == end,
                "upper layer outside the packet");
        int hao = VIEW.homeAddressOffset();
        check(hao == Ipv6View.ABSENT || hao >= start + Ipv6View.HEADER_LENGTH && hao + 18 <= upper,
                "Home Address option outside the header chain");
        int rh2 = VIEW.type2RoutingOffset();
        check(rh2 == Ipv6View.ABSENT || rh2 >= start + Ipv6View.HEADER_LENGTH && rh2 + 24 <= upper,
                "type 2 routing header outside the header chain");
        check(VIEW.sourceOffset() == start + Ipv6View.SOURCE_OFFSET
                && VIEW.destinationOffset() == start + Ipv6View.DESTINATION_OFFSET, "address offsets");
        sink = VIEW.trafficClass() + VIEW.flowLabel() + VIEW.nextHeader() + VIEW.hopLimit()
                + VIEW.sourceHigh() + VIEW.sourceLow() + VIEW.destinationHigh() + VIEW.destinationLow()
                + VIEW.upperLayerProtocol() + VIEW.mobilityHeaderType() + VIEW.icmpv6Type()
                + VIEW.homeAddressHigh() + VIEW.homeAddressLow() + VIEW.type2SegmentsLeft()
                + VIEW.type2HomeAddressHigh() + VIEW.type2HomeAddressLow() + (VIEW.isTunnel() ? 1 : 0);
    }

    /**
     * The oracle between the flyweight and the decoder: {@link Ipv6View} and {@link PacketDecoder} always agree on
     * what a packet is, so that a role may dispatch on the view and then cast what the decoder returns.
     *
     * <p>Where {@link PacketDecoder#decode} throws, nothing is checked but that {@link Ipv6View#wrap} does not
     * throw either: the view may accept such a packet, since it does not look into the upper layer (nor into
     * Hop-by-Hop options, nor at the length of an AH header or of a Tunnel Encapsulation Limit option).
     *
     * <p>Where the decoder returns a packet {@code p}, the view wrapped over the same octets:
     * <ul>
     *   <li>accepts it ({@code wrap} returns true);
     *   <li>gives its packet length, Payload Length, Next Header, Hop Limit, Traffic Class, Flow Label, Source and
     *       Destination Address;
     *   <li>finds a Home Address option exactly when {@code p.homeAddressOption()} is present, the same one (the
     *       first: same address, and its Option Type octet at {@code homeAddressOffset()}), and a type 2 routing
     *       header exactly when {@code p.type2Routing()} is present, the same one (the first: same Segments Left
     *       and address);
     *   <li>reports the upper layer at the same place: with {@code n} the octets of the fixed header and every
     *       extension header of {@code p}, {@code upperLayerOffset() == offset + n} and
     *       {@code upperLayerLength() == p.upper().wireLength()} and {@code upperLayerProtocol()} is
     *       {@code p.upper().protocol()}; except when the last extension header is a Fragment header of a fragment
     *       (Fragment Offset non-zero or M set), where the view reports the Fragment header itself:
     *       protocol {@link Protocols#FRAGMENT}, offset {@code offset + n - 8}, length {@code 8 +
     *       p.upper().wireLength()}, and the octet at that offset (the Fragment header's Next Header) is
     *       {@code p.upper().protocol()};
     *   <li>names the decoded type by its protocol: {@link Protocols#MOBILITY} only for a {@link MobilityHeader}
     *       (and {@code mobilityHeaderType()} is its MH Type), {@link Protocols#ICMPV6} only for {@link Icmpv6}
     *       ({@code icmpv6Type()} is its Type), {@link Protocols#UDP} only for {@link Udp},
     *       {@link Protocols#IPV6_IN_IPV6} only for a {@link Tunnel} ({@code isTunnel()}), {@link Protocols#FRAGMENT}
     *       only for the {@link RawPayload} after a fragment's Fragment header, and any other number only for a
     *       {@link RawPayload} of that protocol; {@code mobilityHeaderType()} and {@code icmpv6Type()} are -1 and
     *       {@code isTunnel()} false for every other upper layer;
     *   <li>for a tunnel, all of this again, recursively, for a view wrapped at {@code upperLayerOffset()} over
     *       {@code upperLayerLength()} octets (decapsulation as a role does it) and the decoded inner packet.
     * </ul>
     *
     * @param data the input
     */
    public static void agree(byte[] data) {
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(data);
        } catch (MalformedPacketException e) {
            LEVELS[0].wrap(data, 0, data.length);
            return;
        }
        agree(data, 0, data.length, p, 0);
    }

    private static void agree(byte[] b, int offset, int length, Ipv6Packet p, int level) {
        Ipv6View v = LEVELS[level];
        check(v.wrap(b, offset, length), "the view rejects a packet the decoder accepts");
        Ipv6Header h = p.header();
        check(v.packetLength() == p.wireLength() && v.payloadLength() == p.payloadLength(),
                "view and decoder disagree on the packet length");
        check(v.nextHeader() == p.nextHeader() && v.hopLimit() == h.hopLimit()
                && v.trafficClass() == h.trafficClass() && v.flowLabel() == h.flowLabel(),
                "view and decoder disagree on the fixed header");
        check(v.sourceHigh() == h.sourceHigh() && v.sourceLow() == h.sourceLow()
                && v.destinationHigh() == h.destinationHigh() && v.destinationLow() == h.destinationLow(),
                "view and decoder disagree on the addresses");
        Optional<Ipv6Option.HomeAddress> hao = p.homeAddressOption();
        check((v.homeAddressOffset() != Ipv6View.ABSENT) == hao.isPresent(),
                "view and decoder disagree on the Home Address option");
        if (hao.isPresent()) {
            check((b[v.homeAddressOffset()] & 0xff) == 201 && v.homeAddressHigh() == hao.get().homeAddressHigh()
                    && v.homeAddressLow() == hao.get().homeAddressLow(),
                    "view and decoder find different Home Address options");
        }
        Optional<ExtensionHeader.Type2Routing> rh2 = p.type2Routing();
        check((v.type2RoutingOffset() != Ipv6View.ABSENT) == rh2.isPresent(),
                "view and decoder disagree on the type 2 routing header");
        if (rh2.isPresent()) {
            check(v.type2SegmentsLeft() == rh2.get().segmentsLeft()
                    && v.type2HomeAddressHigh() == rh2.get().homeAddressHigh()
                    && v.type2HomeAddressLow() == rh2.get().homeAddressLow(),
                    "view and decoder find different type 2 routing headers");
        }
        List<ExtensionHeader> ext = p.extensions();
        int n = Ipv6View.HEADER_LENGTH;
        for (ExtensionHeader e : ext) {
            n += e.wireLength();
        }
        UpperLayer u = p.upper();
        boolean fragment = !ext.isEmpty() && ext.get(ext.size() - 1) instanceof ExtensionHeader.Fragment f
                && f.isFragmented();
        if (fragment) {
            check(v.upperLayerProtocol() == Protocols.FRAGMENT
                    && v.upperLayerOffset() == offset + n - Ipv6View.FRAGMENT_HEADER_LENGTH
                    && v.upperLayerLength() == Ipv6View.FRAGMENT_HEADER_LENGTH + u.wireLength()
                    && (b[v.upperLayerOffset()] & 0xff) == u.protocol(),
                    "the view does not report a fragment's Fragment header as its upper layer");
        } else {
            check(v.upperLayerProtocol() == u.protocol() && v.upperLayerOffset() == offset + n
                    && v.upperLayerLength() == u.wireLength(), "view and decoder disagree on the upper layer");
        }
        check(v.isTunnel() == (v.upperLayerProtocol() == Protocols.IPV6_IN_IPV6)
                && (v.mobilityHeaderType() < 0 || v.upperLayerProtocol() == Protocols.MOBILITY)
                && (v.icmpv6Type() < 0 || v.upperLayerProtocol() == Protocols.ICMPV6),
                "a type getter answers for another protocol");
        switch (v.upperLayerProtocol()) {
            case Protocols.MOBILITY -> check(u instanceof MobilityHeader m
                    && v.mobilityHeaderType() == m.message().type(), "the view says Mobility Header, the decoder "
                    + u.getClass().getSimpleName());
            case Protocols.ICMPV6 -> check(u instanceof Icmpv6 i && v.icmpv6Type() == i.message().type(),
                    "the view says ICMPv6, the decoder " + u.getClass().getSimpleName());
            case Protocols.UDP -> check(u instanceof Udp, "the view says UDP, the decoder "
                    + u.getClass().getSimpleName());
            case Protocols.IPV6_IN_IPV6 -> {
                check(u instanceof Tunnel, "the view says tunnel, the decoder " + u.getClass().getSimpleName());
                agree(b, v.upperLayerOffset(), v.upperLayerLength(), ((Tunnel) u).inner(), level + 1);
            }
            case Protocols.FRAGMENT -> check(fragment && u instanceof RawPayload,
                    "the view says fragment, the decoder " + u.getClass().getSimpleName());
            default -> check(u instanceof RawPayload r && r.protocol() == v.upperLayerProtocol(),
                    "the view says protocol " + v.upperLayerProtocol() + ", the decoder "
                    + u.getClass().getSimpleName());
        }
    }

    /** {@link LinkFrames#ipv6Offset} for every link type, then the decoder on what it finds. */
    public static void link(byte[] data) {
        for (LinkType t : LinkType.values()) {
            try {
                int off = LinkFrames.ipv6Offset(t, data, data.length);
                check(off >= 0 && off <= data.length, "link offset out of range");
                PartialPacket p = PacketDecoder.decodePartial(data, off, data.length - off);
                check(p.error() == null || p.error().kind() != MalformedPacketException.Kind.DECODER_FAULT,
                        "decoder fault behind " + t);
            } catch (MalformedPacketException e) {
                check(e.kind() == MalformedPacketException.Kind.NOT_IPV6
                        || e.kind() == MalformedPacketException.Kind.TRUNCATED, "unexpected link error " + e);
            }
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
