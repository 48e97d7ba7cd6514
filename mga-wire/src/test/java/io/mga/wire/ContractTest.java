package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One shared contract for every message, option and header type: {@code decode(encode(x)).equals(x)}, the
 * encoded length equals {@code wireLength()}, the derived length fields hold what RFC 6275/8200 say, and
 * {@code encode(decode(bytes))} gives the bytes back. Field values are deliberately not the defaults, so a codec
 * that drops or swaps a field fails.
 */
class ContractTest {
    static final Ipv6Address A = Ipv6Address.parse("2001:db8:1::a");
    static final Ipv6Address B = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address C = Ipv6Address.parse("2001:db8:3::1");
    static final Bytes INV = Bytes.fromHex("6000000000083a40" + "20010db8000300000000000000000001".repeat(2)
            + "8000abcd00010002");

    static Ipv6Packet mh(MobilityMessage m) {
        return Ipv6Packet.build(Ipv6Header.of(64, B, C), List.of(ExtensionHeader.DestinationOptions.homeAddress(A)),
                new MobilityHeader(m));
    }

    static Ipv6Packet icmp(Icmpv6Message m) {
        return Ipv6Packet.build(new Ipv6Header(0xb8, 0xabcde, 255, B, C), List.of(), new Icmpv6(m));
    }

