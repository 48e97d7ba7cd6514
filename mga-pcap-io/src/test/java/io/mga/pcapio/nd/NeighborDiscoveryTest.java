package io.mga.pcapio.nd;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.pcapio.link.MacAddress;
import io.mga.pcapio.nd.NeighborDiscovery.Neighbor;
import io.mga.pcapio.nd.NeighborDiscovery.State;
import io.mga.wire.Checksums;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message.NeighborAdvertisement;
import io.mga.wire.Icmpv6Message.NeighborSolicitation;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.NdOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Neighbor Discovery as pure logic: packets are byte arrays, time is a number, what it sends is collected. No
 * libpcap, no threads, no sleeping.
 */
class NeighborDiscoveryTest {
    static final long S = 1_000_000_000L;
    static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");
    static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress EVIL = MacAddress.parse("02:00:00:00:00:66");
    static final Ipv6Address ME = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address ROUTER = Ipv6Address.parse("2001:db8:a::fe");
    static final Ipv6Address PEER = Ipv6Address.parse("2001:db8:a::2");
    static final Ipv6Address FAR = Ipv6Address.parse("2001:db8:ffff::9");
    static final Ipv6Address ALL_NODES = Ipv6Address.parse("ff02::1");

    record Out(Ipv6Packet packet, byte[] bytes, MacAddress to) {
        boolean isSolicitation() {
            return packet.upper() instanceof Icmpv6 i && i.message() instanceof NeighborSolicitation;
        }

        boolean isAdvertisement() {
            return packet.upper() instanceof Icmpv6 i && i.message() instanceof NeighborAdvertisement;
        }

        NeighborAdvertisement na() {
            return (NeighborAdvertisement) ((Icmpv6) packet.upper()).message();
        }

        NeighborSolicitation ns() {
            return (NeighborSolicitation) ((Icmpv6) packet.upper()).message();
        }
    }

    final List<Out> sent = new ArrayList<>();
    long now = 1_000 * S;
    NeighborDiscovery nd;

    NeighborDiscovery.Output output() {
        return (p, o, l, to) -> {
            byte[] b = java.util.Arrays.copyOfRange(p, o, o + l);
            try {
                sent.add(new Out(PacketDecoder.decode(b), b, to));
            } catch (io.mga.wire.MalformedPacketException e) {
                throw new AssertionError(e);
            }
        };
    }

    NeighborDiscovery.Builder builder() {
        return NeighborDiscovery.builder(OURS).own(ME).ownAnycast(new Ipv6Prefix(AA, 128)).defaultRouter(ROUTER);
    }

    @BeforeEach
    void setUp() {
        nd = builder().build(output());
    }

