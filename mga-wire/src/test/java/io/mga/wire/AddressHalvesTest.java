package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records that hold an address as its two 64-bit halves ({@link Ipv6Header}, {@link Ipv6Option.HomeAddress},
 * {@link ExtensionHeader.Type2Routing}) behave as when the address was a component: built from an address or
 * from its halves they are equal, give the address back, print it as text and check their fields in the same
 * order.
 */
class AddressHalvesTest {
    static final Ipv6Address A = Ipv6Address.parse("2001:db8:1::a");
    static final Ipv6Address B = Ipv6Address.parse("2001:db8:2::100");

    @Test
    void header() {
        Ipv6Header h = new Ipv6Header(0xb8, 0xabcde, 64, A, B);
        Ipv6Header halves = new Ipv6Header(0xb8, 0xabcde, 64, A.high(), A.low(), B.high(), B.low());
        assertThat(h).isEqualTo(halves).hasSameHashCodeAs(halves);
        assertThat(h.source()).isEqualTo(A);
        assertThat(h.destination()).isEqualTo(B);
        assertThat(h).isNotEqualTo(new Ipv6Header(0xb8, 0xabcde, 64, B, A));
        assertThat(h.toString()).isEqualTo("Ipv6Header[trafficClass=184, flowLabel=703710, hopLimit=64, "
                + "source=2001:db8:1::a, destination=2001:db8:2::100]");
        assertThatThrownBy(() -> new Ipv6Header(0, 0, 64, null, B)).isInstanceOf(NullPointerException.class)
                .hasMessage("source");
        assertThatThrownBy(() -> new Ipv6Header(0, 0, 64, A, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("destination");
        // a field out of range is reported before a null address, as before
        assertThatThrownBy(() -> new Ipv6Header(256, 0, 64, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trafficClass");
        assertThatThrownBy(() -> new Ipv6Header(0, 0x100000, 64, A.high(), A.low(), B.high(), B.low()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flowLabel");
    }

    @Test
    void homeAddressOption() {
        Ipv6Option.HomeAddress o = new Ipv6Option.HomeAddress(A);
        Ipv6Option.HomeAddress halves = new Ipv6Option.HomeAddress(A.high(), A.low());
        assertThat(o).isEqualTo(halves).hasSameHashCodeAs(halves);
        assertThat(o.homeAddress()).isEqualTo(A);
        assertThat(o).isNotEqualTo(new Ipv6Option.HomeAddress(B));
        assertThat(o.toString()).isEqualTo("HomeAddress[homeAddress=2001:db8:1::a]");
        assertThatThrownBy(() -> new Ipv6Option.HomeAddress(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("homeAddress");
    }

    @Test
    void type2Routing() {
        ExtensionHeader.Type2Routing r = new ExtensionHeader.Type2Routing(1, 7, A);
        ExtensionHeader.Type2Routing halves = new ExtensionHeader.Type2Routing(1, 7, A.high(), A.low());
        assertThat(r).isEqualTo(halves).hasSameHashCodeAs(halves).isEqualTo(new ExtensionHeader.Type2Routing(1, 7,
                Ipv6Address.parse("2001:db8:1::a")));
        assertThat(r.homeAddress()).isEqualTo(A);
        assertThat(ExtensionHeader.Type2Routing.of(A)).isEqualTo(new ExtensionHeader.Type2Routing(1, 0, A));
        assertThat(r.toString()).isEqualTo("Type2Routing[segmentsLeft=1, reserved=7, homeAddress=2001:db8:1::a]");
        assertThatThrownBy(() -> new ExtensionHeader.Type2Routing(1, 0, null))
                .isInstanceOf(NullPointerException.class).hasMessage("homeAddress");
        assertThatThrownBy(() -> new ExtensionHeader.Type2Routing(256, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentsLeft");
        assertThatThrownBy(() -> new ExtensionHeader.Type2Routing(1, -1, A.high(), A.low()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }

    @Test
    void decodedRecordsEqualBuiltOnes() throws MalformedPacketException {
        Ipv6Packet p = Ipv6Packet.build(new Ipv6Header(3, 5, 64, A, B),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(A), ExtensionHeader.Type2Routing.of(B)),
                new Udp(1, 2, Bytes.fromHex("abcd")));
        Ipv6Packet d = PacketDecoder.decode(PacketEncoder.encode(p));
        assertThat(d).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(d.toString()).isEqualTo(p.toString())
                .contains("source=2001:db8:1::a", "homeAddress=2001:db8:2::100");
        assertThat(d.homeAddressOption().orElseThrow().homeAddress()).isEqualTo(A);
        assertThat(d.type2Routing().orElseThrow().homeAddress()).isEqualTo(B);
        assertThat(d.pseudoSource()).isEqualTo(A);
        assertThat(d.pseudoDestination()).isEqualTo(B);
    }

    /** The checksum computed from the records' halves equals the one computed from the pseudo-header addresses. */
    @Test
    void checksumFromHalvesEqualsChecksumFromAddresses() {
        Ipv6Address c = Ipv6Address.parse("2001:db8:3::1");
        Bytes type0 = Bytes.fromHex("00000000" + "20010db8000400000000000000000004" + "20010db8000500000000000000000005");
        List<List<ExtensionHeader>> chains = List.of(List.of(),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(A)),
                List.of(ExtensionHeader.Type2Routing.of(c)),
                List.of(new ExtensionHeader.Type2Routing(0, 0, c)),
                List.of(ExtensionHeader.Type2Routing.of(c), ExtensionHeader.DestinationOptions.homeAddress(A)),
                List.of(new ExtensionHeader.OtherRouting(0, 1, type0)),
                List.of(new ExtensionHeader.OtherRouting(0, 0, type0), ExtensionHeader.Type2Routing.of(c)),
                List.of(ExtensionHeader.Type2Routing.of(c), new ExtensionHeader.OtherRouting(0, 2, type0)));
        for (List<ExtensionHeader> chain : chains) {
            Ipv6Packet p = new Ipv6Packet(Ipv6Header.of(64, B, A), chain, new Udp(7, 9, 0, Bytes.fromHex("0102030405")));
            byte[] upper = new byte[p.upper().wireLength()];
            PacketEncoder.DEFAULT.writeUpper(p.upper(), upper, 0, true, 1);
            int byAddresses = Checksums.compute(p.pseudoSource(), p.pseudoDestination(), 17, upper, 0, upper.length);
            assertThat(Checksums.compute(p)).as("%s", chain).isEqualTo(byAddresses == 0 ? 0xffff : byAddresses);
        }
        Ipv6Packet p = new Ipv6Packet(Ipv6Header.of(64, B, A), chains.get(7), new Udp(7, 9, 0, Bytes.EMPTY));
        assertThat(p.pseudoDestination()).isEqualTo(Ipv6Address.parse("2001:db8:5::5"));
        assertThat(p.pseudoSource()).isEqualTo(B);
        assertThat(new Ipv6Packet(Ipv6Header.of(64, B, A), chains.get(4), new Udp(7, 9, 0, Bytes.EMPTY))
                .pseudoSource()).isEqualTo(A);
    }
}
