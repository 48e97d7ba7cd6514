package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.ExtensionHeader.DestinationOptions;
import io.mga.wire.ExtensionHeader.Type2Routing;
import io.mga.wire.MobilityMessage.BindingAcknowledgement;
import io.mga.wire.MobilityMessage.BindingUpdate;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves, independently of our decoder, that the octets our encoder emits say what we meant: a set of Mobile IPv6,
 * ICMPv6 and UDP packets is built with the record API, written to a pcap, and dissected by Wireshark's tshark
 * 4.0.17; every field tshark reports (sequence numbers, flags, lifetimes, status codes, addresses, cookies, nonce
 * indices, option types and lengths, Next Header, Payload Length, Hdr Ext Len, ...) must equal the value the test
 * chose. tshark verifies the ICMPv6 and UDP checksums itself; it does not verify the Mobility Header checksum, so
 * the test recomputes that one with its own RFC 1071 sum over the RFC 6275 §6.1.1 pseudo-header (Home Address
 * option's address as source, type 2 routing header's home address as destination) and compares it with the
 * checksum tshark read. tshark must be installed ({@code scripts/install-test-deps.sh}); without it the test fails.
 */
class TsharkDissectionTest {

    // Addresses, as tshark prints them (RFC 5952 text).
    private static final String COA = "2001:db8:2::100";
    private static final String HA = "2001:db8:1::1";
    private static final String HA2 = "2001:db8:1::2";
    private static final String HOA = "2001:db8:1::a";
    private static final String CN = "2001:db8:3::1";
    /** The Mobile IPv6 Home-Agents anycast address of 2001:db8:1::/64 (RFC 2526 id 126). */
    private static final String HA_ANYCAST = "2001:db8:1:0:fdff:ffff:ffff:fffe";
    private static final String LINK_LOCAL = "fe80::200:5eff:fe00:5301";
    private static final String SOLICITED_NODE = "ff02::1:ff00:1";

    // Mobility Header values.
    private static final int HOME_SEQ = 7;
    private static final int HOME_LIFETIME = 256;
    private static final int RR_SEQ = 8;
    private static final int RR_LIFETIME = 105;
    private static final int HOME_NONCE_INDEX = 0x11;
    private static final int CAREOF_NONCE_INDEX = 0x22;
    private static final String RR_AUTHENTICATOR = "89ad28ba58709acf5b956f3a";
    private static final int BA_LIFETIME = 200;
    private static final int REFRESH_INTERVAL = 150;
    private static final int LAST_ACCEPTED_SEQ = 41;
    private static final long HOME_INIT_COOKIE = 0x0123456789abcdefL;
    private static final long CAREOF_INIT_COOKIE = 0xfedcba9876543210L;
    private static final long HOME_KEYGEN_TOKEN = 0x1122334455667788L;
    private static final long CAREOF_KEYGEN_TOKEN = 0x8877665544332211L;
    private static final int HOT_NONCE_INDEX = 0x1234;
    private static final int COT_NONCE_INDEX = 0xabcd;
    private static final int BRR_BID = 3;
    private static final int BID_SEQ = 9;
    private static final int BID_LIFETIME = 600;
    private static final String IPV4_COA = "192.0.2.1";
    private static final int AUTH_SEQ = 10;
    private static final int AUTH_LIFETIME = 1000;
    private static final String NAI = "mn1@example.net";
    private static final long TIMESTAMP = 0xe9a3b7c400001000L;
    private static final long VENDOR_ID = 32473; // RFC 5612 documentation enterprise number
    private static final int VENDOR_SUBTYPE = 7;
    private static final String VENDOR_DATA = "0102030405";
    private static final long SPI = 0x1234;
    private static final String MAC = "00112233445566778899aabb";

    // ICMPv6 and UDP values.
    private static final int ECHO_ID = 0x4d47;
    private static final int ECHO_SEQ = 1;
    private static final String ECHO_DATA = "6d67612d6563686f"; // "mga-echo"
    private static final int PTB_MTU = 1400;
    /** Offset of the MH Payload Proto in the invoking packet: 40 (IPv6) + 24 (Destination Options). */
    private static final int PP_POINTER = 64;
    private static final String MAC_SOURCE = "02:00:5e:00:53:01";
    private static final String MAC_TARGET = "02:00:5e:00:53:02";
    private static final int HAAD_ID = 0x1a2b;
    private static final int MPS_ID = 0x0042;
    private static final long VALID_LIFETIME = 86400;
    private static final long PREFERRED_LIFETIME = 14400;
    private static final String HOME_PREFIX = "2001:db8:1::";
    private static final int UDP_SRC = 40000;
    private static final int UDP_DST = 40001;
    private static final String UDP_DATA = "6d67612075647021"; // "mga udp!"
    private static final int INNER_SRC_PORT = 41000;
    private static final int INNER_DST_PORT = 41001;
    private static final String INNER_DATA = "70696e67"; // "ping"

    /** tshark's value for {@code *.checksum.status} Good (0 Bad, 1 Good, 2 Unverified; {@code tshark -G values}). */
    private static final String CHECKSUM_GOOD = "1";
    private static final String CHECKSUM_BAD = "0";

    @TempDir
    static Path dir;

    private static final Map<String, Ipv6Packet> PACKETS = new LinkedHashMap<>();
    private static final Map<String, byte[]> WIRE = new LinkedHashMap<>();
    private static final Map<String, Frame> FRAMES = new LinkedHashMap<>();

    @BeforeAll
    static void dissectWithTshark() throws Exception {
        buildPackets();
        List<byte[]> all = new ArrayList<>();
        for (Map.Entry<String, Ipv6Packet> e : PACKETS.entrySet()) {
            byte[] b = PacketEncoder.encode(e.getValue());
            WIRE.put(e.getKey(), b);
            all.add(b);
        }
        Path pcap = dir.resolve("mga.pcap");
        PcapTestWriter.write(pcap, all);
        Object json = MiniJson.parse(runTshark(pcap));
        assertThat(json).isInstanceOf(MiniJson.JsonArray.class);
        List<Object> packets = ((MiniJson.JsonArray) json).items();
        assertThat(packets).as("frames tshark read").hasSize(PACKETS.size());
        int i = 0;
        for (String name : PACKETS.keySet()) {
            MiniJson.JsonObject source = (MiniJson.JsonObject) ((MiniJson.JsonObject) packets.get(i++)).get("_source");
            FRAMES.put(name, new Frame(name, MiniJson.leaves(source.get("layers"))));
        }
    }

    // ------------------------------------------------------------------------------------------------ packets

