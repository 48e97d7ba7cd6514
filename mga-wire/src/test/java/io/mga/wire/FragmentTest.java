package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import io.mga.wire.fuzz.DecoderFuzzTargets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hardening finding "one packet kills the agent", pinned without fuzzing: a fragment whose Fragment header
 * names the Mobility Header (135) made the view report a Mobility Header while the decoder returned the fragment
 * data as a {@link RawPayload}, and an agent that dispatched on the view and cast the decoded upper layer died.
 * Now the view reports a fragment's Fragment header as its upper layer (protocol 44), and an atomic fragment
 * (offset 0, M clear) as the whole packet it is (RFC 8200 §4.5, RFC 6946 §4), as the decoder does. Each packet
 * here also passes the fuzz oracle {@link DecoderFuzzTargets#agree}.
 */
class FragmentTest {
    static final Ipv6Address MN_COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address HOME = Ipv6Address.parse("2001:db8:1::a");

    /** A Binding Update with a Home Address option in front of it: what gets fragmented here. */
    static final Ipv6Packet BU = Ipv6Packet.build(Ipv6Header.of(64, MN_COA, HOME_AGENT),
            List.of(ExtensionHeader.DestinationOptions.homeAddress(HOME)),
            new MobilityHeader(MobilityMessage.BindingUpdate.of(7, 0xc000, 256)));

    /** The BU's Mobility Header alone, as octets: 16 octets (Header Len 1), MH Type 5 at octet 2. */
    static final byte[] MH = PacketEncoder.encode((MobilityHeader) BU.upper());

    /**
     * An IPv6 packet carrying a Fragment header and then {@code data}, built field by field.
     *
     * @param nextHeader the Fragment header's Next Header: the protocol of the fragmented packet
     * @param fragmentOffset Fragment Offset, in 8-octet units
     * @param res the two Res bits
     * @param more the M flag
     * @param data the fragment data
     * @return the packet's octets
     */
    static byte[] fragment(int nextHeader, int fragmentOffset, int res, boolean more, byte[] data) {
        byte[] b = new byte[40 + 8 + data.length];
        b[0] = 0x60; // version 6, Traffic Class 0, Flow Label 0
        int plen = 8 + data.length;
        b[4] = (byte) (plen >>> 8); // Payload Length: the Fragment header and the data
        b[5] = (byte) plen;
        b[6] = 44; // Next Header 44 = Fragment header
        b[7] = 64; // Hop Limit
        System.arraycopy(MN_COA.toBytes(), 0, b, 8, 16); // Source Address
        System.arraycopy(HOME_AGENT.toBytes(), 0, b, 24, 16); // Destination Address
        b[40] = (byte) nextHeader; // Fragment header: Next Header
        b[41] = 0; // Reserved
        int w = fragmentOffset << 3 | res << 1 | (more ? 1 : 0); // Fragment Offset (13 bits), Res (2), M (1)
        b[42] = (byte) (w >>> 8);
        b[43] = (byte) w;
        b[44] = (byte) 0xde; // Identification 0xdeadbeef
        b[45] = (byte) 0xad;
        b[46] = (byte) 0xbe;
        b[47] = (byte) 0xef;
        System.arraycopy(data, 0, b, 48, data.length);
        return b;
    }

    /** What the view and the decoder must both say of a fragment of a Mobility Header packet. */
    static void assertFragment(byte[] b, int fragmentHeaderAt) throws MalformedPacketException {
        Ipv6View v = new Ipv6View();
        assertThat(v.wrap(b, 0, b.length)).isTrue();
        assertThat(v.upperLayerProtocol()).isEqualTo(Protocols.FRAGMENT);
        assertThat(v.upperLayerOffset()).isEqualTo(fragmentHeaderAt);
        assertThat(v.upperLayerLength()).isEqualTo(b.length - fragmentHeaderAt);
        assertThat(b[v.upperLayerOffset()]).as("the Fragment header's Next Header").isEqualTo((byte) 135);
        assertThat(v.mobilityHeaderType()).isEqualTo(-1);
        assertThat(v.icmpv6Type()).isEqualTo(-1);
        assertThat(v.isTunnel()).isFalse();
        Ipv6Packet p = PacketDecoder.decode(b);
        assertThat(p.upper()).isInstanceOf(RawPayload.class);
        assertThat(p.upper().protocol()).isEqualTo(135);
        assertThat(p.upper().wireLength()).isEqualTo(v.upperLayerLength() - Ipv6View.FRAGMENT_HEADER_LENGTH);
        assertThat(p.extensions().get(p.extensions().size() - 1))
                .isInstanceOfSatisfying(ExtensionHeader.Fragment.class, f -> assertThat(f.isFragmented()).isTrue());
        DecoderFuzzTargets.agree(b);
    }

    @Test
    void aFirstFragmentNamingTheMobilityHeaderIsAFragmentToTheView() throws Exception {
        // offset 0, M=1: the first 8 octets of the BU's Mobility Header, MH Type 5 at octet 2 as in a whole one
        byte[] b = fragment(135, 0, 0, true, Arrays.copyOf(MH, 8));
        assertFragment(b, 40);
    }

    @Test
    void aLaterFragmentNamingTheMobilityHeaderIsAFragmentToTheView() throws Exception {
        // offset 1 (8 octets), M=0: the last 8 octets of the BU's Mobility Header
        byte[] b = fragment(135, 1, 0, false, Arrays.copyOfRange(MH, 8, 16));
        assertFragment(b, 40);
        // a whole Mobility Header at a non-zero offset is still a piece of another packet
        assertFragment(fragment(135, 8191, 0, false, MH), 40);
    }

    @Test
    void aFragmentBehindTheHomeAddressOptionKeepsTheOption() throws Exception {
        // fixed header | Destination Options (Home Address) | Fragment (NH 135, offset 0, M=1) | 8 octets of MH
        byte[] whole = PacketEncoder.encode(BU);
        byte[] b = new byte[40 + 24 + 8 + 8];
        System.arraycopy(whole, 0, b, 0, 64);
        b[5] = (byte) (24 + 8 + 8); // Payload Length
        b[40] = 44; // the Destination Options header's Next Header: 44 = Fragment
        byte[] frag = fragment(135, 0, 0, true, Arrays.copyOf(MH, 8));
        System.arraycopy(frag, 40, b, 64, 16);
        assertFragment(b, 64);
        Ipv6View v = new Ipv6View();
        assertThat(v.wrap(b, 0, b.length)).isTrue();
        assertThat(new Ipv6Address(v.homeAddressHigh(), v.homeAddressLow())).isEqualTo(HOME);
        assertThat(PacketDecoder.decode(b).homeAddressOption()).isPresent();
    }

    @Test
    void aFragmentOfATunnelIsNoTunnel() throws Exception {
        byte[] inner = PacketEncoder.encode(BU);
        byte[] b = fragment(41, 0, 0, true, Arrays.copyOf(inner, 48));
        Ipv6View v = new Ipv6View();
        assertThat(v.wrap(b, 0, b.length)).isTrue();
        assertThat(v.isTunnel()).isFalse();
        assertThat(v.upperLayerProtocol()).isEqualTo(Protocols.FRAGMENT);
        assertThat(PacketDecoder.decode(b).upper()).isEqualTo(new RawPayload(41, Bytes.copyOf(inner, 0, 48)));
        DecoderFuzzTargets.agree(b);
    }

    @Test
    void anAtomicFragmentIsTheWholePacketToBoth() throws Exception {
        // offset 0, M=0: RFC 8200 §4.5 and RFC 6946 §4, processed as a whole packet; the Res bits do not matter
        for (int res = 0; res < 4; res++) {
            byte[] b = fragment(135, 0, res, false, MH);
            Ipv6View v = new Ipv6View();
            assertThat(v.wrap(b, 0, b.length)).isTrue();
            assertThat(v.upperLayerProtocol()).isEqualTo(Protocols.MOBILITY);
            assertThat(v.upperLayerOffset()).isEqualTo(48);
            assertThat(v.upperLayerLength()).isEqualTo(16);
            assertThat(v.mobilityHeaderType()).isEqualTo(Protocols.MH_BINDING_UPDATE);
            Ipv6Packet p = PacketDecoder.decode(b);
            assertThat(p.upper()).isInstanceOf(MobilityHeader.class).isEqualTo(BU.upper());
            assertThat(p.extensions()).singleElement().isEqualTo(new ExtensionHeader.Fragment(0, 0, res, false,
                    0xdeadbeefL));
            DecoderFuzzTargets.agree(b);
        }
    }

    @Test
    void theFirstOfTwoType2RoutingHeadersIsTheOneBothReport() throws Exception {
        Ipv6Address second = Ipv6Address.parse("2001:db8:1::b");
        byte[] b = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, HOME_AGENT, MN_COA),
                List.of(ExtensionHeader.Type2Routing.of(HOME), ExtensionHeader.Type2Routing.of(second)),
                new RawPayload(59, Bytes.EMPTY)));
        Ipv6View v = new Ipv6View();
        assertThat(v.wrap(b, 0, b.length)).isTrue();
        assertThat(v.type2RoutingOffset()).isEqualTo(40);
        assertThat(new Ipv6Address(v.type2HomeAddressHigh(), v.type2HomeAddressLow())).isEqualTo(HOME);
        assertThat(PacketDecoder.decode(b).type2Routing().orElseThrow().homeAddress()).isEqualTo(HOME);
        DecoderFuzzTargets.agree(b);
    }
}
