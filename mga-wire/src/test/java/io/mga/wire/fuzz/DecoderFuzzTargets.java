package io.mga.wire.fuzz;

import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.PartialPacket;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import java.util.Arrays;

/**
 * The properties every decoder entry point must keep for any input, as plain static methods: the JUnit fuzz
 * tests call them, and so can Jazzer's standalone driver for long runs ({@code fuzzerTestOneInput}).
 * A violated property throws {@link AssertionError}.
 */
public final class DecoderFuzzTargets {
    private static final Ipv6View VIEW = new Ipv6View();

    private DecoderFuzzTargets() {
    }

    /** Jazzer standalone entry point: all targets on the same input. */
    public static void fuzzerTestOneInput(byte[] data) {
        decode(data);
        view(data);
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

    /** {@link Ipv6View#wrap}: never throws; accepts whatever the decoder accepts, and agrees on the upper layer. */
    public static void view(byte[] data) {
        boolean ok = VIEW.wrap(data, 0, data.length);
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(data);
        } catch (MalformedPacketException e) {
            return;
        }
        check(ok, "the view rejects a packet the decoder accepts");
        int upperLength = p.upper().wireLength();
        check(VIEW.upperLayerLength() == upperLength, "view and decoder disagree on the upper-layer length");
        check(VIEW.upperLayerProtocol() == p.upper().protocol(), "view and decoder disagree on the upper layer");
        check(VIEW.packetLength() == p.wireLength(), "view and decoder disagree on the packet length");
        check((VIEW.homeAddressOffset() != Ipv6View.ABSENT) == p.homeAddressOption().isPresent(),
                "view and decoder disagree on the Home Address option");
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