    private static void buildPackets() {
        MobilityOption.BindingIdentifier bidV6 = new MobilityOption.BindingIdentifier(1, 0,
                MobilityOption.BindingIdentifier.FLAG_H, Bytes.of(a(COA).toBytes()));
        MobilityOption.BindingIdentifier bidV4 = new MobilityOption.BindingIdentifier(2, 0, 0,
                Bytes.of(v4(IPV4_COA)));

        put("bu-home", ip(COA, HA, hao(HOA)), mh(BindingUpdate.of(HOME_SEQ, BindingUpdate.FLAG_A | BindingUpdate.FLAG_H,
                HOME_LIFETIME, new MobilityOption.AlternateCareOfAddress(a(COA)))));
        put("bu-cn", ip(COA, CN, hao(HOA)), mh(BindingUpdate.of(RR_SEQ, BindingUpdate.FLAG_A, RR_LIFETIME,
                new MobilityOption.NonceIndices(HOME_NONCE_INDEX, CAREOF_NONCE_INDEX),
                new MobilityOption.BindingAuthorizationData(Bytes.fromHex(RR_AUTHENTICATOR)))));
        put("ba-accepted", ip(HA, COA, rh2(HOA)), mh(BindingAcknowledgement.of(0, 0, HOME_SEQ, BA_LIFETIME,
                new MobilityOption.BindingRefreshAdvice(REFRESH_INTERVAL))));
        put("ba-135", ip(HA, COA, rh2(HOA)), mh(BindingAcknowledgement.of(135, BindingAcknowledgement.FLAG_K,
                LAST_ACCEPTED_SEQ, 0)));
        put("brr", ip(CN, COA, rh2(HOA)), mh(MobilityMessage.BindingRefreshRequest.of(
                MobilityOption.BindingIdentifier.of(BRR_BID, 0))));
        put("hoti-tunnelled", ip(COA, HA), new Tunnel(Ipv6Packet.build(Ipv6Header.of(64, a(HOA), a(CN)), List.of(),
                mh(MobilityMessage.HomeTestInit.of(HOME_INIT_COOKIE)))));
        put("coti", ip(COA, CN), mh(MobilityMessage.CareOfTestInit.of(CAREOF_INIT_COOKIE)));
        put("hot", ip(CN, HOA), mh(new MobilityMessage.HomeTest(HOT_NONCE_INDEX, HOME_INIT_COOKIE, HOME_KEYGEN_TOKEN,
                List.of())));
        put("cot", ip(CN, COA), mh(new MobilityMessage.CareOfTest(COT_NONCE_INDEX, CAREOF_INIT_COOKIE,
                CAREOF_KEYGEN_TOKEN, List.of())));
        put("be", ip(CN, COA), mh(MobilityMessage.BindingError.of(1, a(HOA))));
        put("bu-bid", ip(COA, HA, hao(HOA)), mh(BindingUpdate.of(BID_SEQ,
                BindingUpdate.FLAG_A | BindingUpdate.FLAG_H | BindingUpdate.FLAG_O, BID_LIFETIME, bidV6, bidV4)));
        put("bu-auth", ip(COA, HA, hao(HOA)), mh(BindingUpdate.of(AUTH_SEQ, BindingUpdate.FLAG_A | BindingUpdate.FLAG_H,
                AUTH_LIFETIME, MobilityOption.MobileNodeIdentifier.nai(NAI),
                new MobilityOption.ReplayProtection(TIMESTAMP),
                new MobilityOption.VendorSpecific(VENDOR_ID, VENDOR_SUBTYPE, Bytes.fromHex(VENDOR_DATA)),
                new MobilityOption.Authentication(MobilityOption.Authentication.MN_HA, SPI, Bytes.fromHex(MAC)))));

        put("echo-request", ip(COA, CN, hao(HOA)), icmp(new Icmpv6Message.Echo(Icmpv6Message.Echo.REQUEST, 0,
                ECHO_ID, ECHO_SEQ, Bytes.fromHex(ECHO_DATA))));
        put("echo-reply", ip(CN, COA, rh2(HOA)), icmp(new Icmpv6Message.Echo(Icmpv6Message.Echo.REPLY, 0,
                ECHO_ID, ECHO_SEQ, Bytes.fromHex(ECHO_DATA))));
        Bytes invokingUdp = Bytes.of(PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(63, a(CN), a(HOA)),
                List.of(), new Udp(INNER_SRC_PORT, INNER_DST_PORT, Bytes.fromHex(INNER_DATA)))));
        put("dest-unreachable", ip(HA, CN), icmp(new Icmpv6Message.DestinationUnreachable(3, 0, invokingUdp)));
        Bytes invokingBadMh = Bytes.of(PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, a(COA), a(CN)),
                List.of(hao(HOA)), new MobilityHeader(6, 0, 0, BindingUpdate.of(RR_SEQ, 0, RR_LIFETIME)))));
        put("param-problem", ip(CN, COA), icmp(new Icmpv6Message.ParameterProblem(0, PP_POINTER, invokingBadMh)));
        put("packet-too-big", ip(HA, CN), icmp(new Icmpv6Message.PacketTooBig(0, PTB_MTU, invokingUdp)));
        put("ns", new Ipv6Header(0, 0, 255, a(LINK_LOCAL), a(SOLICITED_NODE)), List.of(),
                icmp(new Icmpv6Message.NeighborSolicitation(0, 0, a(HA), List.of(
                        new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.SOURCE, mac(MAC_SOURCE))))));
        put("na", new Ipv6Header(0, 0, 255, a(HA), a(LINK_LOCAL)), List.of(),
                icmp(new Icmpv6Message.NeighborAdvertisement(0,
                        Icmpv6Message.NeighborAdvertisement.FLAG_R | Icmpv6Message.NeighborAdvertisement.FLAG_S,
                        a(HA), List.of(new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.TARGET,
                                mac(MAC_TARGET))))));
        put("dhaad-request", ip(COA, HA_ANYCAST), icmp(new Icmpv6Message.HaadRequest(0, HAAD_ID, 0)));
        put("dhaad-reply", ip(HA, COA), icmp(new Icmpv6Message.HaadReply(0, HAAD_ID, 0, List.of(a(HA), a(HA2)))));
        put("mps", ip(COA, HA, hao(HOA)), icmp(new Icmpv6Message.MobilePrefixSolicitation(0, MPS_ID, 0, List.of())));
        put("mpa", ip(HA, COA, rh2(HOA)), icmp(new Icmpv6Message.MobilePrefixAdvertisement(0, MPS_ID,
                Icmpv6Message.MobilePrefixAdvertisement.FLAG_M, List.of(new NdOption.PrefixInformation(64,
                        NdOption.PrefixInformation.FLAG_L | NdOption.PrefixInformation.FLAG_A, VALID_LIFETIME,
                        PREFERRED_LIFETIME, 0, a(HOME_PREFIX))))));
        put("udp", ip(COA, CN), new Udp(UDP_SRC, UDP_DST, Bytes.fromHex(UDP_DATA)));
        put("tunnel-udp", ip(HA, COA), new Tunnel(Ipv6Packet.build(Ipv6Header.of(63, a(CN), a(HOA)), List.of(),
                new Udp(INNER_SRC_PORT, INNER_DST_PORT, Bytes.fromHex(INNER_DATA)))));

        // Negative controls: the same packets with a checksum off by 0x0101, to show tshark really verifies.
        Ipv6Packet udp = PACKETS.get("udp");
        Udp u = (Udp) udp.upper();
        PACKETS.put("udp-corrupt", new Ipv6Packet(udp.header(), udp.extensions(),
                new Udp(u.sourcePort(), u.destinationPort(), u.checksum() ^ 0x0101, u.payload())));
        Ipv6Packet echo = PACKETS.get("echo-request");
        Icmpv6 e = (Icmpv6) echo.upper();
        PACKETS.put("echo-corrupt", new Ipv6Packet(echo.header(), echo.extensions(),
                new Icmpv6(e.checksum() ^ 0x0101, e.message())));
    }

    // ------------------------------------------------------------------------------------------ every frame

    @Test
    void everyFrameIsReadWholeWithTheHeaderChainWeBuilt() {
        Map<String, String> chains = new LinkedHashMap<>();
        chains.put("bu-home", "raw:ipv6:ipv6.dstopts:mipv6");
        chains.put("bu-cn", "raw:ipv6:ipv6.dstopts:mipv6");
        chains.put("ba-accepted", "raw:ipv6:ipv6.routing:mipv6");
        chains.put("ba-135", "raw:ipv6:ipv6.routing:mipv6");
        chains.put("brr", "raw:ipv6:ipv6.routing:mipv6");
        chains.put("hoti-tunnelled", "raw:ipv6:ipv6:mipv6");
        chains.put("coti", "raw:ipv6:mipv6");
        chains.put("hot", "raw:ipv6:mipv6");
        chains.put("cot", "raw:ipv6:mipv6");
        chains.put("be", "raw:ipv6:mipv6");
        chains.put("bu-bid", "raw:ipv6:ipv6.dstopts:mipv6");
        chains.put("bu-auth", "raw:ipv6:ipv6.dstopts:mipv6");
        chains.put("echo-request", "raw:ipv6:ipv6.dstopts:icmpv6:data");
        chains.put("echo-reply", "raw:ipv6:ipv6.routing:icmpv6:data");
        chains.put("dest-unreachable", "raw:ipv6:icmpv6:ipv6:udp:data");
        chains.put("param-problem", "raw:ipv6:icmpv6:ipv6:ipv6.dstopts:mipv6");
        chains.put("packet-too-big", "raw:ipv6:icmpv6:ipv6:udp:data");
        chains.put("ns", "raw:ipv6:icmpv6");
        chains.put("na", "raw:ipv6:icmpv6");
        chains.put("dhaad-request", "raw:ipv6:icmpv6");
        chains.put("dhaad-reply", "raw:ipv6:icmpv6");
        chains.put("mps", "raw:ipv6:ipv6.dstopts:icmpv6");
        chains.put("mpa", "raw:ipv6:ipv6.routing:icmpv6");
        chains.put("udp", "raw:ipv6:udp:data");
        chains.put("tunnel-udp", "raw:ipv6:ipv6:udp:data");
        chains.put("udp-corrupt", "raw:ipv6:udp:data");
        chains.put("echo-corrupt", "raw:ipv6:ipv6.dstopts:icmpv6:data");
        assertThat(chains.keySet()).containsExactlyElementsOf(PACKETS.keySet());
        for (Map.Entry<String, String> c : chains.entrySet()) {
            Frame f = FRAMES.get(c.getKey());
            Ipv6Header h = PACKETS.get(c.getKey()).header();
            assertThat(f.one("frame.protocols")).as(f.name).isEqualTo(c.getValue());
            assertThat(f.num("frame.len")).as(f.name).isEqualTo(WIRE.get(c.getKey()).length);
            assertThat(f.has("_ws.malformed")).as(f.name + " malformed").isFalse();
            List<String> expert = f.all("_ws.expert.message");
            if (c.getKey().endsWith("-corrupt")) {
                assertThat(expert).as(f.name + " expert info").singleElement().asString().startsWith("Bad checksum");
            } else {
                assertThat(expert).as(f.name + " expert info").isEmpty();
            }
            assertThat(f.first("ipv6.version")).as(f.name).isEqualTo("6");
            assertThat(num(f.first("ipv6.hlim"))).as(f.name).isEqualTo(h.hopLimit());
            assertThat(f.first("ipv6.src")).as(f.name).isEqualTo(h.source().toString());
            assertThat(f.first("ipv6.dst")).as(f.name).isEqualTo(h.destination().toString());
        }
    }

    // ---------------------------------------------------------------------------------------- Mobility Header

    @Test
    void homeRegistrationWithHomeAddressOptionAndAlternateCareOf() {
        Frame f = FRAMES.get("bu-home");
        assertHomeAddressOption(f, 135);
        assertThat(f.num("ipv6.plen")).isEqualTo(24 + 32);
        assertMobilityHeader(f, "bu-home", HOA, HA, 5, 3);
        assertThat(f.num("mip6.bu.seqnr")).isEqualTo(HOME_SEQ);
        assertBuFlags(f, BindingUpdate.FLAG_A | BindingUpdate.FLAG_H);
        assertThat(f.num("mip6.bu.lifetime")).isEqualTo(HOME_LIFETIME);
        // BU fixed part ends at 12; the Alternate CoA (8n+6) needs PadN with no data before it, then ends at 32.
        assertOptions(f, "padn", "0100", "acoa", "0310" + hex(COA));
        assertThat(f.one("mip6.acoa.acoa")).isEqualTo(COA);
    }

    @Test
    void bindingUpdateToCorrespondentWithNonceIndicesAndAuthorizationData() {
        Frame f = FRAMES.get("bu-cn");
        assertHomeAddressOption(f, 135);
        assertThat(f.num("ipv6.plen")).isEqualTo(24 + 32);
        // mipv6-facts.md §6: this BU (checksum 0x69a8) was accepted by a Linux kernel with the HoA as source.
        assertThat(assertMobilityHeader(f, "bu-cn", HOA, CN, 5, 3)).isEqualTo(0x69a8);
        assertThat(f.num("mip6.bu.seqnr")).isEqualTo(RR_SEQ);
        assertBuFlags(f, BindingUpdate.FLAG_A);
        assertThat(f.num("mip6.bu.lifetime")).isEqualTo(RR_LIFETIME);
        // Nonce Indices at 12 (2n), then the Binding Authorization Data at 18 = 8n+2, last and unpadded.
        assertOptions(f, "ni", "0404" + "0011" + "0022", "bad_auth", "050c" + RR_AUTHENTICATOR);
        assertThat(f.num("mip6.ni.hni")).isEqualTo(HOME_NONCE_INDEX);
        assertThat(f.num("mip6.ni.cni")).isEqualTo(CAREOF_NONCE_INDEX);
        assertThat(bytes(f.one("mip6.bad.auth"))).isEqualTo(RR_AUTHENTICATOR);
    }

    @Test
    void acceptedBindingAcknowledgementWithRefreshAdviceThroughType2RoutingHeader() {
        Frame f = FRAMES.get("ba-accepted");
        assertType2RoutingHeader(f, 135);
        assertThat(f.num("ipv6.plen")).isEqualTo(24 + 16);
        assertMobilityHeader(f, "ba-accepted", HA, HOA, 6, 1);
        assertThat(f.num("mip6.ba.status")).isEqualTo(0);
        assertBaFlags(f, 0);
        assertThat(f.num("mip6.ba.seqnr")).isEqualTo(HOME_SEQ);
        assertThat(f.num("mip6.ba.lifetime")).isEqualTo(BA_LIFETIME);
        // Binding Refresh Advice (2n) right after the 12-octet fixed part fills the MH to 16.
        assertOptions(f, "bra", "0202" + hex16(REFRESH_INTERVAL));
        assertThat(f.num("mip6.bra.interval")).isEqualTo(REFRESH_INTERVAL);
    }

    @Test
    void rejectedBindingAcknowledgementStatus135() {
        Frame f = FRAMES.get("ba-135");
        assertType2RoutingHeader(f, 135);
        assertMobilityHeader(f, "ba-135", HA, HOA, 6, 1);
        // Numbers, not names: Wireshark's status names differ from RFC 4285 for 144-148 (mipv6-facts.md §4.4).
        assertThat(f.num("mip6.ba.status")).isEqualTo(135);
        assertBaFlags(f, BindingAcknowledgement.FLAG_K);
        assertThat(f.num("mip6.ba.seqnr")).isEqualTo(LAST_ACCEPTED_SEQ);
        assertThat(f.num("mip6.ba.lifetime")).isEqualTo(0);
        assertOptions(f, "padn", "01020000");
    }

    @Test
    void bindingRefreshRequestWithBindingIdentifier() {
        Frame f = FRAMES.get("brr");
        assertType2RoutingHeader(f, 135);
        assertThat(f.num("ipv6.plen")).isEqualTo(24 + 16);
        assertMobilityHeader(f, "brr", CN, HOA, 0, 1);
        // BID without care-of address: length 4, alignment 2n, at offset 8; PadN(0) rounds up to 16.
        assertOptions(f, "bi", "2304" + hex16(BRR_BID) + "0000", "padn", "0100");
        assertThat(f.num("mip6.bi.bid")).isEqualTo(BRR_BID);
        assertThat(f.num("mip6.bi.status")).isEqualTo(0);
        assertThat(f.one("mip6.bi.h_flag")).isEqualTo("0");
    }

    @Test
    void reverseTunnelledHomeTestInit() {
        Frame f = FRAMES.get("hoti-tunnelled");
        assertThat(f.all("ipv6.nxt")).containsExactly("41", "135");
        assertThat(f.all("ipv6.plen").stream().map(TsharkDissectionTest::num)).containsExactly(40L + 16, 16L);
        assertThat(f.all("ipv6.src")).containsExactly(COA, HOA);
        assertThat(f.all("ipv6.dst")).containsExactly(HA, CN);
        assertMobilityHeader(f, "hoti-tunnelled", HOA, CN, 1, 1);
        assertThat(num(f.one("mip6.hoti.cookie"))).isEqualTo(HOME_INIT_COOKIE);
        assertOptions(f);
    }

    @Test
    void careOfTestInit() {
        Frame f = FRAMES.get("coti");
        assertThat(f.num("ipv6.nxt")).isEqualTo(135);
        assertThat(f.num("ipv6.plen")).isEqualTo(16);
        assertMobilityHeader(f, "coti", COA, CN, 2, 1);
        assertThat(num(f.one("mip6.coti.cookie"))).isEqualTo(CAREOF_INIT_COOKIE);
        assertOptions(f);
    }

    @Test
    void homeTest() {
        Frame f = FRAMES.get("hot");
        assertThat(f.num("ipv6.plen")).isEqualTo(24);
        assertMobilityHeader(f, "hot", CN, HOA, 3, 2);
        assertThat(f.num("mip6.hot.nindex")).isEqualTo(HOT_NONCE_INDEX);
        assertThat(num(f.one("mip6.hot.cookie"))).isEqualTo(HOME_INIT_COOKIE);
        assertThat(num(f.one("mip6.hot.token"))).isEqualTo(HOME_KEYGEN_TOKEN);
        assertOptions(f);
    }

    @Test
    void careOfTest() {
        Frame f = FRAMES.get("cot");
        assertThat(f.num("ipv6.plen")).isEqualTo(24);
        assertMobilityHeader(f, "cot", CN, COA, 4, 2);
        assertThat(f.num("mip6.cot.nindex")).isEqualTo(COT_NONCE_INDEX);
        assertThat(num(f.one("mip6.cot.cookie"))).isEqualTo(CAREOF_INIT_COOKIE);
        // Wireshark 4.0.17 registers the care-of keygen token under the Home Test's field name.
        assertThat(num(f.one("mip6.hot.token"))).isEqualTo(CAREOF_KEYGEN_TOKEN);
        assertOptions(f);
    }

    @Test
    void bindingErrorWithHomeAddress() {
        Frame f = FRAMES.get("be");
        assertThat(f.num("ipv6.plen")).isEqualTo(24);
        assertMobilityHeader(f, "be", CN, COA, 7, 2);
        assertThat(f.num("mip6.be.status")).isEqualTo(1);
        assertThat(f.one("mip6.be.haddr")).isEqualTo(HOA);
        assertOptions(f);
    }

    @Test
    void bulkBindingUpdateWithBindingIdentifiers() {
        Frame f = FRAMES.get("bu-bid");
        assertHomeAddressOption(f, 135);
        assertThat(f.num("ipv6.plen")).isEqualTo(24 + 56);
        assertMobilityHeader(f, "bu-bid", HOA, HA, 5, 6);
        assertThat(f.num("mip6.bu.seqnr")).isEqualTo(BID_SEQ);
        // Mask 0x0040 is RFC 5648's O flag; Wireshark 4.0.17 calls it B (mipv6-facts.md §4.3).
        assertBuFlags(f, BindingUpdate.FLAG_A | BindingUpdate.FLAG_H | BindingUpdate.FLAG_O);
        assertThat(f.num("mip6.bu.lifetime")).isEqualTo(BID_LIFETIME);
        // BID with IPv6 CoA (length 20, 8n+2): PadN(4) from 12 to 18, option 18..40; BID with IPv4 CoA
        // (length 8, 4n+2): PadN(0) to 42, option 42..52; PadN(2) to 56.
        assertOptions(f, "padn", "01040000" + "0000", "bi", "2314" + "0001" + "00" + "80" + hex(COA),
                "padn", "0100", "bi", "2308" + "0002" + "00" + "00" + "c0000201", "padn", "01020000");
        assertThat(f.all("mip6.bi.bid")).containsExactly("1", "2");
        assertThat(f.all("mip6.bi.status")).containsExactly("0", "0");
        assertThat(f.all("mip6.bi.h_flag")).containsExactly("1", "0");
        assertThat(f.one("mip6.bi.coa_ipv6")).isEqualTo(COA);
        assertThat(f.one("mip6.bi.coa_ipv4")).isEqualTo(IPV4_COA);
    }

    @Test
    void bindingUpdateWithIdentifierReplayProtectionVendorAndAuthenticationOptions() {
        Frame f = FRAMES.get("bu-auth");
        assertHomeAddressOption(f, 135);
        assertThat(f.num("ipv6.plen")).isEqualTo(24 + 80);
        assertMobilityHeader(f, "bu-auth", HOA, HA, 5, 9);
        assertThat(f.num("mip6.bu.seqnr")).isEqualTo(AUTH_SEQ);
        assertBuFlags(f, BindingUpdate.FLAG_A | BindingUpdate.FLAG_H);
        assertThat(f.num("mip6.bu.lifetime")).isEqualTo(AUTH_LIFETIME);
        String nai = hexOf(NAI.getBytes(StandardCharsets.UTF_8));
        // MNID 12..30 (no alignment); MESG-ID (8n+2) after PadN(2): 34..44; vendor option (4n+2) after PadN(0):
        // 46..58; AUTH (4n+1) after PadN(1): 61..80, last, ending the MH on a multiple of 8 without padding.
        assertOptions(f, "mnid", "0810" + "01" + nai, "padn", "01020000", "mseg_id", "0a08" + hex64(TIMESTAMP),
                "padn", "0100", "vsm", "130a" + hex32(VENDOR_ID) + hex8(VENDOR_SUBTYPE) + VENDOR_DATA,
                "padn", "010100", "auth", "0911" + "01" + hex32(SPI) + MAC);
        assertThat(f.num("mip6.mnid.subtype")).isEqualTo(MobilityOption.MobileNodeIdentifier.NAI);
        assertThat(f.one("mip6.mnid.identifier")).isEqualTo(NAI);
        assertThat(f.num("mip6.vsm.vendorId")).isEqualTo(VENDOR_ID);
        assertThat(f.num("mip6.vsm.subtype")).isEqualTo(VENDOR_SUBTYPE);
        assertThat(f.num("mip6.auth.subtype")).isEqualTo(MobilityOption.Authentication.MN_HA);
        assertThat(f.num("mip6.auth.mobility_spi")).isEqualTo(SPI);
        // Wireshark 4.0.17 shows the vendor data and the authentication data two octets short, and decodes the
        // NTP timestamp as Unix seconds plus nanoseconds: its own bugs. The option octets checked above are
        // what it read; here only that its truncated views are prefixes of what we sent.
        assertThat(VENDOR_DATA).startsWith(bytes(f.one("mip6.vsm.data")));
        assertThat(MAC).startsWith(bytes(f.one("mip6.auth.auth_data")));
    }

    @Test
    void independentChecksumReproducesTheFactsSheetExample() {
        // mipv6-facts.md §11.1: built by Scapy, checksum 0xa1de with the HoA as pseudo-source, 0xa0e7 with the CoA.
        byte[] b = hexBytes("6000000000283c4020010db800020000000000000000010020010db8000100000000000000000001"
                + "870201020000c91020010db800010000000000000000000a3b010500a1de0007c000010001020000");
        assertThat(mobilityHeaderOffset(b)).isEqualTo(64);
        assertThat(mhChecksum(b, HOA, HA)).isEqualTo(0xa1de);
        assertThat(mhChecksum(b, COA, HA)).isEqualTo(0xa0e7);
    }

    // ------------------------------------------------------------------------------------------------ ICMPv6

    @Test
    void echoRequestFromHomeAddressAndReplyThroughType2RoutingHeader() {
        Frame req = FRAMES.get("echo-request");
        assertHomeAddressOption(req, 58);
        assertThat(req.num("ipv6.plen")).isEqualTo(24 + 8 + 8);
        assertIcmp(req, "echo-request", 128, 0);
        assertThat(req.num("icmpv6.echo.identifier")).isEqualTo(ECHO_ID);
        assertThat(req.num("icmpv6.echo.sequence_number")).isEqualTo(ECHO_SEQ);
        assertThat(bytes(req.one("data.data"))).isEqualTo(ECHO_DATA);

        Frame rep = FRAMES.get("echo-reply");
        assertType2RoutingHeader(rep, 58);
        assertThat(rep.num("ipv6.plen")).isEqualTo(24 + 8 + 8);
        assertIcmp(rep, "echo-reply", 129, 0);
        assertThat(rep.num("icmpv6.echo.identifier")).isEqualTo(ECHO_ID);
        assertThat(rep.num("icmpv6.echo.sequence_number")).isEqualTo(ECHO_SEQ);
        assertThat(bytes(rep.one("data.data"))).isEqualTo(ECHO_DATA);
    }

    @Test
    void destinationUnreachableCarriesTheInvokingPacket() {
        Frame f = FRAMES.get("dest-unreachable");
        assertThat(f.all("ipv6.plen").stream().map(TsharkDissectionTest::num)).containsExactly(8L + 40 + 12, 12L);
        assertIcmp(f, "dest-unreachable", 1, 3);
        assertThat(bytes(f.one("icmpv6.reserved"))).isEqualTo("00000000");
        assertInvokingUdp(f);
    }

    @Test
    void packetTooBigCarriesTheMtu() {
        Frame f = FRAMES.get("packet-too-big");
        assertIcmp(f, "packet-too-big", 2, 0);
        assertThat(f.num("icmpv6.mtu")).isEqualTo(PTB_MTU);
        assertInvokingUdp(f);
    }

    @Test
    void parameterProblemPointsAtThePayloadProto() {
        Frame f = FRAMES.get("param-problem");
        assertThat(num(f.first("ipv6.plen"))).isEqualTo(8 + 40 + 24 + 16);
        assertIcmp(f, "param-problem", 4, 0);
        assertThat(f.num("icmpv6.pointer")).isEqualTo(PP_POINTER);
        // The invoking packet, as carried: our BU with Payload Proto 6 at offset 64.
        assertThat(f.all("ipv6.src")).containsExactly(CN, COA);
        assertThat(f.all("ipv6.dst")).containsExactly(COA, CN);
        assertThat(f.one("ipv6.opt.mipv6.home_address")).isEqualTo(HOA);
        assertThat(f.num("mip6.proto")).isEqualTo(6);
        assertThat(f.num("mip6.mhtype")).isEqualTo(5);
        assertThat(f.num("mip6.bu.seqnr")).isEqualTo(RR_SEQ);
    }

    @Test
    void neighborSolicitationAndAdvertisementWithLinkLayerAddresses() {
        Frame ns = FRAMES.get("ns");
        assertThat(ns.num("ipv6.plen")).isEqualTo(24 + 8);
        assertIcmp(ns, "ns", 135, 0);
        assertThat(ns.one("icmpv6.nd.ns.target_address")).isEqualTo(HA);
        assertThat(ns.num("icmpv6.opt.type")).isEqualTo(1);
        assertThat(ns.num("icmpv6.opt.length")).isEqualTo(1);
        assertThat(ns.one("icmpv6.opt.linkaddr")).isEqualTo(MAC_SOURCE);
        assertThat(ns.one("icmpv6.opt.src_linkaddr")).isEqualTo(MAC_SOURCE);

        Frame na = FRAMES.get("na");
        assertThat(na.num("ipv6.plen")).isEqualTo(24 + 8);
        assertIcmp(na, "na", 136, 0);
        assertThat(na.one("icmpv6.nd.na.target_address")).isEqualTo(HA);
        assertThat(na.one("icmpv6.nd.na.flag.r")).isEqualTo("1");
        assertThat(na.one("icmpv6.nd.na.flag.s")).isEqualTo("1");
        assertThat(na.one("icmpv6.nd.na.flag.o")).isEqualTo("0");
        assertThat(na.num("icmpv6.opt.type")).isEqualTo(2);
        assertThat(na.num("icmpv6.opt.length")).isEqualTo(1);
        assertThat(na.one("icmpv6.opt.linkaddr")).isEqualTo(MAC_TARGET);
        assertThat(na.one("icmpv6.opt.target_linkaddr")).isEqualTo(MAC_TARGET);
    }

    @Test
    void homeAgentAddressDiscovery() {
        Frame req = FRAMES.get("dhaad-request");
        assertThat(req.num("ipv6.plen")).isEqualTo(8);
        assertIcmp(req, "dhaad-request", 144, 0);
        assertThat(req.num("icmpv6.mip6.identifier")).isEqualTo(HAAD_ID);

        Frame rep = FRAMES.get("dhaad-reply");
        assertThat(rep.num("ipv6.plen")).isEqualTo(8 + 2 * 16);
        assertIcmp(rep, "dhaad-reply", 145, 0);
        assertThat(rep.num("icmpv6.mip6.identifier")).isEqualTo(HAAD_ID);
        assertThat(rep.all("icmpv6.mip6.home_agent_address")).containsExactly(HA, HA2);
    }

    @Test
    void mobilePrefixSolicitationAndAdvertisement() {
        Frame mps = FRAMES.get("mps");
        assertHomeAddressOption(mps, 58);
        assertThat(mps.num("ipv6.plen")).isEqualTo(24 + 8);
        assertIcmp(mps, "mps", 146, 0);
        assertThat(mps.num("icmpv6.mip6.identifier")).isEqualTo(MPS_ID);

        Frame mpa = FRAMES.get("mpa");
        assertType2RoutingHeader(mpa, 58);
        assertThat(mpa.num("ipv6.plen")).isEqualTo(24 + 8 + 32);
        assertIcmp(mpa, "mpa", 147, 0);
        assertThat(mpa.num("icmpv6.mip6.identifier")).isEqualTo(MPS_ID);
        assertThat(mpa.one("icmpv6.mip6.flag.m")).isEqualTo("1");
        assertThat(mpa.one("icmpv6.mip6.flag.o")).isEqualTo("0");
        assertThat(mpa.num("icmpv6.opt.type")).isEqualTo(3);
        assertThat(mpa.num("icmpv6.opt.length")).isEqualTo(4);
        assertThat(mpa.num("icmpv6.opt.prefix.length")).isEqualTo(64);
        assertThat(mpa.one("icmpv6.opt.prefix.flag.l")).isEqualTo("1");
        assertThat(mpa.one("icmpv6.opt.prefix.flag.a")).isEqualTo("1");
        assertThat(mpa.one("icmpv6.opt.prefix.flag.r")).isEqualTo("0");
        assertThat(mpa.num("icmpv6.opt.prefix.valid_lifetime")).isEqualTo(VALID_LIFETIME);
        assertThat(mpa.num("icmpv6.opt.prefix.preferred_lifetime")).isEqualTo(PREFERRED_LIFETIME);
        assertThat(mpa.one("icmpv6.opt.prefix")).isEqualTo(HOME_PREFIX);
    }

    @Test
    void corruptedIcmpChecksumIsReportedBad() {
        Frame f = FRAMES.get("echo-corrupt");
        int good = ((Icmpv6) PACKETS.get("echo-request").upper()).checksum();
        assertThat(f.num("icmpv6.checksum")).isEqualTo(good ^ 0x0101);
        assertThat(f.one("icmpv6.checksum.status")).isEqualTo(CHECKSUM_BAD);
        assertThat(f.one("_ws.expert.message")).isEqualTo(String.format("Bad checksum [should be 0x%04x]", good));
    }

    // ---------------------------------------------------------------------------------------------------- UDP

    @Test
    void udpDatagram() {
        Frame f = FRAMES.get("udp");
        assertThat(f.num("ipv6.nxt")).isEqualTo(17);
        assertThat(f.num("ipv6.plen")).isEqualTo(8 + 8);
        assertThat(f.num("udp.srcport")).isEqualTo(UDP_SRC);
        assertThat(f.num("udp.dstport")).isEqualTo(UDP_DST);
        assertThat(f.num("udp.length")).isEqualTo(8 + 8);
        assertThat(bytes(f.one("udp.payload"))).isEqualTo(UDP_DATA);
        assertThat(bytes(f.one("data.data"))).isEqualTo(UDP_DATA);
        assertThat(f.num("udp.checksum")).isEqualTo(((Udp) PACKETS.get("udp").upper()).checksum());
        assertThat(f.one("udp.checksum.status")).isEqualTo(CHECKSUM_GOOD);
    }

    @Test
    void ipv6InIpv6CarryingUdp() {
        Frame f = FRAMES.get("tunnel-udp");
        assertThat(f.all("ipv6.nxt")).containsExactly("41", "17");
        assertThat(f.all("ipv6.plen").stream().map(TsharkDissectionTest::num)).containsExactly(40L + 12, 12L);
        assertThat(f.all("ipv6.hlim")).containsExactly("64", "63");
        assertThat(f.all("ipv6.src")).containsExactly(HA, CN);
        assertThat(f.all("ipv6.dst")).containsExactly(COA, HOA);
        assertThat(f.num("udp.srcport")).isEqualTo(INNER_SRC_PORT);
        assertThat(f.num("udp.dstport")).isEqualTo(INNER_DST_PORT);
        assertThat(f.num("udp.length")).isEqualTo(12);
        assertThat(bytes(f.one("udp.payload"))).isEqualTo(INNER_DATA);
        assertThat(bytes(f.one("data.data"))).isEqualTo(INNER_DATA);
        Udp inner = (Udp) ((Tunnel) PACKETS.get("tunnel-udp").upper()).inner().upper();
        assertThat(f.num("udp.checksum")).isEqualTo(inner.checksum());
        assertThat(f.one("udp.checksum.status")).isEqualTo(CHECKSUM_GOOD);
    }

    @Test
    void corruptedUdpChecksumIsReportedBad() {
        Frame f = FRAMES.get("udp-corrupt");
        int good = ((Udp) PACKETS.get("udp").upper()).checksum();
        assertThat(f.num("udp.checksum")).isEqualTo(good ^ 0x0101);
        assertThat(f.one("udp.checksum.status")).isEqualTo(CHECKSUM_BAD);
        assertThat(f.num("udp.checksum_calculated")).isEqualTo(good);
    }

    // ------------------------------------------------------------------------------------------- assertions

    /** The 24-octet Destination Options header with PadN(2) and the Home Address option, then {@code next}. */
    private static void assertHomeAddressOption(Frame f, int next) {
        assertThat(f.num("ipv6.nxt")).isEqualTo(60);
        assertThat(f.num("ipv6.dstopts.nxt")).isEqualTo(next);
        assertThat(f.num("ipv6.dstopts.len")).isEqualTo(2);
        // PadN with 2 octets of data, so that the Home Address option (type 0xc9, length 16) sits at 8n+6.
        assertThat(f.all("ipv6.opt.type").stream().map(TsharkDissectionTest::num)).containsExactly(1L, 201L);
        assertThat(f.all("ipv6.opt.length")).containsExactly("2", "16");
        assertThat(bytes(f.one("ipv6.opt.padn"))).isEqualTo("0000");
        assertThat(f.one("ipv6.opt.mipv6.home_address")).isEqualTo(HOA);
    }

    /** The 24-octet type 2 routing header carrying the home address, Segments Left 1, then {@code next}. */
    private static void assertType2RoutingHeader(Frame f, int next) {
        assertThat(f.num("ipv6.nxt")).isEqualTo(43);
        assertThat(f.num("ipv6.routing.nxt")).isEqualTo(next);
        assertThat(f.num("ipv6.routing.len")).isEqualTo(2);
        assertThat(f.num("ipv6.routing.type")).isEqualTo(2);
        assertThat(f.num("ipv6.routing.segleft")).isEqualTo(1);
        assertThat(bytes(f.one("ipv6.routing.mipv6.reserved"))).isEqualTo("00000000");
        assertThat(f.one("ipv6.routing.mipv6.home_address")).isEqualTo(HOA);
    }

    /**
     * The generic MH fields, and the checksum: tshark's value must equal our own recomputation over the octets we
     * wrote, with the pseudo-header the test names, and the value carried in our record.
     *
     * @return the checksum
     */
    private static int assertMobilityHeader(Frame f, String name, String pseudoSrc, String pseudoDst, int type,
            int headerLen) {
        assertThat(f.num("mip6.proto")).as("Payload Proto").isEqualTo(59);
        assertThat(f.num("mip6.hlen")).as("Header Len").isEqualTo(headerLen);
        assertThat(f.num("mip6.mhtype")).as("MH Type").isEqualTo(type);
        assertThat(f.num("mip6.reserved")).as("Reserved").isEqualTo(0);
        byte[] wire = WIRE.get(name);
        int mh = mobilityHeaderOffset(wire);
        assertThat(wire.length - mh).as("MH length").isEqualTo((headerLen + 1) * 8);
        int checksum = (int) f.num("mip6.csum");
        assertThat(checksum).as("MH checksum").isEqualTo(mhChecksum(wire, pseudoSrc, pseudoDst));
        Ipv6Packet p = PACKETS.get(name);
        MobilityHeader record = (MobilityHeader) (p.upper() instanceof Tunnel t ? t.inner().upper() : p.upper());
        assertThat(checksum).isEqualTo(record.checksum());
        return checksum;
    }

    private static void assertBuFlags(Frame f, int flags) {
        assertFlag(f, "mip6.bu.a_flag", flags, BindingUpdate.FLAG_A);
        assertFlag(f, "mip6.bu.h_flag", flags, BindingUpdate.FLAG_H);
        assertFlag(f, "mip6.bu.l_flag", flags, BindingUpdate.FLAG_L);
        assertFlag(f, "mip6.bu.k_flag", flags, BindingUpdate.FLAG_K);
        assertFlag(f, "mip6.bu.m_flag", flags, BindingUpdate.FLAG_M);
        assertFlag(f, "mip6.nemo.bu.r_flag", flags, BindingUpdate.FLAG_R);
        assertFlag(f, "mip6.bu.p_flag", flags, BindingUpdate.FLAG_P);
        assertFlag(f, "mip6.bu.f_flag", flags, BindingUpdate.FLAG_F);
        assertFlag(f, "mip6.bu.t_flag", flags, BindingUpdate.FLAG_T);
        assertFlag(f, "mip6.bu.b_flag", flags, BindingUpdate.FLAG_O);
    }

    private static void assertBaFlags(Frame f, int flags) {
        assertFlag(f, "mip6.ba.k_flag", flags, BindingAcknowledgement.FLAG_K);
        assertFlag(f, "mip6.nemo.ba.r_flag", flags, BindingAcknowledgement.FLAG_R);
        assertFlag(f, "mip6.ba.p_flag", flags, BindingAcknowledgement.FLAG_P);
        assertFlag(f, "mip6.ba.t_flag", flags, BindingAcknowledgement.FLAG_T);
        assertFlag(f, "mip6.ba.b_flag", flags, BindingAcknowledgement.FLAG_B);
    }

    private static void assertFlag(Frame f, String field, int flags, int mask) {
        assertThat(f.one(field)).as(f.name + " " + field).isEqualTo((flags & mask) != 0 ? "1" : "0");
    }

    /**
     * The mobility options tshark found, in order: pairs of Wireshark option name ({@code mip6.options.NAME}) and
     * the option's octets in hex, type and length octets included.
     */
    private static void assertOptions(Frame f, String... nameThenHex) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < nameThenHex.length; i += 2) {
            expected.add("mip6.options." + nameThenHex[i] + "=" + nameThenHex[i + 1]);
        }
        List<String> actual = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        for (MiniJson.Member m : f.fields) {
            if (m.name().startsWith("mip6.options.")) {
                actual.add(m.name() + "=" + bytes(m.value()));
                String hex = bytes(m.value());
                if (!m.name().equals("mip6.options.pad1")) {
                    lengths.add(Integer.toString(Integer.parseInt(hex.substring(2, 4), 16)));
                }
            }
        }
        assertThat(actual).as(f.name + " mobility options").containsExactlyElementsOf(expected);
        assertThat(f.all("mip6.mobility_opt.len")).as(f.name + " option lengths").containsExactlyElementsOf(lengths);
    }

    /** Type, code and the checksum, which tshark must find Good and equal to the one in our record. */
    private static void assertIcmp(Frame f, String name, int type, int code) {
        assertThat(num(f.first("icmpv6.type"))).isEqualTo(type);
        assertThat(num(f.first("icmpv6.code"))).isEqualTo(code);
        assertThat(f.first("icmpv6.checksum.status")).as(f.name + " ICMPv6 checksum status")
                .isEqualTo(CHECKSUM_GOOD);
        assertThat(num(f.first("icmpv6.checksum"))).isEqualTo(((Icmpv6) PACKETS.get(name).upper()).checksum());
    }

    /** The UDP packet CN to HoA carried by an ICMPv6 error, as the second IPv6 header of the frame. */
    private static void assertInvokingUdp(Frame f) {
        assertThat(f.all("ipv6.nxt")).containsExactly("58", "17");
        assertThat(f.all("ipv6.hlim")).containsExactly("64", "63");
        assertThat(f.all("ipv6.src").get(1)).isEqualTo(CN);
        assertThat(f.all("ipv6.dst").get(1)).isEqualTo(HOA);
        assertThat(f.num("udp.srcport")).isEqualTo(INNER_SRC_PORT);
        assertThat(f.num("udp.dstport")).isEqualTo(INNER_DST_PORT);
        assertThat(f.num("udp.length")).isEqualTo(8 + 4);
        assertThat(bytes(f.one("udp.payload"))).isEqualTo(INNER_DATA);
    }

    // --------------------------------------------------------------------- independent MH checksum (RFC 1071)

    /**
     * Walks the header chain of encoded octets by hand (Hop-by-Hop, Destination Options and Routing headers, and
     * IPv6-in-IPv6) and returns the offset of the Mobility Header.
     */
    private static int mobilityHeaderOffset(byte[] b) {
        int off = 40;
        int next = b[6] & 0xff;
        while (next != 135) {
            if (next == 41) {
                next = b[off + 6] & 0xff;
                off += 40;
            } else if (next == 0 || next == 60 || next == 43) {
                int following = b[off] & 0xff;
                off += ((b[off + 1] & 0xff) + 1) * 8; // Hdr Ext Len in 8-octet units, not counting the first 8
                next = following;
            } else {
                throw new AssertionError("no Mobility Header: the chain stops at Next Header " + next);
            }
        }
        return off;
    }

    /**
     * The Mobility Header checksum of RFC 6275 §6.1.1: the one's-complement of the one's-complement sum (RFC 1071)
     * of the RFC 8200 §8.1 pseudo-header (source, destination, upper-layer length, three zeros, Next Header 135)
     * and the Mobility Header with its checksum field taken as zero.
     */
    private static int mhChecksum(byte[] packet, String pseudoSrc, String pseudoDst) {
        int mh = mobilityHeaderOffset(packet);
        int length = ((packet[mh + 1] & 0xff) + 1) * 8;
        byte[] buf = new byte[40 + length];
        System.arraycopy(v6(pseudoSrc), 0, buf, 0, 16);
        System.arraycopy(v6(pseudoDst), 0, buf, 16, 16);
        buf[32] = (byte) (length >>> 24);
        buf[33] = (byte) (length >>> 16);
        buf[34] = (byte) (length >>> 8);
        buf[35] = (byte) length;
        buf[39] = (byte) 135;
        System.arraycopy(packet, mh, buf, 40, length);
        buf[40 + 4] = 0;
        buf[40 + 5] = 0;
        long sum = 0;
        for (int i = 0; i < buf.length; i += 2) {
            int lo = i + 1 < buf.length ? buf[i + 1] & 0xff : 0;
            sum += ((buf[i] & 0xff) << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    // ----------------------------------------------------------------------------------------------- tshark

    private static String runTshark(Path pcap) throws IOException, InterruptedException {
        String tshark = findTshark();
        Path out = dir.resolve("tshark.json");
        Path err = dir.resolve("tshark.err");
        Path config = Files.createDirectories(dir.resolve("wireshark-config"));
        // -n: no name resolution; UDP checksums are verified only when asked (ICMPv6 ones always are); our UDP
        // destination ports are decoded as plain data, so that no port-based or heuristic dissector claims them.
        ProcessBuilder pb = new ProcessBuilder(tshark, "-n", "-r", pcap.toString(), "-T", "json",
                "-o", "udp.check_checksum:TRUE",
                "-d", "udp.port==" + UDP_DST + ",data", "-d", "udp.port==" + INNER_DST_PORT + ",data")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("WIRESHARK_CONFIG_DIR", config.toString()); // no personal preferences
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tshark did not finish within 120 s");
        }
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as("tshark exit status; stderr: " + stderr).isEqualTo(0);
        return Files.readString(out);
    }

    /** tshark from the PATH, else /usr/bin/tshark; fails (never skips) when it is not installed. */
    private static String findTshark() {
        List<String> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(d + File.separator + "tshark");
                }
            }
        }
        candidates.add("/usr/bin/tshark");
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return fail("tshark is not installed (looked on the PATH and at /usr/bin/tshark); this test needs it to "
                + "dissect our packets independently. Install it with scripts/install-test-deps.sh "
                + "(Debian/Ubuntu package: tshark).");
    }

    /** One dissected frame: tshark's fields as (name, shown value) pairs in document order. */
    private static final class Frame {
        final String name;
        final List<MiniJson.Member> fields;

        Frame(String name, List<MiniJson.Member> fields) {
            this.name = name;
            this.fields = fields;
        }

        List<String> all(String field) {
            List<String> out = new ArrayList<>();
            for (MiniJson.Member m : fields) {
                if (m.name().equals(field)) {
                    out.add((String) m.value());
                }
            }
            return out;
        }

        boolean has(String field) {
            return !all(field).isEmpty();
        }

        String first(String field) {
            List<String> v = all(field);
            assertThat(v).as(name + ": " + field).isNotEmpty();
            return v.get(0);
        }

        String one(String field) {
            List<String> v = all(field);
            assertThat(v).as(name + ": occurrences of " + field).hasSize(1);
            return v.get(0);
        }

        long num(String field) {
            return TsharkDissectionTest.num(one(field));
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void put(String name, PacketParts parts, UpperLayer upper) {
        PACKETS.put(name, Ipv6Packet.build(parts.header(), parts.extensions(), upper));
    }

    private static void put(String name, Ipv6Header header, List<ExtensionHeader> extensions, UpperLayer upper) {
        PACKETS.put(name, Ipv6Packet.build(header, extensions, upper));
    }

    private record PacketParts(Ipv6Header header, List<ExtensionHeader> extensions) {
    }

    private static PacketParts ip(String src, String dst, ExtensionHeader... extensions) {
        return new PacketParts(Ipv6Header.of(64, a(src), a(dst)), List.of(extensions));
    }

    private static ExtensionHeader hao(String home) {
        return DestinationOptions.homeAddress(a(home));
    }

    private static ExtensionHeader rh2(String home) {
        return Type2Routing.of(a(home));
    }

    private static MobilityHeader mh(MobilityMessage m) {
        return new MobilityHeader(m);
    }

    private static Icmpv6 icmp(Icmpv6Message m) {
        return new Icmpv6(m);
    }

    private static Ipv6Address a(String text) {
        return Ipv6Address.parse(text);
    }

    /** An IPv6 address's 16 octets, parsed by the JDK (a literal: no name lookup), not by our code. */
    private static byte[] v6(String text) {
        try {
            byte[] b = InetAddress.getByName(text).getAddress();
            assertThat(b).hasSize(16);
            return b;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] v4(String text) {
        try {
            byte[] b = InetAddress.getByName(text).getAddress();
            assertThat(b).hasSize(4);
            return b;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(String ipv6) {
        return hexOf(v6(ipv6));
    }

    private static Bytes mac(String colons) {
        return Bytes.fromHex(bytes(colons));
    }

    private static String hexOf(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    private static byte[] hexBytes(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static String hex8(int v) {
        return String.format("%02x", v);
    }

    private static String hex16(int v) {
        return String.format("%04x", v);
    }

    private static String hex32(long v) {
        return String.format("%08x", v);
    }

    private static String hex64(long v) {
        return String.format("%016x", v);
    }

    /** tshark's text of a byte string ({@code aa:bb:cc}) as plain lowercase hex. */
    private static String bytes(Object shown) {
        return ((String) shown).replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** tshark's text of an integer field: decimal, or hex with 0x (64-bit values read as unsigned). */
    private static long num(String shown) {
        return shown.startsWith("0x") ? Long.parseUnsignedLong(shown.substring(2), 16) : Long.parseLong(shown);
    }
}
