package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.api.store.BindingKey;
import io.mga.api.store.StoredBinding;
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
import io.mga.wire.Udp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two agents sharing one binding store (issue 14), in virtual time, fed packets directly: what one agent commits
 * the other serves, a Binding Update one accepted is refused by the other, both choose the same responder for
 * every initiator, a store that cannot be reached refuses registrations with 130 while forwarding goes on, and
 * the table of writes waiting for the store is bounded. Each test runs with a store that answers at once and
 * with one that answers later ({@link SharedStore.View#deferred}), which takes the agent's pending path.
 */
class SharedStoreAgentsTest {
    static final Ipv6Address A = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address B = Ipv6Address.parse("2001:db8:a::2");
    static final Ipv6Address AA = World.AA;
    static final long WALL = EpochClock.SIMULATED_EPOCH_NANOS;

    long now = 1_000 * World.S;
    final SharedStore store = new SharedStore(() -> WALL + now);

    /** An agent and what it sent. */
    final class Agent {
        final List<byte[]> sent = new ArrayList<>();
        final SharedStore.View view = store.view();
        final HomeAnycastAgent haa;

        Agent(Ipv6Address address, boolean deferred, int pendingLimit, Long selectionKey) {
            view.deferred = deferred;
            AgentConfig.Builder b = HomeAnycastAgent.builder().address(address).serve(World.ANYCAST_PREFIX)
                    .model(Model.ADVANCED).store(view).storePendingLimit(pendingLimit)
                    .io((p, o, l) -> sent.add(java.util.Arrays.copyOfRange(p, o, o + l)));
            if (selectionKey != null) {
                b.selectionKey(selectionKey);
            }
            for (int i = 1; i <= 6; i++) {
                b.responder(World.cred(i));
            }
            haa = b.build(now);
        }

        void deliver(byte[] p) {
            haa.receive(p, 0, p.length, now);
            now += World.MS;
        }

        /** Lets the deferred store answer, and the agent take the answers on its thread. */
        void settle() {
            store.release();
            haa.doWork(now);
        }

        /** The statuses of the BAs sent since the last call, in order. */
        List<Integer> statuses() {
            List<Integer> l = new ArrayList<>();
            for (byte[] p : sent) {
                try {
                    Ipv6Packet d = PacketDecoder.decode(p);
                    if (d.upper() instanceof MobilityHeader mh
                            && mh.message() instanceof MobilityMessage.BindingAcknowledgement ba) {
                        l.add(ba.status());
                    }
                } catch (Exception e) {
                    // a tunnel packet: not a BA
                }
            }
            sent.clear();
            return l;
        }
    }

    long ntp(long at) {
        return Ntp.fromUnixNanos(WALL + at);
    }

    /** A BU from responder {@code i} (care-of {@code pua(i)}) to an agent. */
    byte[] bu(int i, Ipv6Address agent, int seq, int lifetime, int bid, long at) {
        Ipv6Address src = World.pua(i);
        List<MobilityOption> opts = new ArrayList<>();
        opts.add(new MobilityOption.AlternateCareOfAddress(src));
        opts.add(MobilityOption.BindingIdentifier.of(bid, 0, src));
        opts.add(new MobilityOption.ReplayProtection(ntp(at)));
        opts.add(new MobilityOption.Authentication(1, 1000 + i, Bytes.zeros(12)));
        MobilityMessage.BindingUpdate m = World.signed(World.key(i).toArray(), src, AA,
                MobilityMessage.BindingUpdate.of(seq, 0xc000, lifetime, opts.toArray(MobilityOption[]::new)));
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, agent),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)), new MobilityHeader(m)));
    }

    /** The same packet sent to another address (a captured BU replayed elsewhere); the MH checksum fixed. */
    static byte[] redirect(byte[] p, Ipv6Address to) throws Exception {
        Ipv6Packet d = PacketDecoder.decode(p);
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(d.header().hopLimit(), d.header().source(), to),
                d.extensions(), d.upper()));
    }

    static byte[] udp(Ipv6Address from) {
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, from, AA), List.of(),
                new Udp(40000, 53, Bytes.of((byte) 1))));
    }

    /** The outer destination of the last tunnel packet an agent sent: the care-of address it chose. */
    static Ipv6Address tunnelledTo(Agent a) throws Exception {
        byte[] p = a.sent.get(a.sent.size() - 1);
        return PacketDecoder.decode(p).header().destination();
    }

    @ParameterizedTest(name = "deferred store {0}")
    @ValueSource(booleans = {false, true})
    void aBindingCommittedByAIsServedByBAndOnlyAProbesIt(boolean deferred) throws Exception {
        Agent a = new Agent(A, deferred, 1024, null);
        Agent b = new Agent(B, deferred, 1024, null);
        a.deliver(bu(1, A, 10, 75, 1, now));
        if (deferred) {
            assertThat(a.statuses()).as("no BA before the store committed (RFC 6275 §10.3.1)").isEmpty();
            assertThat(a.haa.storeState().pendingWrites()).isEqualTo(1);
            assertThat(a.haa.bindingCount()).isZero();
        }
        a.settle();
        b.haa.doWork(now);
        assertThat(a.statuses()).containsExactly(0);
        assertThat(a.haa.storeState().pendingWrites()).isZero();
        assertThat(b.haa.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(World.pua(1));
        assertThat(b.haa.bindings(AA).get(0).expiresAtNanos()).isEqualTo(a.haa.bindings(AA).get(0).expiresAtNanos());
        assertThat(b.haa.storeState().lag()).isZero();
        // traffic through B reaches the responder A registered
        for (int k = 0; k < 5; k++) {
            b.deliver(udp(Ipv6Address.parse("2001:db8:e::" + (k + 1))));
        }
        assertThat(b.haa.counters().forwarded()).isEqualTo(5);
        assertThat(tunnelledTo(b)).isEqualTo(World.pua(1));
        // liveness: B does not probe a binding A committed (the responder answers only the agents it registered
        // with), so B never drops it as unreachable; A probes the bindings that carried traffic through A
        b.sent.clear();
        for (int k = 0; k < 4; k++) {
            now += 500 * World.MS;
            b.deliver(udp(Ipv6Address.parse("2001:db8:e::1")));
            b.haa.doWork(now);
        }
        assertThat(b.sent).hasSize(4).allSatisfy(p -> assertThat(PacketDecoder.decode(p).upper())
                .as("a tunnel packet, no Binding Refresh Request").isNotInstanceOf(MobilityHeader.class));
        assertThat(b.haa.bindingCount()).isEqualTo(1);
        assertThat(b.haa.counters().probes()).isZero();
        a.deliver(udp(Ipv6Address.parse("2001:db8:e::1")));
        now += 600 * World.MS;
        a.haa.doWork(now);
        assertThat(a.haa.counters().probes()).isEqualTo(1);
        // a deregistration through A removes it from B too
        a.deliver(bu(1, A, 11, 0, 1, now));
        a.settle();
        b.haa.doWork(now);
        assertThat(a.statuses()).containsExactly(0);
        assertThat(b.haa.bindingCount()).isZero();
    }

    @Test
    void aBuAcceptedByAReplayedToAnotherAgentIsRefused() throws Exception {
        Agent a = new Agent(A, false, 1024, null);
        Agent b = new Agent(B, false, 1024, null);
        Agent c = new Agent(Ipv6Address.parse("2001:db8:a::3"), true, 1024, null); // its copy lags
        byte[] captured = bu(1, A, 10, 75, 1, now);
        a.deliver(captured);
        assertThat(a.statuses()).containsExactly(0);
        AnycastBinding before = a.haa.bindings(AA).get(0);
        b.haa.doWork(now);
        // B's copy holds the binding with its sequence number (shared through the store): 135
        b.deliver(redirect(captured, B));
        assertThat(b.statuses()).containsExactly(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code());
        assertThat(b.haa.bindings(AA)).containsExactly(before);
        // C has heard nothing yet: its own replay guard and copy know nothing of this BU; the store's
        // compare-and-swap of the replay mark refuses it (RFC 4285 §6): 144
        c.deliver(redirect(captured, c.haa.address()));
        assertThat(c.statuses()).as("no BA before the store answered").isEmpty();
        c.settle();
        assertThat(c.statuses()).containsExactly(BaStatus.MIPV6_ID_MISMATCH.code());
        assertThat(c.haa.counters().storeConflicts()).isEqualTo(1);
        assertThat(c.haa.bindings(AA)).containsExactly(before);
        a.haa.doWork(now);
        assertThat(a.haa.bindings(AA)).containsExactly(before);
        // a later, genuine refresh through B is accepted and reaches A
        b.deliver(bu(1, B, 11, 75, 1, now));
        a.haa.doWork(now);
        assertThat(b.statuses()).containsExactly(0);
        assertThat(a.haa.bindings(AA).get(0).expiresAtNanos()).isGreaterThan(before.expiresAtNanos());
    }

    @Test
    void aWriteAgainstAStaleCopyGets135AndTheResponderResynchronises() throws Exception {
        Agent a = new Agent(A, false, 1024, null);
        Agent b = new Agent(B, true, 1024, null); // B's copy lags: its events wait
        a.deliver(bu(1, A, 10, 75, 1, now));
        assertThat(a.statuses()).containsExactly(0);
        assertThat(b.haa.bindingCount()).isZero();
        // B sees no binding and writes expecting none; the store has A's: the binding changed
        b.deliver(bu(1, B, 11, 75, 1, now));
        b.settle();
        assertThat(b.statuses()).containsExactly(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code());
        assertThat(b.haa.bindings(AA)).hasSize(1);
        b.deliver(bu(1, B, 12, 75, 1, now));
        b.settle();
        a.haa.doWork(now);
        assertThat(b.statuses()).containsExactly(0);
        assertThat(a.haa.bindings(AA).get(0)).isEqualTo(b.haa.bindings(AA).get(0));
    }

    @ParameterizedTest(name = "selection key {0}")
    @ValueSource(longs = {0, 0x5eed_cafe_f00d_1234L})
    void tenThousandInitiatorsReachTheSameResponderThroughEitherAgent(long key) throws Exception {
        // two stores holding the same four bindings, written in opposite orders (the agents heard them in
        // different orders); the default selection of a shared store (rendezvous, or the table with a shared key)
        Long selection = key == 0 ? null : key;
        Agent a = new Agent(A, false, 1024, selection);
        SharedStore other = new SharedStore(() -> WALL + now);
        SharedStore.View bView = other.view();
        List<byte[]> bSent = new ArrayList<>();
        AgentConfig.Builder bb = HomeAnycastAgent.builder().address(B).serve(World.ANYCAST_PREFIX)
                .model(Model.ADVANCED).store(bView).io((p, o, l) -> bSent.add(java.util.Arrays.copyOfRange(p, o,
                        o + l)));
        if (selection != null) {
            bb.selectionKey(selection);
        }
        for (int i = 1; i <= 6; i++) {
            bb.responder(World.cred(i));
        }
        HomeAnycastAgent b = bb.build(now);
        for (int i = 1; i <= 4; i++) {
            store.put(binding(i));
            other.put(binding(5 - i));
        }
        a.haa.doWork(now);
        b.doWork(now);
        assertThat(a.haa.bindings(AA)).hasSize(4).isEqualTo(b.bindings(AA));
        java.util.Map<Ipv6Address, Integer> share = new java.util.HashMap<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(14);
        for (int k = 0; k < 10_000; k++) {
            Ipv6Address from = new Ipv6Address(0x2001_0db8_0000_0000L | rnd.nextLong() >>> 40, rnd.nextLong());
            byte[] p = udp(from);
            a.haa.receive(p, 0, p.length, now);
            b.receive(p, 0, p.length, now);
            Ipv6Address viaA = tunnelledTo(a);
            Ipv6Address viaB = PacketDecoder.decode(bSent.get(bSent.size() - 1)).header().destination();
            assertThat(viaB).as("initiator %s (%d)", from, k).isEqualTo(viaA);
            share.merge(viaA, 1, Integer::sum);
            a.sent.clear();
            bSent.clear();
        }
        assertThat(a.haa.counters().forwarded()).isEqualTo(10_000);
        assertThat(b.counters().forwarded()).isEqualTo(10_000);
        assertThat(share).as("all four responders chosen").hasSize(4);
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(1_500, 3_500));
    }

    StoredBinding binding(int i) {
        return new StoredBinding(new BindingKey(AA, i), World.pua(i), "ar" + i + "@example.net", 1, 0, 10,
                300 * World.S, WALL + now + 300 * World.S);
    }

    @ParameterizedTest(name = "deferred store {0}")
    @ValueSource(booleans = {false, true})
    void aStoreCutOffRefusesRegistrationsWith130AndForwardingGoesOn(boolean deferred) throws Exception {
        Agent a = new Agent(A, deferred, 1024, null);
        a.deliver(bu(1, A, 10, 75, 1, now));
        a.settle();
        assertThat(a.statuses()).containsExactly(0);
        store.down(true);
        a.settle();
        assertThat(a.haa.storeState().connected()).isFalse();
        a.deliver(bu(2, A, 10, 75, 2, now)); // a new registration
        a.deliver(bu(1, A, 11, 75, 1, now)); // a refresh
        a.settle();
        // 130: the responder retries with backoff (never a status that it takes as a configuration error)
        assertThat(a.statuses()).containsExactly(BaStatus.INSUFFICIENT_RESOURCES.code(),
                BaStatus.INSUFFICIENT_RESOURCES.code());
        assertThat(a.haa.counters().storeUnavailable()).isEqualTo(2);
        assertThat(a.haa.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(World.pua(1));
        a.deliver(udp(Ipv6Address.parse("2001:db8:e::1")));
        assertThat(a.haa.counters().forwarded()).as("forwarding from the copy").isEqualTo(1);
        assertThat(tunnelledTo(a)).isEqualTo(World.pua(1));
        store.down(false);
        a.settle();
        assertThat(a.haa.storeState().connected()).isTrue();
        a.deliver(bu(2, A, 11, 75, 2, now));
        a.settle();
        assertThat(a.statuses()).containsExactly(0);
        assertThat(a.haa.bindings(AA)).hasSize(2);
    }

    @Test
    void theTableOfWritesWaitingForTheStoreIsBounded() throws Exception {
        Agent a = new Agent(A, true, 4, null);
        for (int i = 1; i <= 6; i++) {
            a.deliver(bu(i, A, 10, 75, i, now));
        }
        // four wait; the fifth and sixth are refused at once with 130 (the responder retries)
        assertThat(a.statuses()).containsExactly(BaStatus.INSUFFICIENT_RESOURCES.code(),
                BaStatus.INSUFFICIENT_RESOURCES.code());
        assertThat(a.haa.storeState().pendingWrites()).isEqualTo(4);
        assertThat(a.haa.storeState().busy()).isEqualTo(2);
        a.settle();
        assertThat(a.statuses()).containsExactly(0, 0, 0, 0);
        assertThat(a.haa.bindingCount()).isEqualTo(4);
        // a write the store never answers is refused after 2 s
        a.deliver(bu(5, A, 11, 75, 5, now));
        assertThat(a.haa.storeState().pendingWrites()).isEqualTo(1);
        now += 2_100 * World.MS;
        a.haa.doWork(now);
        assertThat(a.statuses()).containsExactly(BaStatus.INSUFFICIENT_RESOURCES.code());
        assertThat(a.haa.storeState().pendingWrites()).isZero();
        // its late answer (committed) still reaches the copy through the watch
        a.settle();
        assertThat(a.haa.bindingCount()).isEqualTo(5);
        assertThat(a.statuses()).isEmpty();
    }
}
