package io.mga.pcapio.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.link.LinkFrames;
import io.mga.wire.link.LinkType;
import org.junit.jupiter.api.Test;

/** Ethernet addresses and framing: golden bytes, and mga-wire's unframing reading back what is framed here. */
class EthernetFramingTest {
    static final MacAddress A = MacAddress.parse("02:00:5e:10:00:01");
    static final MacAddress B = MacAddress.parse("aa:bb:cc:dd:ee:ff");

    @Test
    void addressesParsePrintAndRoundTrip() {
        assertThat(A.bits()).isEqualTo(0x0200_5e10_0001L);
        assertThat(A).hasToString("02:00:5e:10:00:01");
        assertThat(MacAddress.parse("AA-BB-CC-DD-EE-FF")).isEqualTo(B);
        assertThat(MacAddress.of(B.toBytes())).isEqualTo(B);
        assertThat(B.isGroup()).isFalse();
        assertThat(MacAddress.BROADCAST.isGroup()).isTrue();
        for (String bad : new String[] {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb:cc:dd:ee:fg",
            "a:bb:cc:dd:ee:ff", "aabb.ccdd.eeff"}) {
            assertThatThrownBy(() -> MacAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Ethernet address");
        }
        assertThatThrownBy(() -> new MacAddress(1L << 48)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv6MulticastMapsToThirtyThreeThirtyThreeAndTheLastFourOctets() {
        // RFC 2464 §7
        assertThat(MacAddress.ofIpv6Multicast(Ipv6Address.parse("ff02::1:ff00:fe")))
                .isEqualTo(MacAddress.parse("33:33:ff:00:00:fe"));
        assertThat(MacAddress.ofIpv6Multicast(Ipv6Address.parse("ff02::1")))
                .isEqualTo(MacAddress.parse("33:33:00:00:00:01"));
    }

    @Test
    void aFrameHasTheGoldenHeaderAndUnframesWithLinkFrames() throws Exception {
        byte[] packet = Bytes.fromHex("6000000000003bff" + "00".repeat(32)).toArray();
        byte[] frame = new byte[100];
        int n = EthernetFraming.frame(frame, B, A, packet, 0, packet.length);
        assertThat(n).isEqualTo(14 + 40);
        assertThat(Bytes.copyOf(frame, 0, 14).toHex()).isEqualTo(""
                + "aabbccddeeff" // destination
                + "02005e100001" // source
                + "86dd"); // EtherType IPv6
        assertThat(LinkFrames.ipv6Offset(LinkType.ETHERNET, frame, n)).isEqualTo(14);
        assertThat(Bytes.copyOf(frame, 14, 40)).isEqualTo(Bytes.of(packet));
        assertThatThrownBy(() -> EthernetFraming.frame(new byte[20], B, A, packet, 0, packet.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void onlyFramesToUsOrToAGroupAreForUs() {
        byte[] f = new byte[60];
        B.writeTo(f, 0);
        assertThat(EthernetFraming.isFor(f, f.length, B)).isTrue();
        assertThat(EthernetFraming.isFor(f, f.length, A)).isFalse();
        MacAddress.parse("33:33:00:00:00:01").writeTo(f, 0);
        assertThat(EthernetFraming.isFor(f, f.length, A)).isTrue();
        assertThat(EthernetFraming.isFor(f, 5, A)).isFalse();
    }
}
