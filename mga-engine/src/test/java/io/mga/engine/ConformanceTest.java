package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.wire.BaStatus;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 6275 / RFC 4443 processing rules an IPv6 Ready style conformance run checks, each against every role it
 * applies to. The stimuli are built by Scapy ({@code tools/conformance/stimuli.py}, Debian's
 * python3-scapy), not by mga-wire's encoder; the answers the roles send are written to a pcap and dissected by
 * tshark, whose reading is what the assertions check. Neither tool is optional: without them the test fails.
 */
class ConformanceTest {
    static final Ipv6Address EVIL = Ipv6Address.parse("2001:db8:666::1");
    static final Ipv6Address MN_HOME = Ipv6Address.parse("2001:db8:777::5");
    static final Ipv6Address CN = Ipv6Address.parse("2001:db8:5::10");
    static final Ipv6Address PUA = World.pua(1);
    static final Ipv6Address HAA = World.HAA;
    static Map<String, byte[]> stimuli;

    @TempDir
    Path dir;
    final List<byte[]> sent = new ArrayList<>();
    final PacketIo io = (b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l));
    long now = 1_000 * World.S;

    /** Runs the Scapy script once for the three roles' addresses. */
    @BeforeAll
    static void scapy(@TempDir Path tmp) throws Exception {
        Path script = Path.of("..", "tools", "conformance", "stimuli.py").toAbsolutePath().normalize();
        Path out = tmp.resolve("stimuli.txt");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), EVIL.toString(), MN_HOME.toString(),
                HAA.toString(), CN.toString(), PUA.toString()).redirectErrorStream(true).redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("Scapy finished").isTrue();
        assertThat(p.exitValue()).as("Scapy exit status; output: %s", Files.readString(out)).isZero();
        stimuli = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            String[] f = line.trim().split(" ");
            stimuli.put(f[0], HexFormat.of().parseHex(f[1]));
        }
        assertThat(stimuli).hasSize(7 * 3);
    }

    HomeAnycastAgent agent() {
        return HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX).model(Model.ADVANCED)
                .responder(World.cred(1)).io(io).build(now);
    }

    AnycastInitiator initiator() {
        return AnycastInitiator.builder().address(CN).io(io).random(new java.util.Random(7)).build(now);
    }

    AnycastResponder responder() {
        return AnycastResponder.builder().anycast(World.AA).careOf(PUA).agent(HAA)
                .credentials("ar1@example.net", 1001, World.key(1)).bindingId(1).lifetimeSeconds(60).seed(1).io(io)
                .build(now);
    }

    /** The three roles, with the address each answers on. */
    Map<Ipv6Address, Role> roles() {
        Map<Ipv6Address, Role> m = new java.util.LinkedHashMap<>();
        m.put(HAA, agent());
        m.put(CN, initiator());
        m.put(PUA, responder());
        return m;
    }

    void deliver(Role r, String stimulus, Ipv6Address to) {
        byte[] b = stimuli.get(stimulus + "@" + to);
        assertThat(b).as(stimulus + "@" + to).isNotNull();
        r.receive(b.clone(), 0, b.length, now);
    }

    @Test
    void unknownMhTypeGetsBindingErrorStatus2FromEveryRole() throws Exception {
        for (Map.Entry<Ipv6Address, Role> e : roles().entrySet()) {
            deliver(e.getValue(), "mh-type-42", e.getKey());
            now += World.S;
            deliver(e.getValue(), "mh-type-42-hao", e.getKey());
            now += World.S;
        }
        // RFC 6275 §9.2 MUST: Binding Error status 2 to the offending packet's source; §9.3.3: its Home Address
        // field is the Home Address option's address, or the unspecified address without one
        List<String[]> t = tshark("ipv6.src", "ipv6.dst", "mip6.mhtype", "mip6.be.status", "mip6.be.haddr",
                "mip6.proto");
        assertThat(t).hasSize(6);
        Ipv6Address[] from = {HAA, HAA, CN, CN, PUA, PUA};
        for (int i = 0; i < 6; i++) {
            assertThat(t.get(i)).as("answer %d", i).containsExactly(from[i].toString(), EVIL.toString(), "7", "2",
                    i % 2 == 0 ? "::" : MN_HOME.toString(), "59");
        }
    }

    @Test
    void payloadProtoOtherThan59GetsParameterProblemPointingAtItFromEveryRole() throws Exception {
        for (Map.Entry<Ipv6Address, Role> e : roles().entrySet()) {
            deliver(e.getValue(), "mh-proto-6", e.getKey());
            now += World.S;
        }
        // RFC 6275 §9.2 SHOULD: ICMP Parameter Problem code 0 to the source, the Pointer at Payload Proto (octet 40
        // of a packet with no extension header), the invoking packet quoted (RFC 4443 §3.4)
        List<String[]> t = tshark("ipv6.src", "ipv6.dst", "icmpv6.type", "icmpv6.code", "icmpv6.pointer",
                "icmpv6.checksum.status");
        assertThat(t).hasSize(3);
        Ipv6Address[] from = {HAA, CN, PUA};
        for (int i = 0; i < 3; i++) {
            assertThat(t.get(i)).as("answer %d", i).containsExactly(from[i].toString(), EVIL.toString(), "4", "0",
                    "40", "1");
            Icmpv6Message.ParameterProblem pp = (Icmpv6Message.ParameterProblem) ((Icmpv6) PacketDecoder
                    .decode(sent.get(i)).upper()).message();
            assertThat(pp.invoking().toArray()).isEqualTo(stimuli.get("mh-proto-6@" + from[i]));
        }
    }

    @Test
    void headerLenBelowTheTypesMinimumGetsParameterProblemPointingAtItFromEveryRole() throws Exception {
        assertThat(stimuli.get("mh-short-bu@" + HAA)).hasSize(40 + 8);
        for (Map.Entry<Ipv6Address, Role> e : roles().entrySet()) {
            deliver(e.getValue(), "mh-short-bu", e.getKey());
            now += World.S;
        }
        // RFC 6275 §9.2: a Header Len below the type's minimum (a BU needs 1) MUST be discarded and SHOULD draw an
        // ICMP Parameter Problem code 0 to the source, the Pointer at Header Len (octet 41: no extension header)
        List<String[]> t = tshark("ipv6.src", "ipv6.dst", "icmpv6.type", "icmpv6.code", "icmpv6.pointer",
                "icmpv6.checksum.status");
        assertThat(t).hasSize(3);
        Ipv6Address[] from = {HAA, CN, PUA};
        for (int i = 0; i < 3; i++) {
            assertThat(t.get(i)).as("answer %d", i).containsExactly(from[i].toString(), EVIL.toString(), "4", "0",
                    "41", "1");
        }
        // the same header with its checksum broken: discarded silently (the checksum is checked first)
        sent.clear();
        for (Map.Entry<Ipv6Address, Role> e : roles().entrySet()) {
            byte[] b = stimuli.get("mh-short-bu@" + e.getKey()).clone();
            b[44] ^= 0x01;
            e.getValue().receive(b, 0, b.length, now);
            now += World.S;
        }
        assertThat(sent).isEmpty();
    }

    @Test
    void everyRoleAnswersEchoOnItsOwnAddress() throws Exception {
        for (Map.Entry<Ipv6Address, Role> e : roles().entrySet()) {
            deliver(e.getValue(), "echo", e.getKey());
        }
        // RFC 4443 §4.1 MUST: an Echo Reply; §4.2: from the request's destination, Identifier, Sequence Number
        // and Data copied
        List<String[]> t = tshark("ipv6.src", "ipv6.dst", "icmpv6.type", "icmpv6.echo.identifier",
                "icmpv6.echo.sequence_number", "data.data", "icmpv6.checksum.status");
        assertThat(t).hasSize(3);
        String data = HexFormat.of().formatHex("conformance".getBytes(StandardCharsets.US_ASCII));
        Ipv6Address[] from = {HAA, CN, PUA};
        for (int i = 0; i < 3; i++) {
            assertThat(t.get(i)).as("answer %d", i).containsExactly(from[i].toString(), EVIL.toString(), "129",
                    "0x1234", "7", data, "1");
        }
    }

    @Test
    void answersToUnauthenticatedInputAreRateLimited() {
        for (Map.Entry<Ipv6Address, Role> e : roles().entrySet()) {
            sent.clear();
            // 100 of each at one instant from one source: the burst of 10 goes, then nothing until time passes
            for (int i = 0; i < 100; i++) {
                deliver(e.getValue(), "mh-type-42", e.getKey());
                deliver(e.getValue(), "mh-proto-6", e.getKey());
            }
            assertThat(sent).as("errors from %s at once", e.getKey()).hasSize(10);
            sent.clear();
            for (int i = 0; i < 100; i++) {
                deliver(e.getValue(), "echo", e.getKey());
            }
            assertThat(sent).as("echo replies from %s at once", e.getKey()).hasSize(20);
            sent.clear();
            now += World.S;
            for (int i = 0; i < 100; i++) {
                deliver(e.getValue(), "mh-type-42", e.getKey());
                now += World.MS;
            }
            // 10 a second to one /64 after the burst: a second later 10 more, then one per 100 ms of the 100 ms run
            assertThat(sent).as("errors from %s over 100 ms", e.getKey()).hasSizeBetween(10, 12);
            now += World.S;
        }
    }

    @Test
    void homeRegistrationToTheCorrespondentGetsBa131() throws Exception {
        AnycastInitiator cn = initiator();
        deliver(cn, "bu-h", CN);
        now += World.S;
        deliver(cn, "bu-h-from-home", CN);
        // RFC 6275 §10.3.1 MUST: a node that is no home agent rejects a home registration with BA 131; §9.5.4:
        // through a type 2 routing header naming the home address only when the BU's source was not it
        List<String[]> t = tshark("ipv6.src", "ipv6.dst", "mip6.mhtype", "mip6.ba.status", "mip6.ba.seqnr",
                "ipv6.routing.type", "ipv6.routing.segleft");
        assertThat(t).hasSize(2);
        assertThat(t.get(0)).containsExactly(CN.toString(), EVIL.toString(), "6", "131", "9", "2", "1");
        assertThat(t.get(1)).containsExactly(CN.toString(), MN_HOME.toString(), "6", "131", "9", "", "");
        Ipv6Packet ba = PacketDecoder.decode(sent.get(0));
        assertThat(ba.type2Routing()).map(r -> r.homeAddress()).contains(MN_HOME);
        assertThat(cn.boundTo(MN_HOME)).isNull();
    }

    /**
     * A mobile node's return routability, run by hand against the initiator's correspondent: HoTI/CoTI, then
     * BUs signed as RFC 6275 §5.2.6 and §6.2.7 say.
     */
    final class Mn {
        final AnycastInitiator cn = initiator();
        final RrAuthenticator rr = new RrAuthenticator();
        final MobilitySender mnSender = new MobilitySender((b, o, l) -> cn.receive(b.clone(), o, l, now), rr);
        long homeToken;
        long careOfToken;
        int homeIndex;
        int careOfIndex;

        Mn(Ipv6Address careOf) throws Exception {
            send(Ipv6Packet.build(Ipv6Header.of(64, MN_HOME, CN), List.of(),
                    new MobilityHeader(MobilityMessage.HomeTestInit.of(1))));
            MobilityMessage.HomeTest hot = (MobilityMessage.HomeTest) lastMessage();
            homeToken = hot.keygenToken();
            homeIndex = hot.homeNonceIndex();
            send(Ipv6Packet.build(Ipv6Header.of(64, careOf, CN), List.of(),
                    new MobilityHeader(MobilityMessage.CareOfTestInit.of(2))));
            MobilityMessage.CareOfTest cot = (MobilityMessage.CareOfTest) lastMessage();
            careOfToken = cot.keygenToken();
            careOfIndex = cot.careOfNonceIndex();
        }

        void send(Ipv6Packet p) {
            byte[] b = PacketEncoder.encode(p);
            cn.receive(b, 0, b.length, now);
        }
    }

    /**
     * RFC 6275 §9.4.1/§9.4.2 answers every valid HoTI/CoTI, and a HoT is longer than its HoTI: a flood from forged
     * sources would make the initiator a reflector. Answers are bounded: 1,000 a second in all (bursts of 20), 10
     * a second to one source /64; the rest are dropped and counted. Virtual time, no traffic but the floods.
     */
    @Test
    void hotiAndCotiAnswersAreRateLimitedPerSourceAndInTotal() {
        AnycastInitiator cn = initiator();
        java.util.Random r = new java.util.Random(3);
        // 20,000 in one second from random /64s: at most 1,000 + the burst are answered
        for (int i = 0; i < 20_000; i++) {
            Ipv6Address src = new Ipv6Address(0x20010db800000000L | (r.nextLong() & 0xffff_ffffL) << 16, 1);
            MobilityMessage m = i % 2 == 0 ? MobilityMessage.HomeTestInit.of(i) : MobilityMessage.CareOfTestInit.of(i);
            byte[] b = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, CN), List.of(),
                    new MobilityHeader(m)));
            cn.receive(b, 0, b.length, now + i * 50_000L);
        }
        int answered = sent.size();
        assertThat(answered).isBetween(1_000, 1_020);
        assertThat(cn.counters().testAnswersSuppressed()).isEqualTo(20_000 - answered);
        // one source, two seconds later (the total has refilled): its burst of 20, then 10 a second
        sent.clear();
        long t = now + 3 * World.S;
        for (int i = 0; i < 100; i++) {
            byte[] b = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, MN_HOME, CN), List.of(),
                    new MobilityHeader(MobilityMessage.HomeTestInit.of(i))));
            cn.receive(b, 0, b.length, t + i * 10_000_000L); // 100 a second for one second
        }
        assertThat(sent.size()).isBetween(20, 31);
    }

    MobilityMessage lastMessage() throws Exception {
        return ((MobilityHeader) PacketDecoder.decode(sent.get(sent.size() - 1)).upper()).message();
    }

    @Test
    void aDeregistrationIsVerifiedAndAcknowledgedWithTheHomeAddressInTheAuthenticator() throws Exception {
        Ipv6Address careOf = PUA;
        Mn mn = new Mn(careOf);
        byte[] kbm = mn.rr.functions().kbm(mn.homeToken, mn.careOfToken);
        mn.mnSender.rrBindingUpdate(careOf, CN, MN_HOME, 1, MobilityMessage.BindingUpdate.FLAG_A, 100,
                new MobilityOption.NonceIndices(mn.homeIndex, mn.careOfIndex), kbm);
        MobilityMessage.BindingAcknowledgement ba = (MobilityMessage.BindingAcknowledgement) lastMessage();
        assertThat(ba.status()).isZero();
        assertThat(mn.cn.boundTo(MN_HOME)).isEqualTo(careOf);
        // a registration's BA covers the care-of address
        assertThat(mn.rr.verify(kbm, careOf, CN, ba)).isTrue();
        // RFC 6275 §6.2.7: in a deregistration the authenticator's "care-of address" is the home address, for the
        // BU (which MobilitySender signs so, lifetime 0) and for the BA the correspondent answers with; Kbm is
        // from the home keygen token alone (§5.2.5)
        byte[] dkbm = mn.rr.functions().kbm(mn.homeToken, null);
        mn.mnSender.rrBindingUpdate(careOf, CN, MN_HOME, 2, MobilityMessage.BindingUpdate.FLAG_A, 0,
                new MobilityOption.NonceIndices(mn.homeIndex, 0), dkbm);
        Ipv6Packet p = PacketDecoder.decode(sent.get(sent.size() - 1));
        MobilityMessage.BindingAcknowledgement dba = (MobilityMessage.BindingAcknowledgement)
                ((MobilityHeader) p.upper()).message();
        assertThat(dba.status()).as("deregistration accepted").isZero();
        assertThat(mn.cn.boundTo(MN_HOME)).isNull();
        assertThat(mn.rr.verify(dkbm, MN_HOME, CN, dba)).as("BA verifies with the home address").isTrue();
        assertThat(mn.rr.verify(dkbm, careOf, CN, dba)).as("and not with the care-of address").isFalse();
        // sent from the care-of address with a Home Address option: the BA goes back through a type 2 header
        assertThat(p.header().destination()).isEqualTo(careOf);
        assertThat(p.type2Routing()).map(r -> r.homeAddress()).contains(MN_HOME);
    }

    @Test
    void aBuFromTheHomeAddressIsAcknowledgedWithoutARoutingHeader() throws Exception {
        Mn mn = new Mn(PUA);
        // "returning home": the BU comes from the home address itself, no Home Address option, so care-of =
        // home (a deregistration, RFC 6275 §9.5.1) signed with the home keygen token alone
        byte[] dkbm = mn.rr.functions().kbm(mn.homeToken, null);
        MobilityMessage bu = mn.rr.sign(dkbm, MN_HOME, CN, MobilityMessage.BindingUpdate.of(5,
                MobilityMessage.BindingUpdate.FLAG_A, 0, new MobilityOption.NonceIndices(mn.homeIndex, 0)));
        int before = sent.size();
        mn.send(Ipv6Packet.build(Ipv6Header.of(64, MN_HOME, CN), List.of(), new MobilityHeader(bu)));
        assertThat(sent).hasSize(before + 1);
        writePcap(List.of(sent.get(before)));
        // RFC 6275 §9.5.4: a type 2 routing header only when the BU's source is not the home address
        List<String[]> t = tsharkOn(dir.resolve("answers.pcap"), "ipv6.dst", "mip6.ba.status", "ipv6.routing.type");
        assertThat(t).containsExactly(new String[] {MN_HOME.toString(), "0", ""});
        MobilityMessage.BindingAcknowledgement ba = (MobilityMessage.BindingAcknowledgement) lastMessage();
        assertThat(mn.rr.verify(dkbm, MN_HOME, CN, ba)).isTrue();
    }

    // ------------------------------------------------------------------------------------------------ tshark

    List<String[]> tshark(String... fields) throws Exception {
        writePcap(sent);
        return tsharkOn(dir.resolve("answers.pcap"), fields);
    }

    /** The packets as a pcap of raw IPv6 (link type 229), one second apart. */
    void writePcap(List<byte[]> packets) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(229);
        o.write(h.array());
        int t = 1_700_000_000;
        for (byte[] p : packets) {
            ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            r.putInt(t++).putInt(0).putInt(p.length).putInt(p.length);
            o.write(r.array());
            o.write(p);
        }
        Files.write(dir.resolve("answers.pcap"), o.toByteArray());
    }

    /** tshark's reading of each frame, one array of field values per frame (empty strings for absent fields). */
    static List<String[]> tsharkOn(Path pcap, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tsharkPath(), "-n", "-r", pcap.toString(), "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Path out = pcap.resolveSibling("tshark.txt");
        Path err = pcap.resolveSibling("tshark.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        assertThat(p.exitValue()).as("tshark exit status; stderr %s", Files.readString(err)).isZero();
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            rows.add(line.split("\\|", -1));
        }
        return rows;
    }

    /** tshark from the PATH, else /usr/bin/tshark; the test fails (never skips) when it is not installed. */
    static String tsharkPath() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, "tshark").canExecute()) {
                return new File(d, "tshark").getPath();
            }
        }
        return "/usr/bin/tshark";
    }
}
