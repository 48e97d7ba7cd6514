package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked examples of mipv6-facts.md §11 and §6, reproduced octet for octet by our encoder and decoder. */
class WorkedExamplesTest {
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::a");
    static final Ipv6Address CN = Ipv6Address.parse("2001:db8:3::1");

    /** §11.1: home registration BU, built by Scapy 2.5.0; checksum 0xa1de with the HoA as pseudo-source. */
    static final String BU_EXAMPLE = "6000000000283c4020010db800020000000000000000010020010db8000100000000000000000001"
            + "870201020000c91020010db800010000000000000000000a3b010500a1de0007c000010001020000";
    /** §11.4: the same with an Alternate CoA option; checksum 0x7003. */
    static final String BU_ALT_COA = "6000000000383c4020010db800020000000000000000010020010db8000100000000000000000001"
            + "870201020000c91020010db800010000000000000000000a3b03050070030007c00001000100031020010db8000200000000000000000100";
    /** §6: the RR-authorised BU to a correspondent, checksum 0x69a8. */
    static final String RR_BU = "6000000000383c4020010db800020000000000000000010020010db8000300000000000000000001"
            + "870201020000c91020010db800010000000000000000000a3b03050069a8000880000069040400110022050c89ad28ba58709acf5b956f3a";

    @Test
    void homeRegistrationExampleIsBuiltExactly() throws Exception {
        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, COA, HA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(HOA)),
                new MobilityHeader(MobilityMessage.BindingUpdate.of(7,
                        MobilityMessage.BindingUpdate.FLAG_A | MobilityMessage.BindingUpdate.FLAG_H, 256)));
        assertThat(Bytes.of(PacketEncoder.encode(p)).toHex()).isEqualTo(BU_EXAMPLE);
        MobilityHeader mh = (MobilityHeader) p.upper();
        assertThat(mh.checksum()).isEqualTo(0xa1de);
        assertThat(p.pseudoSource()).isEqualTo(HOA);
        // decoding gives back the same record, and re-encoding the same octets
        byte[] wire = Bytes.fromHex(BU_EXAMPLE).toArray();
        Ipv6Packet d = PacketDecoder.decode(wire);
        assertThat(d).isEqualTo(p);
        assertThat(PacketEncoder.encode(d)).isEqualTo(wire);
        assertThat(Checksums.verify(d)).isTrue();
    }

    @Test
    void checksumWithCareOfAsSourceWouldBeWrong() throws Exception {
        Ipv6Packet p = PacketDecoder.decode(Bytes.fromHex(BU_EXAMPLE).toArray());
        byte[] mh = PacketEncoder.encode(((MobilityHeader) p.upper()).withChecksum(0));
        assertThat(Checksums.compute(COA, HA, 135, mh, 0, mh.length)).isEqualTo(0xa0e7);
    }

    @Test
    void alternateCareOfVariant() throws Exception {
        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, COA, HA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(HOA)),
                new MobilityHeader(MobilityMessage.BindingUpdate.of(7, 0xc000, 256,
                        new MobilityOption.AlternateCareOfAddress(COA))));
        assertThat(Bytes.of(PacketEncoder.encode(p)).toHex()).isEqualTo(BU_ALT_COA);
        assertThat(((MobilityHeader) p.upper()).checksum()).isEqualTo(0x7003);
        assertThat(PacketDecoder.decode(Bytes.fromHex(BU_ALT_COA).toArray())).isEqualTo(p);
    }

    @Test
    void returnRoutabilityBindingUpdateLayout() throws Exception {
        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, COA, CN),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(HOA)),
                new MobilityHeader(MobilityMessage.BindingUpdate.of(8, 0x8000, 105,
                        new MobilityOption.NonceIndices(0x11, 0x22),
                        new MobilityOption.BindingAuthorizationData(Bytes.fromHex("89ad28ba58709acf5b956f3a")))));
        assertThat(Bytes.of(PacketEncoder.encode(p)).toHex()).isEqualTo(RR_BU);
        assertThat(((MobilityHeader) p.upper()).checksum()).isEqualTo(0x69a8);
        assertThat(((MobilityHeader) p.upper()).headerLen()).isEqualTo(3);
    }
}
