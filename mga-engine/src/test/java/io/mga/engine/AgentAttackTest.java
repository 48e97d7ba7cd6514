package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.engine.mobility.Ntp;
import io.mga.wire.BaStatus;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.mga.WeightLoad;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile registrations at the agent: forged, wrongly keyed, replayed, stale, unauthorised and out-of-window
 * Binding Updates never create or change a binding, and floods leave memory bounded.
 */
class AgentAttackTest {
    static final Ipv6Address HAA = World.HAA;
    static final Ipv6Address AA = World.AA;
    static final Ipv6Address PUA1 = World.pua(1);
    static final Ipv6Address EVIL = Ipv6Address.parse("2001:db8:666::1");
    static final long WALL = 1_700_000_000_000_000_000L;

    final List<byte[]> sent = new ArrayList<>();
    HomeAnycastAgent haa;
    long now = 1_000 * World.S;

    @BeforeEach
    void agent() {
        haa = HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX).model(Model.ADVANCED)
                .responder(World.cred(1)).responder(World.cred(2))
                .responder(new ResponderCredentials("other@example.net", 3000, World.key(9),
                        List.of(Ipv6Prefix.parse("2001:db8:b::/64"))))
                .io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).maxBindings(100)
                .build(now);
    }

    /** A BU as a responder would build it, with every knob an attacker could turn. */
    static byte[] bu(Ipv6Address src, Ipv6Address anycast, int seq, int lifetime, int bid, long spi, Bytes key,
            long ntp, boolean withAuth) {
        List<MobilityOption> opts = new ArrayList<>();
        opts.add(new MobilityOption.AlternateCareOfAddress(src));
        if (bid != 0) {
            opts.add(MobilityOption.BindingIdentifier.of(bid, 0, src));
        }
        if (ntp != 0) {
            opts.add(new MobilityOption.ReplayProtection(ntp));
        }
        if (withAuth) {
            opts.add(new MobilityOption.Authentication(1, spi, Bytes.zeros(12)));
        }
        int flags = 0xc000;
        MobilityMessage.BindingUpdate m = MobilityMessage.BindingUpdate.of(seq, flags, lifetime,
                opts.toArray(MobilityOption[]::new));
        if (withAuth) {
            m = World.signed(key.toArray(), src, anycast, m);
        }
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, HAA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(anycast)), new MobilityHeader(m)));
    }

    long ntp(long at) {
        return Ntp.fromUnixNanos(WALL + at);
    }

    byte[] good(int seq) {
        return bu(PUA1, AA, seq, 75, 1, 1001, World.key(1), ntp(now), true);
    }

    void deliver(byte[] b) {
        haa.receive(b, 0, b.length, now);
        now += World.MS;
    }

    /** The status of the last BA sent, or -1 when nothing was sent. */
    int lastStatus() {
        if (sent.isEmpty()) {
            return -1;
        }
        try {
            Ipv6Packet p = PacketDecoder.decode(sent.get(sent.size() - 1));
            return ((MobilityMessage.BindingAcknowledgement) ((MobilityHeader) p.upper()).message()).status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aValidRegistrationIsAcceptedAndTheBaIsSigned() throws Exception {
        deliver(good(10));
        assertThat(lastStatus()).isZero();
        assertThat(haa.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(PUA1);
        Ipv6Packet ba = PacketDecoder.decode(sent.get(0));
        assertThat(ba.header().destination()).isEqualTo(PUA1);
        assertThat(ba.type2Routing()).map(r -> r.homeAddress()).contains(AA);
        MobilityMessage m = ((MobilityHeader) ba.upper()).message();
        assertThat(new MnHaAuth().verify(World.key(1).toArray(), PUA1, AA, m)).as("BA authenticates").isTrue();
    }

    /**
     * A fragment whose Fragment header names a Mobility Header (Next Header 135) once killed the agent's thread:
     * the flyweight took it for a Mobility Header, the decoder returned the fragment's payload raw, and the agent
     * cast it. Both kinds of fragment (M=1 at offset 0; a later one) are now counted and dropped, and the agent
     * goes on registering.
     */
    @Test
    void aFragmentNamingAMobilityHeaderIsDroppedAndTheAgentGoesOn() {
        for (int offsetAndM : new int[] {0x0001, 0x0008, 0x0009}) { // M=1 at 0; offset 1 (8 octets); both
            byte[] b = new byte[56];
            b[0] = 0x60;
            b[5] = 16; // Payload Length: the 8-octet Fragment header and 8 octets of fragment
            b[6] = 44; // Next Header: Fragment
            b[7] = 64;
            EVIL.writeTo(b, 8);
            HAA.writeTo(b, 24);
            b[40] = (byte) 135; // the fragment's Next Header: Mobility
            b[42] = (byte) (offsetAndM >>> 8);
            b[43] = (byte) offsetAndM; // Fragment Offset (13 bits, units of 8) | Res | M
            b[44] = 0x12; // Identification
            b[48] = 59; // the fragment's first octets look like an MH: Payload Proto 59, Header Len 0, Type 5 (BU)
            b[50] = 5;
            long before = haa.counters().malformed() + haa.counters().dropped();
            deliver(b);
            assertThat(haa.counters().malformed() + haa.counters().dropped()).isEqualTo(before + 1);
        }
        assertThat(sent).as("nothing answered").isEmpty();
        deliver(good(10));
        assertThat(lastStatus()).isZero();
        assertThat(haa.bindings(AA)).hasSize(1);
    }

    @Test
    void wrongKeyGetsStatus146AndNoBinding() {
        deliver(bu(PUA1, AA, 10, 75, 1, 1001, World.key(7), ntp(now), true));
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_AUTH_FAIL.code());
        assertThat(haa.bindingCount()).isZero();
    }

    @Test
    void unknownSpiOrNoAuthenticationIsDroppedSilently() {
        deliver(bu(EVIL, AA, 10, 75, 1, 4242, World.key(1), ntp(now), true));
        deliver(bu(EVIL, AA, 10, 75, 1, 1001, World.key(1), ntp(now), false));
        assertThat(sent).isEmpty();
        assertThat(haa.bindingCount()).isZero();
        assertThat(haa.counters().rejected()).isEqualTo(2);
    }

    @Test
    void aTamperedBuFailsAuthentication() {
        byte[] b = good(10);
        // change the care-of address inside the Alternate CoA option after signing (and fix the checksum)
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        MobilityMessage.BindingUpdate m = (MobilityMessage.BindingUpdate) ((MobilityHeader) p.upper()).message();
        List<MobilityOption> opts = new ArrayList<>(m.options());
        opts.replaceAll(o -> o instanceof MobilityOption.AlternateCareOfAddress ? new MobilityOption
                .AlternateCareOfAddress(EVIL) : o);
        byte[] forged = PacketEncoder.encode(Ipv6Packet.build(p.header(), p.extensions(), new MobilityHeader(
                new MobilityMessage.BindingUpdate(m.sequence(), m.flags(), m.lifetime(), opts))));
        deliver(forged);
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_AUTH_FAIL.code());
        assertThat(haa.bindingCount()).isZero();
    }

    @Test
    void aReplayedBuIsRefusedEvenAfterTheBindingIsGone() {
        byte[] b = good(10);
        deliver(b);
        assertThat(lastStatus()).isZero();
        AnycastBinding before = haa.bindings(AA).get(0);
        deliver(b);
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_ID_MISMATCH.code());
        assertThat(haa.bindings(AA)).containsExactly(before);
        // deregister, wait past MAX_DELETE_BCE_TIMEOUT, replay the registration: still refused
        deliver(bu(PUA1, AA, 11, 0, 1, 1001, World.key(1), ntp(now), true));
        assertThat(haa.bindingCount()).isZero();
        now += 60 * World.S;
        haa.doWork(now);
        deliver(b);
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_ID_MISMATCH.code());
        assertThat(haa.bindingCount()).isZero();
    }

    @Test
    void staleOrFutureTimestampsAreRefused() {
        deliver(bu(PUA1, AA, 10, 75, 1, 1001, World.key(1), ntp(now - 30 * World.S), true));
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_ID_MISMATCH.code());
        deliver(bu(PUA1, AA, 10, 75, 1, 1001, World.key(1), ntp(now + 30 * World.S), true));
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_ID_MISMATCH.code());
        deliver(bu(PUA1, AA, 10, 75, 1, 1001, World.key(1), 0, true));
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_MESG_ID_REQD.code());
        assertThat(haa.bindingCount()).isZero();
    }

    @Test
    void unauthorisedAnycastAndForeignPrefixesAreRefused() {
        Ipv6Address otherAnycast = Ipv6Address.parse("2001:db8:b::53");
        deliver(bu(PUA1, otherAnycast, 10, 75, 1, 1001, World.key(1), ntp(now), true));
        assertThat(lastStatus()).as("not served here").isEqualTo(BaStatus.NOT_HOME_SUBNET.code());
        deliver(bu(PUA1, AA, 10, 75, 1, 3000, World.key(9), ntp(now), true));
        assertThat(lastStatus()).as("authenticated but not authorised for AA")
                .isEqualTo(BaStatus.ADMINISTRATIVELY_PROHIBITED.code());
        assertThat(haa.bindingCount()).isZero();
    }

    @Test
    void sequenceNumbersOutOfWindowGet135WithTheLastAccepted() throws Exception {
        deliver(good(10));
        deliver(good(9));
        assertThat(lastStatus()).isEqualTo(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code());
        Ipv6Packet ba = PacketDecoder.decode(sent.get(sent.size() - 1));
        assertThat(((MobilityMessage.BindingAcknowledgement) ((MobilityHeader) ba.upper()).message()).sequence())
                .isEqualTo(10);
        deliver(good(10 + 32768));
        assertThat(lastStatus()).as("L + 32768 is old").isEqualTo(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code());
        deliver(good(11));
        assertThat(lastStatus()).isZero();
    }

    @Test
    void anotherResponderCannotTakeOverABindingId() {
        deliver(good(10));
        deliver(bu(World.pua(2), AA, 5, 75, 1, 1002, World.key(2), ntp(now), true));
        assertThat(lastStatus()).isEqualTo(BaStatus.ADMINISTRATIVELY_PROHIBITED.code());
        assertThat(haa.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(PUA1);
        assertThat(haa.bindings(AA)).extracting(AnycastBinding::responder).containsExactly("ar1@example.net");
    }

    @Test
    void lifetimeIsClampedToTheAgentsMaximum() throws Exception {
        HomeAnycastAgent small = HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX)
                .responder(World.cred(1)).maxLifetimeSeconds(60)
                .io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(now);
        byte[] b = bu(PUA1, AA, 10, 65535, 1, 1001, World.key(1), ntp(now), true);
        small.receive(b, 0, b.length, now);
        Ipv6Packet ba = PacketDecoder.decode(sent.get(sent.size() - 1));
        MobilityMessage.BindingAcknowledgement m =
                (MobilityMessage.BindingAcknowledgement) ((MobilityHeader) ba.upper()).message();
        assertThat(m.status()).isZero();
        assertThat(m.lifetime()).isEqualTo(15);
        assertThat(m.option(MobilityOption.BindingRefreshAdvice.class)).map(r -> r.refreshInterval()).contains(12);
    }

    @Test
    void aBindingCacheFloodStopsAtTheBoundWith130() {
        // one authorised responder registering 200 binding ids against a bound of 100
        for (int bid = 1; bid <= 200; bid++) {
            deliver(bu(PUA1, AA, bid, 75, bid, 1001, World.key(1), ntp(now), true));
        }
        assertThat(haa.bindingCount()).isEqualTo(100);
        assertThat(lastStatus()).isEqualTo(BaStatus.INSUFFICIENT_RESOURCES.code());
    }

    @Test
    void oneResponderCannotFillTheCacheThatAllShare() {
        haa = HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX).model(Model.ADVANCED)
                .responder(World.cred(1)).responder(World.cred(2)).maxBindings(100).maxBindingsPerResponder(10)
                .io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(now);
        for (int bid = 1; bid <= 50; bid++) {
            deliver(bu(PUA1, AA, bid, 75, bid, 1001, World.key(1), ntp(now), true));
        }
        assertThat(haa.bindingCount()).isEqualTo(10);
        assertThat(lastStatus()).isEqualTo(BaStatus.INSUFFICIENT_RESOURCES.code());
        // refreshes of what it holds still go through, and the others still register
        deliver(bu(PUA1, AA, 60, 75, 3, 1001, World.key(1), ntp(now), true));
        assertThat(lastStatus()).isZero();
        deliver(bu(World.pua(2), AA, 1, 75, 200, 1002, World.key(2), ntp(now), true));
        assertThat(lastStatus()).isZero();
        assertThat(haa.bindingCount()).isEqualTo(11);
        // a deregistration gives the quota back
        deliver(bu(PUA1, AA, 61, 0, 3, 1001, World.key(1), ntp(now), true));
        deliver(bu(PUA1, AA, 62, 75, 40, 1001, World.key(1), ntp(now), true));
        assertThat(lastStatus()).isZero();
    }

    @Test
    void oneResponderCannotTakeAllOfAnAnycastAddresssRoom() {
        haa = HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX).model(Model.ADVANCED)
                .responder(World.cred(1)).responder(World.cred(2)).maxBindingsPerAnycast(8)
                .io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(now);
        for (int bid = 1; bid <= 8; bid++) {
            deliver(bu(PUA1, AA, bid, 75, bid, 1001, World.key(1), ntp(now), true));
        }
        assertThat(haa.bindings(AA)).as("half of the 8 by default").hasSize(4);
        assertThat(lastStatus()).isEqualTo(BaStatus.INSUFFICIENT_RESOURCES.code());
        // its refreshes go through, another identity still registers, another anycast address has its own room
        deliver(bu(PUA1, AA, 20, 75, 2, 1001, World.key(1), ntp(now), true));
        assertThat(lastStatus()).isZero();
        deliver(bu(World.pua(2), AA, 1, 75, 100, 1002, World.key(2), ntp(now), true));
        assertThat(lastStatus()).isZero();
        Ipv6Address other = Ipv6Address.parse("2001:db8:a::54");
        deliver(bu(PUA1, other, 30, 75, 1, 1001, World.key(1), ntp(now), true));
        assertThat(lastStatus()).isZero();
        // configurable
        assertThat(HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX).maxBindingsPerAnycast(8)
                .maxBindingsPerResponderPerAnycast(8).config().maxBindingsPerResponderPerAnycast()).isEqualTo(8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HomeAnycastAgent.builder().address(HAA)
                .serve(World.ANYCAST_PREFIX).maxBindingsPerAnycast(8).maxBindingsPerResponderPerAnycast(9).config())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCareOfAddressThatLeadsBackToTheAgentIsRefused() {
        // from the responder's own address, naming as care-of the agent's address, then another anycast address
        for (Ipv6Address loop : List.of(HAA, Ipv6Address.parse("2001:db8:a::54"))) {
            MobilityMessage.BindingUpdate m = MobilityMessage.BindingUpdate.of(10, 0xc000, 75,
                    new MobilityOption.AlternateCareOfAddress(loop), MobilityOption.BindingIdentifier.of(1, 0, loop),
                    new MobilityOption.ReplayProtection(ntp(now)),
                    new MobilityOption.Authentication(1, 1001, Bytes.zeros(12)));
            deliver(PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, PUA1, HAA),
                    List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)),
                    new MobilityHeader(World.signed(World.key(1).toArray(), loop, AA, m)))));
            assertThat(lastStatus()).as("care-of %s", loop).isEqualTo(BaStatus.INVALID_CARE_OF_ADDRESS.code());
        }
        assertThat(haa.bindingCount()).isZero();
        // a BU "from" the agent's own address is not answered at all
        sent.clear();
        deliver(bu(HAA, AA, 11, 75, 1, 1001, World.key(1), ntp(now), true));
        assertThat(sent).isEmpty();
    }

    @Test
    void theReverseTunnelIsNoOpenRelay() {
        deliver(good(10));
        sent.clear();
        long before = haa.counters().reverseForwarded();
        // outer source: the registered care-of address (forged or not); inner source: the anycast address
        for (Ipv6Address dst : List.of(Ipv6Address.parse("ff02::1"), Ipv6Address.parse("fe80::1"), HAA,
                Ipv6Address.parse("2001:db8:a::77"), Ipv6Address.parse("::1"))) {
            deliver(reverse(dst));
        }
        assertThat(sent).as("nothing relayed").isEmpty();
        assertThat(haa.counters().reverseForwarded()).isEqualTo(before);
        deliver(reverse(Ipv6Address.parse("2001:db8:c::10")));
        assertThat(sent).hasSize(1);
        assertThat(haa.counters().reverseForwarded()).isEqualTo(before + 1);
    }

    /** A reverse-tunnelled answer PUA1 -> HAA whose inner packet goes from the anycast address to {@code dst}. */
    static byte[] reverse(Ipv6Address dst) {
        Ipv6Packet inner = Ipv6Packet.build(Ipv6Header.of(64, AA, dst), List.of(),
                new io.mga.wire.Udp(53, 40000, Bytes.of(new byte[] {'a'})));
        return PacketEncoder.encode(new Ipv6Packet(Ipv6Header.of(64, PUA1, HAA), List.of(),
                new io.mga.wire.Tunnel(inner)));
    }

    /** A mass expiry runs 4096 timers per doWork, and the agent says the rest is due at once. */
    @Test
    void aMassExpiryIsSpreadOverDutyCyclesAndNothingIsLeftBehind() {
        haa = HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX).model(Model.ADVANCED)
                .responder(World.cred(1)).maxBindings(6000).maxBindingsPerAnycast(4096).maxBindingsPerResponder(6000)
                .maxBindingsPerResponderPerAnycast(4096)
                .bindingRefreshRequests(false)
                .replayProtection(false, World.S).io((b, o, l) -> { }).build(now);
        for (Ipv6Address anycast : List.of(AA, Ipv6Address.parse("2001:db8:a::54"))) {
            for (int bid = 1; bid <= 2500; bid++) {
                byte[] b = bu(PUA1, anycast, bid, 3, bid, 1001, World.key(1), 0, true); // 12 s, expiring together
                haa.receive(b, 0, b.length, now);
            }
        }
        assertThat(haa.bindingCount()).isEqualTo(5000);
        long t = now + 13 * World.S;
        assertThat(haa.nextDeadline()).isLessThanOrEqualTo(t);
        assertThat(haa.doWork(t)).isEqualTo(4096);
        assertThat(haa.nextDeadline()).as("the rest is due now").isLessThanOrEqualTo(t);
        assertThat(haa.doWork(t)).isEqualTo(904);
        assertThat(haa.bindingCount()).isZero();
        assertThat(haa.nextDeadline()).isGreaterThan(t);
    }

    @Test
    void unauthenticatedFloodsLeaveNoState() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            Ipv6Address src = new Ipv6Address(0x20010db800000000L | r.nextInt(), r.nextLong());
            deliver(bu(src, AA, r.nextInt(65536), 75, 1 + r.nextInt(65535), 1_000_000 + r.nextInt(1_000_000), // never a configured SPI
                    World.key(1), ntp(now), true));
        }
        assertThat(haa.bindingCount()).isZero();
        assertThat(sent).isEmpty();
        // garbage of every size is counted, not thrown
        for (int i = 0; i < 2_000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            deliver(junk);
        }
        assertThat(haa.counters().malformed() + haa.counters().dropped() + haa.counters().noBinding())
                .isGreaterThan(1_000);
    }

    @Test
    void anUnrefreshedBindingGetsABindingRefreshRequestAt90Percent() throws Exception {
        deliver(good(10)); // lifetime 75 units = 300 s
        sent.clear();
        now += 269 * World.S;
        haa.doWork(now);
        assertThat(sent).isEmpty();
        now += 2 * World.S;
        haa.doWork(now);
        assertThat(sent).hasSize(1);
        Ipv6Packet brr = PacketDecoder.decode(sent.get(0));
        assertThat(brr.header().destination()).isEqualTo(PUA1);
        assertThat(brr.type2Routing()).map(r -> r.homeAddress()).contains(AA);
        assertThat(((MobilityHeader) brr.upper()).message()).isInstanceOf(MobilityMessage.BindingRefreshRequest.class);
    }

    @Test
    void aPacketTooLargeToTunnelIsAnsweredWithPacketTooBigNotThrown() {
        deliver(good(10));
        assertThat(lastStatus()).isZero();
        // Payload Length 65535 (No Next Header): tunnelled, the outer Payload Length would need 65575
        byte[] big = new byte[40 + 65535];
        big[0] = 0x60;
        big[4] = (byte) 0xff;
        big[5] = (byte) 0xff;
        big[6] = 59;
        big[7] = 64;
        System.arraycopy(Ipv6Address.parse("2001:db8:c::10").toBytes(), 0, big, 8, 16);
        System.arraycopy(AA.toBytes(), 0, big, 24, 16);
        long tooBig = haa.counters().tooBig();
        long forwarded = haa.counters().forwarded();
        sent.clear();
        deliver(big);
        assertThat(haa.counters().tooBig()).isEqualTo(tooBig + 1);
        assertThat(haa.counters().forwarded()).isEqualTo(forwarded);
        assertThat(sent).as("one Packet Too Big (RFC 2473 §7.1)").hasSize(1);
        assertThat(sent.get(0)[40]).isEqualTo((byte) 2);
    }

    @Test
    void weightAndLoadTravelInTheVendorSpecificOption() {
        List<MobilityOption> extra = List.of(new MobilityOption.VendorSpecific(WeightLoad.VENDOR_ID,
                WeightLoad.SUBTYPE, Bytes.fromHex("0007002a")));
        List<MobilityOption> opts = new ArrayList<>();
        opts.add(MobilityOption.BindingIdentifier.of(1, 0, PUA1));
        opts.addAll(extra);
        opts.add(new MobilityOption.ReplayProtection(ntp(now)));
        opts.add(new MobilityOption.Authentication(1, 1001, Bytes.zeros(12)));
        MobilityMessage signed = World.signed(World.key(1).toArray(), PUA1, AA,
                MobilityMessage.BindingUpdate.of(3, 0xc000, 75, opts.toArray(MobilityOption[]::new)));
        byte[] b = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, PUA1, HAA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)), new MobilityHeader(signed)));
        deliver(b);
        assertThat(lastStatus()).isZero();
        assertThat(haa.bindings(AA).get(0).weight()).isEqualTo(7);
        assertThat(haa.bindings(AA).get(0).load()).isEqualTo(42);
    }
}