    static byte[] ns(Ipv6Address src, Ipv6Address dst, Ipv6Address target, MacAddress slla) {
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(255, src, dst), List.of(), new Icmpv6(
                new NeighborSolicitation(0, 0, target, slla == null ? List.of()
                        : List.of(new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.SOURCE,
                                Bytes.of(slla.toBytes())))))));
    }

    static byte[] na(Ipv6Address src, Ipv6Address dst, Ipv6Address target, long flags, MacAddress tlla) {
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(255, src, dst), List.of(), new Icmpv6(
                new NeighborAdvertisement(0, flags, target, tlla == null ? List.of()
                        : List.of(new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.TARGET,
                                Bytes.of(tlla.toBytes())))))));
    }

    static final long SO = NeighborAdvertisement.FLAG_S | NeighborAdvertisement.FLAG_O;
    static final long O = NeighborAdvertisement.FLAG_O;

    static byte[] udp(Ipv6Address src, Ipv6Address dst, int n) {
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, dst), List.of(),
                new Udp(40000, 5353, Bytes.of((byte) n))));
    }

    static Ipv6Address solicitedNode(Ipv6Address a) {
        return NeighborDiscovery.solicitedNode(a);
    }

    boolean receive(byte[] p) {
        return nd.receive(p, 0, p.length, now);
    }

    void send(byte[] p) {
        nd.send(p, 0, p.length, now);
    }

    /** Resolves the router the honest way: a packet, our multicast NS, its solicited answer. */
    void resolveRouter() {
        send(udp(ME, FAR, 0));
        assertThat(sent).last().matches(Out::isSolicitation);
        sent.clear();
        receive(na(ROUTER, ME, ROUTER, SO | NeighborAdvertisement.FLAG_R, ROUTER_MAC));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC));
        sent.clear();
        assertThat(state(ROUTER)).isEqualTo(State.REACHABLE);
    }

    State state(Ipv6Address a) {
        return nd.neighbor(a).map(Neighbor::state).orElse(null);
    }

    MacAddress mac(Ipv6Address a) {
        return nd.neighbor(a).map(Neighbor::linkAddress).orElse(null);
    }

    /** Runs the timers as a runner would, up to {@code until}. */
    void runUntil(long until) {
        while (nd.nextDeadline() != Long.MAX_VALUE && nd.nextDeadline() - until <= 0) {
            now = Math.max(now, nd.nextDeadline());
            nd.doWork(now);
        }
        now = until;
        nd.doWork(now);
    }

    // ---------------------------------------------------------------- answering (RFC 4861 §7.2.3, §7.2.4)

    @Test
    void aSolicitationForOurAddressIsAnsweredSolicitedWithOverride() {
        assertThat(receive(ns(ROUTER, solicitedNode(ME), ME, ROUTER_MAC))).isTrue();
        assertThat(sent).hasSize(1);
        Out a = sent.get(0);
        assertThat(a.to()).as("to the asker's Source Link-Layer Address").isEqualTo(ROUTER_MAC);
        assertThat(a.packet().header().hopLimit()).isEqualTo(255);
        assertThat(a.packet().header().source()).isEqualTo(ME);
        assertThat(a.packet().header().destination()).isEqualTo(ROUTER);
        assertThat(a.na().target()).isEqualTo(ME);
        assertThat(a.na().flags()).isEqualTo(SO);
        assertThat(a.na().options()).containsExactly(new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.TARGET,
                Bytes.of(OURS.toBytes())));
        assertThat(Checksums.verify(a.packet())).isTrue();
        assertThat(nd.counters().advertisementsSent()).isEqualTo(1);
    }

    @Test
    void whenTheHostsKernelHoldsOurAddressItAloneAnswersForItButWeStillAnswerForTheAnycastOne() {
        nd = builder().hostAnswersForUnicast(true).build(output());
        assertThat(receive(ns(ROUTER, solicitedNode(ME), ME, ROUTER_MAC))).isTrue();
        receive(ns(Ipv6Address.UNSPECIFIED, solicitedNode(ME), ME, null));
        assertThat(sent).as("the kernel answers (and defends) the unicast address").isEmpty();
        assertThat(nd.counters().ownAddressClaims()).isZero();
        receive(ns(ROUTER, solicitedNode(AA), AA, ROUTER_MAC));
        assertThat(sent).hasSize(1);
    }

    @Test
    void anAnycastTargetIsAnsweredWithOverrideClear() {
        receive(ns(ROUTER, solicitedNode(AA), AA, ROUTER_MAC));
        assertThat(sent).hasSize(1);
        // RFC 4861 §7.2.7: an anycast answer must not override another member's entry
        assertThat(sent.get(0).na().flags()).isEqualTo(NeighborAdvertisement.FLAG_S);
        assertThat(sent.get(0).packet().header().source()).isEqualTo(AA);
    }

    @Test
    void aScapyBuiltSolicitationIsAnswered() {
        byte[] p = Bytes.fromHex(""
                + "60000000" // version 6, traffic class 0, flow label 0
                + "0020" // payload length 32
                + "3a" // next header 58 = ICMPv6
                + "ff" // hop limit 255
                + "20010db8000a000000000000000000fe" // source 2001:db8:a::fe
                + "ff0200000000000000000001ff000001" // destination ff02::1:ff00:1, solicited-node of ::1
                + "87" // ICMPv6 type 135 = Neighbor Solicitation
                + "00" // code 0
                + "1a1b" // checksum (computed by Scapy)
                + "00000000" // reserved
                + "20010db8000a00000000000000000001" // target 2001:db8:a::1
                + "01" // option type 1 = Source Link-Layer Address
                + "01" // length 1 (8 octets)
                + "0200000000fe").toArray(); // 02:00:00:00:00:fe
        assertThat(receive(p)).isTrue();
        assertThat(nd.counters().invalid()).isZero();
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC) && o.na().target().equals(ME));
    }

    @Test
    void duplicateAddressDetectionForOurAddressIsDefendedToAllNodesAndCountedAsAClaim() {
        receive(ns(Ipv6Address.UNSPECIFIED, solicitedNode(ME), ME, null));
        assertThat(sent).hasSize(1);
        Out a = sent.get(0);
        // RFC 4861 §7.2.4: to the all-nodes address, Solicited clear
        assertThat(a.packet().header().destination()).isEqualTo(ALL_NODES);
        assertThat(a.to()).isEqualTo(MacAddress.parse("33:33:00:00:00:01"));
        assertThat(a.na().flags()).isEqualTo(O);
        assertThat(nd.counters().ownAddressClaims()).isEqualTo(1);
    }

    @Test
    void solicitationsForOtherTargetsAreNotAnsweredAndTeachNothing() {
        assertThat(receive(ns(ROUTER, solicitedNode(PEER), PEER, ROUTER_MAC))).isTrue();
        assertThat(sent).isEmpty();
        assertThat(nd.neighbors()).isEmpty();
    }

    @Test
    void otherPacketsAreLeftAlone() {
        assertThat(receive(udp(ROUTER, ME, 1))).isFalse();
        assertThat(sent).isEmpty();
    }

    @Test
    void invalidMessagesAreDiscardedAndCounted() {
        // RFC 4861 §7.1.1: Hop Limit 255
        byte[] forwarded = ns(ROUTER, solicitedNode(ME), ME, ROUTER_MAC);
        forwarded[7] = 64;
        receive(forwarded);
        // a bad checksum
        byte[] corrupt = ns(ROUTER, solicitedNode(ME), ME, ROUTER_MAC);
        corrupt[42] ^= 1;
        receive(corrupt);
        // from the unspecified address with a Source Link-Layer Address option
        receive(ns(Ipv6Address.UNSPECIFIED, solicitedNode(ME), ME, EVIL));
        // §7.1.2: Solicited set on an advertisement to a multicast address
        receive(na(ROUTER, ALL_NODES, ROUTER, SO, ROUTER_MAC));
        // a multicast target
        receive(ns(ROUTER, solicitedNode(ME), ALL_NODES, ROUTER_MAC));
        assertThat(nd.counters().invalid()).isEqualTo(5);
        assertThat(sent).isEmpty();
        assertThat(nd.neighbors()).isEmpty();
    }

    // ---------------------------------------------------------------- resolution (§7.2.2) and NUD (§7.3.3)

    @Test
    void anOffLinkPacketWaitsForTheRoutersAnswerToOurMulticastSolicitation() {
        send(udp(ME, FAR, 1));
        assertThat(sent).hasSize(1);
        Out s = sent.get(0);
        assertThat(s.isSolicitation()).isTrue();
        assertThat(s.ns().target()).isEqualTo(ROUTER);
        assertThat(s.packet().header().destination()).isEqualTo(Ipv6Address.parse("ff02::1:ff00:fe"));
        assertThat(s.to()).isEqualTo(MacAddress.parse("33:33:ff:00:00:fe"));
        assertThat(s.packet().header().source()).isEqualTo(ME);
        assertThat(s.ns().options()).containsExactly(new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.SOURCE,
                Bytes.of(OURS.toBytes())));
        assertThat(state(ROUTER)).isEqualTo(State.INCOMPLETE);
        sent.clear();
        now += S / 10;
        receive(na(ROUTER, ME, ROUTER, SO, ROUTER_MAC));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).to()).isEqualTo(ROUTER_MAC);
        assertThat(sent.get(0).packet().header().destination()).isEqualTo(FAR);
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.REACHABLE, ROUTER_MAC, true));
        sent.clear();
        send(udp(ME, FAR, 2));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC));
        assertThat(nd.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void resolutionGivesUpAfterThreeSolicitationsOneSecondApart() {
        send(udp(ME, PEER, 1));
        send(udp(ME, PEER, 2));
        long t0 = now;
        assertThat(nd.nextDeadline()).isEqualTo(t0 + S);
        runUntil(t0 + S);
        runUntil(t0 + 2 * S);
        assertThat(sent).hasSize(3).allMatch(o -> o.isSolicitation() && o.ns().target().equals(PEER));
        runUntil(t0 + 3 * S - 1);
        assertThat(state(PEER)).isEqualTo(State.INCOMPLETE);
        runUntil(t0 + 3 * S);
        assertThat(state(PEER)).isNull();
        assertThat(nd.counters().unresolved()).isEqualTo(2);
        assertThat(nd.counters().solicitationsSent()).isEqualTo(3);
        assertThat(nd.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewPacketReplacesTheOldestWhenANeighboursQueueIsFull() {
        for (int i = 0; i < 10; i++) {
            send(udp(ME, PEER, i));
        }
        assertThat(nd.counters().queueOverflow()).isEqualTo(2);
        sent.clear();
        receive(na(PEER, ME, PEER, SO, PEER_MAC));
        // RFC 4861 §7.2.2: "the new arrival SHOULD replace the oldest entry"
        assertThat(sent).hasSize(8);
        assertThat(sent.get(0).bytes()[sent.get(0).bytes().length - 1]).isEqualTo((byte) 2);
        assertThat(sent.get(7).bytes()[sent.get(7).bytes().length - 1]).isEqualTo((byte) 9);
    }

    @Test
    void reachabilityIsCheckedAfterReachableTimeThenTheSilentNeighbourIsForgotten() {
        resolveRouter();
        long t0 = now;
        runUntil(t0 + NeighborDiscovery.REACHABLE_TIME_NANOS);
        send(udp(ME, FAR, 1));
        // §7.3.3: STALE, then the packet goes at once to the cached address and the entry waits in DELAY
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC) && !o.isSolicitation());
        assertThat(state(ROUTER)).isEqualTo(State.DELAY);
        sent.clear();
        long t1 = now;
        runUntil(t1 + NeighborDiscovery.DELAY_FIRST_PROBE_TIME_NANOS);
        assertThat(state(ROUTER)).isEqualTo(State.PROBE);
        // a unicast probe, to the cached address
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).isSolicitation()).isTrue();
        assertThat(sent.get(0).to()).isEqualTo(ROUTER_MAC);
        assertThat(sent.get(0).packet().header().destination()).isEqualTo(ROUTER);
        runUntil(now + 3 * S);
        assertThat(sent).hasSize(3);
        assertThat(state(ROUTER)).as("deleted after MAX_UNICAST_SOLICIT unanswered probes").isNull();
    }

    @Test
    void anAnsweredProbeMakesTheEntryReachableAgain() {
        resolveRouter();
        runUntil(now + NeighborDiscovery.REACHABLE_TIME_NANOS);
        send(udp(ME, FAR, 1));
        runUntil(now + NeighborDiscovery.DELAY_FIRST_PROBE_TIME_NANOS);
        assertThat(state(ROUTER)).isEqualTo(State.PROBE);
        now += S / 2;
        // an answer to a unicast probe may leave out the Target Link-Layer Address
        receive(na(ROUTER, ME, ROUTER, NeighborAdvertisement.FLAG_S, null));
        assertThat(state(ROUTER)).isEqualTo(State.REACHABLE);
        assertThat(nd.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void multicastGoesToTheMappedEthernetAddressWithoutResolution() {
        send(udp(ME, Ipv6Address.parse("ff02::1:2"), 1));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).to()).isEqualTo(MacAddress.parse("33:33:00:01:00:02"));
        assertThat(nd.neighbors()).isEmpty();
    }

    @Test
    void withoutADefaultRouterOffLinkPacketsAreDroppedAndCounted() {
        nd = NeighborDiscovery.builder(OURS).own(ME).build(output());
        send(udp(ME, FAR, 1));
        assertThat(sent).isEmpty();
        assertThat(nd.counters().noRoute()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- hardening (a): what is trusted

    @Test
    void oneSolicitationFromTheRoutersAddressWithAnAttackersAddressDoesNotRedirectTraffic() {
        // §7.2.3: the Source Link-Layer Address creates an entry, in STALE: unconfirmed here
        receive(ns(ROUTER, solicitedNode(ME), ME, EVIL));
        assertThat(sent).hasSize(1).allMatch(o -> o.isAdvertisement() && o.to().equals(EVIL));
        sent.clear();
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.STALE, EVIL, false));
        send(udp(ME, FAR, 1));
        assertThat(sent).as("nothing goes to the claimed address: a fresh multicast resolution first").hasSize(1)
                .allMatch(o -> o.isSolicitation() && o.to().equals(MacAddress.parse("33:33:ff:00:00:fe")));
        sent.clear();
        receive(na(ROUTER, ME, ROUTER, SO, ROUTER_MAC));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC));
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.REACHABLE, ROUTER_MAC, true));
    }

    @Test
    void aSolicitationClaimingAnotherAddressForAConfirmedNeighbourKeepsTheConfirmedOne() {
        resolveRouter();
        receive(ns(ROUTER, solicitedNode(ME), ME, EVIL));
        sent.clear();
        // §7.2.3: STALE (MUST), the confirmed address kept (the RFC's "should be replaced" is not followed)
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.STALE, ROUTER_MAC, true));
        assertThat(nd.counters().claimsIgnored()).isEqualTo(1);
        send(udp(ME, FAR, 1));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC));
        sent.clear();
        runUntil(now + NeighborDiscovery.DELAY_FIRST_PROBE_TIME_NANOS);
        assertThat(sent).as("the reachability check probes the confirmed address").hasSize(1)
                .allMatch(o -> o.isSolicitation() && o.to().equals(ROUTER_MAC));
    }

    @Test
    void anUnsolicitedAdvertisementWithOverrideClearChangesNoAddress() {
        resolveRouter();
        receive(na(ROUTER, ALL_NODES, ROUTER, 0, EVIL));
        // §7.2.5: Override clear and a different address: REACHABLE becomes STALE, nothing else changes
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.STALE, ROUTER_MAC, true));
        receive(na(ROUTER, ME, ROUTER, 0, EVIL));
        assertThat(mac(ROUTER)).isEqualTo(ROUTER_MAC);
        send(udp(ME, FAR, 1));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC));
        assertThat(nd.counters().claimsIgnored()).isEqualTo(2);
    }

    @Test
    void anUnsolicitedAdvertisementWithOverrideIsRecordedButCarriesNoTrafficUntilConfirmed() {
        resolveRouter();
        receive(na(ROUTER, ALL_NODES, ROUTER, O, EVIL));
        // §7.2.5: Override set: the address MUST be inserted, and Solicited clear: STALE; unconfirmed here
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.STALE, EVIL, false));
        send(udp(ME, FAR, 1));
        assertThat(sent).hasSize(1).allMatch(o -> o.isSolicitation() && o.to().isGroup());
        sent.clear();
        receive(na(ROUTER, ME, ROUTER, SO, ROUTER_MAC));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC));
    }

    @Test
    void anAdvertisementMarkedSolicitedConfirmsNothingUnlessWeSolicited() {
        receive(ns(ROUTER, solicitedNode(ME), ME, EVIL));
        sent.clear();
        // Solicited and Override set, but we sent no solicitation for the router
        receive(na(ROUTER, ME, ROUTER, SO, EVIL));
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.STALE, EVIL, false));
        // nor does an answer that comes after RetransTimer
        send(udp(ME, FAR, 1));
        sent.clear();
        now += S + 1;
        receive(na(ROUTER, ME, ROUTER, SO, EVIL));
        assertThat(state(ROUTER)).isEqualTo(State.INCOMPLETE);
        assertThat(sent).isEmpty();
    }

    @Test
    void anAdvertisementForANeighbourWeDoNotKnowCreatesNothing() {
        receive(na(PEER, ALL_NODES, PEER, O, EVIL));
        // §7.2.5: no entry, discarded
        assertThat(nd.neighbors()).isEmpty();
    }

    @Test
    void twoAnswersWithDifferentAddressesFollowTheRfcAndAreVisible() {
        send(udp(ME, FAR, 1));
        receive(na(ROUTER, ME, ROUTER, SO, ROUTER_MAC));
        now += S / 10;
        receive(na(ROUTER, ME, ROUTER, SO, EVIL));
        // §7.2.5: Override set: inserted; logged as a conflict (rate-limited)
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.REACHABLE, EVIL, true));
    }

    // ---------------------------------------------------------------- hardening (a): our own addresses

    @Test
    void nothingMayClaimOurOwnAddresses() {
        receive(na(PEER, ALL_NODES, ME, O, EVIL));
        receive(na(PEER, ME, ME, SO, EVIL));
        receive(ns(ME, solicitedNode(ME), ME, EVIL));
        receive(na(PEER, ALL_NODES, AA, O, EVIL)); // an anycast address with Override set
        assertThat(nd.neighbors()).isEmpty();
        assertThat(nd.counters().ownAddressClaims()).isEqualTo(4);
        // each claim is corrected, once, to all nodes: Solicited clear, Override set (also for the anycast address,
        // whose claim overrode), our link-layer address (RFC 4861 §7.2.6); no answer to the solicitation itself
        assertThat(sent).hasSize(4).allSatisfy(o -> {
            assertThat(o.isAdvertisement()).isTrue();
            assertThat(o.to()).isEqualTo(MacAddress.parse("33:33:00:00:00:01"));
            assertThat(o.packet().header().destination()).isEqualTo(ALL_NODES);
            assertThat(o.na().flags()).isEqualTo(O);
            assertThat(o.na().options()).contains(new NdOption.LinkLayerAddress(NdOption.LinkLayerAddress.TARGET,
                    Bytes.of(OURS.toBytes())));
        });
        assertThat(sent.stream().map(o -> o.na().target())).containsExactly(ME, ME, ME, AA);
        assertThat(nd.counters().ownAddressesDefended()).isEqualTo(4);
        sent.clear();
        // another member of the anycast group advertising with Override clear is normal
        receive(na(PEER, ALL_NODES, AA, 0, PEER_MAC));
        assertThat(nd.counters().ownAddressClaims()).isEqualTo(4);
        assertThat(sent).isEmpty();
        send(udp(ME, ME, 1));
        assertThat(sent).isEmpty();
        assertThat(nd.counters().noRoute()).isEqualTo(1);
    }

    @Test
    void claimsAreCorrectedWithinARateThatAFloodCannotTurnIntoAnAmplifier() {
        for (int i = 0; i < 1000; i++) {
            receive(na(PEER, ALL_NODES, ME, O, EVIL));
        }
        // at one instant: the burst, and never more than one answer per claim
        assertThat(sent).hasSize(NeighborDiscovery.DEFENCE_BURST);
        assertThat(nd.counters().ownAddressClaims()).isEqualTo(1000);
        sent.clear();
        // a second later, spread over it: the rate
        for (int i = 0; i < 1000; i++) {
            now += S / 1000;
            receive(na(PEER, ALL_NODES, ME, O, EVIL));
        }
        assertThat(sent.size()).isBetween(NeighborDiscovery.DEFENCES_PER_SECOND,
                NeighborDiscovery.DEFENCES_PER_SECOND + NeighborDiscovery.DEFENCE_BURST);
        assertThat(nd.counters().ownAddressesDefended()).isEqualTo(NeighborDiscovery.DEFENCE_BURST + sent.size());
    }

    @Test
    void claimsOnTheirWayToAnotherNodeAreCorrectedToo() {
        // a promiscuous capture on a link that floods them: an NA to the router claiming our address, an NS to the
        // router from our address with another link-layer address (the router would learn it, §7.2.3)
        receive(na(PEER, ROUTER, ME, O, EVIL));
        receive(ns(AA, solicitedNode(ROUTER), ROUTER, EVIL));
        assertThat(sent.stream().map(o -> o.na().target())).containsExactly(ME, AA);
        assertThat(nd.counters().ownAddressClaims()).isEqualTo(2);
        assertThat(nd.neighbors()).isEmpty();
    }

    @Test
    void anAdvertisementOfOurOwnLinkLayerAddressIsNoClaimToCorrect() {
        receive(na(PEER, ALL_NODES, ME, O, OURS)); // e.g. our own advertisement, looped back by the capture
        assertThat(sent).isEmpty();
        assertThat(nd.counters().ownAddressesDefended()).isZero();
    }

    @Test
    void warningsAreRateLimited() {
        RateLimitedLog log = new RateLimitedLog(org.slf4j.helpers.NOPLogger.NOP_LOGGER, 10 * S);
        assertThat(log.warn(now, "x {}", 1)).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(log.warn(now + i * 1_000_000L, "x {}", i)).isFalse();
        }
        assertThat(log.warn(now + 10 * S, "x {}", 2)).isTrue();
    }

    // ---------------------------------------------------------------- hardening (b): a pinned router

    @Test
    void aPinnedRouterIsNeverSolicitedNorChanged() {
        nd = builder().staticNeighbor(ROUTER, ROUTER_MAC).build(output());
        send(udp(ME, FAR, 1));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC) && !o.isSolicitation());
        sent.clear();
        receive(ns(ROUTER, solicitedNode(ME), ME, EVIL));
        receive(na(ROUTER, ALL_NODES, ROUTER, O, EVIL));
        receive(na(ROUTER, ME, ROUTER, SO, EVIL));
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.STATIC, ROUTER_MAC, true));
        assertThat(nd.counters().claimsIgnored()).isEqualTo(3);
        sent.clear();
        runUntil(now + 3600 * S);
        send(udp(ME, FAR, 2));
        assertThat(sent).hasSize(1).allMatch(o -> o.to().equals(ROUTER_MAC) && !o.isSolicitation());
        assertThat(nd.counters().solicitationsSent()).isZero();
    }

    // ---------------------------------------------------------------- hardening (c): bounded per state

    @Test
    void aFloodOfSolicitationsCannotPushOutLiveNeighbours() {
        resolveRouter();
        send(udp(ME, PEER, 0));
        receive(na(PEER, ME, PEER, SO, PEER_MAC));
        sent.clear();
        int n = 100_000;
        long t0 = now;
        int answers = 0;
        for (int i = 0; i < n; i++) {
            now = t0 + i * (20 * S / n); // 100k solicitations in 20 s
            Ipv6Address src = new Ipv6Address(ME.high(), 0x1_0000_0000L + i);
            receive(ns(src, solicitedNode(ME), ME, new MacAddress(0x0200_0000_0000L + i)));
            answers += sent.size();
            sent.clear();
        }
        assertThat(answers).as("each is answered").isEqualTo(n);
        assertThat(nd.unconfirmedCount()).isEqualTo(256);
        assertThat(nd.counters().evictedUnconfirmed()).isEqualTo(n - 256);
        assertThat(nd.counters().evictedConfirmed()).isZero();
        assertThat(nd.neighbor(ROUTER)).contains(new Neighbor(ROUTER, State.REACHABLE, ROUTER_MAC, true));
        assertThat(nd.neighbor(PEER)).contains(new Neighbor(PEER, State.REACHABLE, PEER_MAC, true));
        send(udp(ME, FAR, 1));
        send(udp(ME, PEER, 1));
        assertThat(sent).extracting(Out::to).containsExactly(ROUTER_MAC, PEER_MAC);
    }

    @Test
    void unconfirmedEntriesAreEvictedOldestFirst() {
        nd = builder().limits(4096, 2).build(output());
        Ipv6Address a = Ipv6Address.parse("2001:db8:a::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:a::b");
        Ipv6Address c = Ipv6Address.parse("2001:db8:a::c");
        receive(ns(a, solicitedNode(ME), ME, PEER_MAC));
        receive(ns(b, solicitedNode(ME), ME, PEER_MAC));
        send(udp(ME, a, 1)); // a is now resolving, with a packet waiting
        receive(ns(c, solicitedNode(ME), ME, PEER_MAC));
        assertThat(nd.neighbor(a)).as("the oldest unconfirmed goes first").isEmpty();
        assertThat(nd.neighbor(b)).isPresent();
        assertThat(nd.neighbor(c)).isPresent();
        assertThat(nd.counters().unresolved()).as("its waiting packet is counted").isEqualTo(1);
        assertThat(nd.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void confirmedEntriesAreBoundedTooLeastRecentlyConfirmedFirst() {
        nd = builder().limits(2, 256).build(output());
        Ipv6Address a = Ipv6Address.parse("2001:db8:a::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:a::b");
        for (Ipv6Address x : List.of(a, b, ROUTER)) {
            send(udp(ME, x, 1));
            receive(na(x, ME, x, SO, PEER_MAC));
        }
        assertThat(nd.confirmedCount()).isEqualTo(2);
        assertThat(nd.neighbor(a)).isEmpty();
        assertThat(nd.counters().evictedConfirmed()).isEqualTo(1);
    }

    @Test
    void staticEntriesForOwnAddressesAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().staticNeighbor(ME, EVIL).build(output()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