    static Stream<Arguments> packets() {
        List<Arguments> a = new ArrayList<>();
        // Mobility Header types 0..7 and an unknown one
        a.add(Arguments.of("BRR", mh(new MobilityMessage.BindingRefreshRequest(0x1234,
                MobilityOption.layOut(List.of(MobilityOption.BindingIdentifier.of(7, 0)), 8)))));
        a.add(Arguments.of("HoTI", mh(new MobilityMessage.HomeTestInit(3, 0x0102030405060708L, List.of()))));
        a.add(Arguments.of("CoTI", mh(new MobilityMessage.CareOfTestInit(0, 0xfedcba9876543210L, List.of()))));
        a.add(Arguments.of("HoT", mh(new MobilityMessage.HomeTest(0x11, 0x0102030405060708L, 0x5b8921ed9e064b6cL,
                List.of()))));
        a.add(Arguments.of("CoT", mh(new MobilityMessage.CareOfTest(0x22, 0x1112131415161718L, 0xc79a8a151905b049L,
                List.of()))));
        a.add(Arguments.of("BU all options", mh(MobilityMessage.BindingUpdate.of(0xfffe, 0xffc0, 0xffff,
                MobilityOption.MobileNodeIdentifier.nai("ar1@example.net"),
                new MobilityOption.AlternateCareOfAddress(B),
                MobilityOption.BindingIdentifier.of(9, 0, B),
                new MobilityOption.BindingIdentifier(10, 0, 0x80, Bytes.fromHex("c0000201")),
                new MobilityOption.VendorSpecific(32473, 1, Bytes.fromHex("00000064")),
                new MobilityOption.Unknown(200, Bytes.fromHex("0102")),
                new MobilityOption.ReplayProtection(0xe2b3c4d500000001L),
                new MobilityOption.Authentication(1, 0x100, Bytes.fromHex("00112233445566778899aabb"))))));
        a.add(Arguments.of("BU RR", mh(MobilityMessage.BindingUpdate.of(8, 0x8000, 105,
                new MobilityOption.NonceIndices(0x11, 0x22),
                new MobilityOption.BindingAuthorizationData(Bytes.fromHex("89ad28ba58709acf5b956f3a"))))));
        a.add(Arguments.of("BA", mh(MobilityMessage.BindingAcknowledgement.of(135, 0xe8, 0x4321, 0x0102,
                new MobilityOption.BindingRefreshAdvice(0x80), new MobilityOption.PadN(Bytes.fromHex("0000"))))));
        a.add(Arguments.of("BE", mh(new MobilityMessage.BindingError(2, 0x5a, A, List.of()))));
        a.add(Arguments.of("unknown MH", mh(new MobilityMessage.Unknown(42, Bytes.fromHex("0102030405060708090a")))));
        // extension headers
        a.add(Arguments.of("HBH + DO + RH2 + Frag(atomic)", Ipv6Packet.build(Ipv6Header.of(1, B, C), List.of(
                ExtensionHeader.HopByHop.of(new Ipv6Option.Unknown(5, Bytes.fromHex("0000"))),
                ExtensionHeader.DestinationOptions.of(new Ipv6Option.TunnelEncapsulationLimit(4)),
                ExtensionHeader.Type2Routing.of(A),
                new ExtensionHeader.Fragment(0, 0, 0, false, 0xdeadbeefL)),
                new Udp(1, 2, Bytes.fromHex("ff")))));
        a.add(Arguments.of("fragment + raw", new Ipv6Packet(Ipv6Header.of(9, B, C), List.of(
                new ExtensionHeader.Fragment(7, 100, 3, true, 42)), new RawPayload(17, Bytes.fromHex("abcdef")))));
        a.add(Arguments.of("routing type 4 + AH + 253", new Ipv6Packet(Ipv6Header.of(9, B, C), List.of(
                new ExtensionHeader.OtherRouting(4, 1, Bytes.fromHex("000000000000000000000000")),
                new ExtensionHeader.Other(51, Bytes.fromHex("00000000010000000000000201020304050607080910")),
                new ExtensionHeader.Other(253, Bytes.fromHex("010203040506"))),
                new RawPayload(59, Bytes.EMPTY))));
        // ICMPv6
        a.add(Arguments.of("DU", icmp(new Icmpv6Message.DestinationUnreachable(3, 0, INV))));
        a.add(Arguments.of("PTB", icmp(new Icmpv6Message.PacketTooBig(0, 1280, INV))));
        a.add(Arguments.of("TE", icmp(new Icmpv6Message.TimeExceeded(1, 7, INV))));
        a.add(Arguments.of("PP", icmp(new Icmpv6Message.ParameterProblem(2, 46, INV))));
        a.add(Arguments.of("echo", icmp(new Icmpv6Message.Echo(128, 0, 0xbeef, 7, Bytes.fromHex("68656c6c6f")))));
        a.add(Arguments.of("echo reply", icmp(new Icmpv6Message.Echo(129, 0, 0xbeef, 7, Bytes.EMPTY))));
        a.add(Arguments.of("NS", icmp(new Icmpv6Message.NeighborSolicitation(0, 0, A, List.of(
                new NdOption.LinkLayerAddress(1, Bytes.fromHex("020000000001")))))));
        a.add(Arguments.of("NA", icmp(new Icmpv6Message.NeighborAdvertisement(0, 0xe0000000L, A, List.of(
                new NdOption.LinkLayerAddress(2, Bytes.fromHex("020000000002")),
                new NdOption.Unknown(14, Bytes.fromHex("000000000000")))))));
        a.add(Arguments.of("HAAD request", icmp(new Icmpv6Message.HaadRequest(0, 0x1234, 0x8000))));
        a.add(Arguments.of("HAAD reply", icmp(new Icmpv6Message.HaadReply(0, 0x1234, 0, List.of(A, B)))));
        a.add(Arguments.of("MPS", icmp(new Icmpv6Message.MobilePrefixSolicitation(0, 9, 0, List.of()))));
        a.add(Arguments.of("MPA", icmp(new Icmpv6Message.MobilePrefixAdvertisement(0, 9, 0xc000, List.of(
                new NdOption.PrefixInformation(64, 0xe0, 86400, 14400, 0, Ipv6Address.parse("2001:db8:1::")))))));
        a.add(Arguments.of("unknown ICMPv6", icmp(new Icmpv6Message.Unknown(200, 7, Bytes.fromHex("0102")))));
        // UDP and tunnels
        Ipv6Packet udp = Ipv6Packet.build(Ipv6Header.of(64, A, C), List.of(), new Udp(40000, 53, Bytes.of(new byte[300])));
        a.add(Arguments.of("UDP", udp));
        a.add(Arguments.of("tunnel", Ipv6Packet.build(Ipv6Header.of(64, C, B), List.of(), new Tunnel(udp))));
        a.add(Arguments.of("tunnel in tunnel", Ipv6Packet.build(Ipv6Header.of(64, C, B), List.of(),
                new Tunnel(Ipv6Packet.build(Ipv6Header.of(64, C, B), List.of(), new Tunnel(udp))))));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void roundTrips(String name, Ipv6Packet x) throws Exception {
        byte[] bytes = PacketEncoder.encode(x);
        assertThat(bytes).hasSize(x.wireLength());
        assertThat(((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff)).as("Payload Length").isEqualTo(x.wireLength() - 40);
        assertThat(bytes[6] & 0xff).as("Next Header").isEqualTo(x.nextHeader());
        Ipv6Packet y = PacketDecoder.decode(bytes);
        assertThat(y).isEqualTo(x);
        assertThat(PacketEncoder.encode(y)).isEqualTo(bytes);
        if (x.upper() instanceof MobilityHeader || x.upper() instanceof Icmpv6 || x.upper() instanceof Udp) {
            assertThat(Checksums.verify(y)).as("checksum").isTrue();
        }
        if (x.upper() instanceof MobilityHeader m) {
            int off = x.wireLength() - m.wireLength();
            assertThat(m.wireLength() % 8).as("MH is a multiple of 8 octets").isZero();
            assertThat(bytes[off + 1] & 0xff).as("Header Len").isEqualTo(m.wireLength() / 8 - 1);
            assertAligned(m.message(), off);
        }
    }

    /** Every option sits at the offset its alignment asks for (RFC 6275 §6.2, offsets from the MH start). */
    static void assertAligned(MobilityMessage m, int mhOffset) {
        int off = m.fixedLength();
        for (MobilityOption o : m.options()) {
            Alignment al = o.alignment();
            assertThat(Math.floorMod(off, al.x())).as("%s at MH offset %d", o, off).isEqualTo(al.y());
            off += o.wireLength();
        }
    }

    @Test
    void goldenBindingAcknowledgement() {
        // BA status 0, K flag, seq 9, lifetime 100 (400 s), with Binding Refresh Advice 80 (320 s)
        Ipv6Packet p = new Ipv6Packet(Ipv6Header.of(64, C, B), List.of(ExtensionHeader.Type2Routing.of(A)),
                new MobilityHeader(59, 0, 0x1234, MobilityMessage.BindingAcknowledgement.of(0, 0x80, 9, 100,
                        new MobilityOption.BindingRefreshAdvice(80))));
        String rh2 = "87" // Next Header 135 (MH)
                + "02" // Hdr Ext Len 2: 24 octets
                + "02" // Routing Type 2
                + "01" // Segments Left 1
                + "00000000" // Reserved
                + "20010db800010000000000000000000a"; // Home Address
        String mh = "3b" // Payload Proto 59
                + "01" // Header Len 1: 16 octets
                + "06" // MH Type 6 = Binding Acknowledgement
                + "00" // Reserved
                + "1234" // Checksum (as carried)
                + "00" // Status 0 = accepted
                + "80" // K flag
                + "0009" // Sequence 9
                + "0064" // Lifetime 100 units of 4 s
                + "0202" // Binding Refresh Advice, length 2 (at offset 12 = 2n)
                + "0050"; // Refresh Interval 80 units of 4 s
        assertThat(Bytes.of(PacketEncoder.encode(p)).toHex()).endsWith(rh2 + mh);
    }

    @Test
    void optionLayoutPadsForAlignment() {
        // Alternate CoA needs 8n+6: after the BU's 12 fixed octets a PadN of 2 (01 00) is inserted
        List<MobilityOption> l = MobilityOption.layOut(List.of(new MobilityOption.AlternateCareOfAddress(B)), 12);
        assertThat(l).containsExactly(new MobilityOption.PadN(Bytes.EMPTY), new MobilityOption.AlternateCareOfAddress(B));
        // a lone Pad1 when one octet is missing
        List<MobilityOption> l2 = MobilityOption.layOut(List.of(new MobilityOption.Unknown(99, Bytes.fromHex("01"))), 12);
        assertThat(l2).containsExactly(new MobilityOption.Unknown(99, Bytes.fromHex("01")), new MobilityOption.Pad1());
        // the Home Address option alone makes the 24-octet header of RFC 6275 §6.3
        assertThat(ExtensionHeader.DestinationOptions.homeAddress(A).wireLength()).isEqualTo(24);
        assertThat(ExtensionHeader.DestinationOptions.homeAddress(A).options().get(0))
                .isEqualTo(Ipv6Option.PadN.ofTotalLength(4));
    }

    @Test
    void namedNumbersNeverThrow() {
        assertThat(BaStatus.valueOf(135)).isEqualTo(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(BaStatus.valueOf(250).name()).isEqualTo("unassigned_250");
        assertThat(BaStatus.valueOf(250).isAssigned()).isFalse();
        assertThat(MhType.valueOf(8).name()).isEqualTo("unassigned_8");
        assertThat(MobilityOptionType.valueOf(35)).isEqualTo(MobilityOptionType.BINDING_IDENTIFIER);
        assertThat(Icmpv6Type.valueOf(145).name()).isEqualTo("haad_reply");
    }
}
