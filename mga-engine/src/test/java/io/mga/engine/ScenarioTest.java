package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.HAA;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.sim.PlainHost;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.PacketDecoder;
import io.mga.wire.Tunnel;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The MGA paper's figures as scenarios on the simulated network, in virtual time. */
class ScenarioTest {

    @Test
    void fig6RelaysBothWaysThroughTheTunnels() throws Exception {
        World w = new World(1);
        w.agent(Model.BASIC, null, 1800, World.cred(1));
        AnycastResponder ar1 = w.responder(1, 0, 300);
        PlainHost ai = w.initiator("ai1", Ipv6Address.parse("2001:db8:c::10"));
        w.start(ar1);
        w.net.runFor(S);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(World.pua(1));
        w.tapped.clear();

        assertThat(w.ask(ai, "q1")).isEqualTo("ar1:q1");
        // on the wire: AI -> AA (plain), HAA -> PUA1 (IPv6-in-IPv6), PUA1 -> HAA (reverse tunnel), AA -> AI
        boolean forward = false;
        boolean reverse = false;
        for (byte[] b : w.tapped) {
            Ipv6Packet p = PacketDecoder.decode(b);
            if (p.upper() instanceof Tunnel t) {
                if (p.header().source().equals(HAA) && p.header().destination().equals(World.pua(1))) {
                    forward |= t.inner().header().destination().equals(AA);
                }
                if (p.header().source().equals(World.pua(1)) && p.header().destination().equals(HAA)) {
                    reverse |= t.inner().header().source().equals(AA);
                }
            }
        }
        assertThat(forward).as("HAA tunnels to the responder").isTrue();
        assertThat(reverse).as("responder reverse-tunnels with the anycast source").isTrue();
        assertThat(w.haa.counters().forwarded()).isEqualTo(1);
        assertThat(w.haa.counters().reverseForwarded()).isEqualTo(1);
        // ICMPv6 Echo to the anycast address is answered by the responder, with the anycast address as source
        ai.clear();
        ai.ping(AA, 7, 1);
        w.net.runFor(S);
        assertThat(ai.received()).anySatisfy(r -> assertThat(r.source()).isEqualTo(AA));
    }

    @Test
    void fig7aBasicModelOverwrites() {
        World w = new World(2);
        w.agent(Model.BASIC, null, 1800, World.cred(1), World.cred(2));
        AnycastResponder ar1 = w.responder(1, 0, 300);
        AnycastResponder ar2 = w.responder(2, 0, 300);
        PlainHost ai = w.initiator("ai1", Ipv6Address.parse("2001:db8:c::10"));
        w.start(ar1);
        w.net.runFor(S);
        assertThat(w.ask(ai, "a")).isEqualTo("ar1:a");
        w.start(ar2);
        w.net.runFor(S);
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(World.pua(2));
        assertThat(w.events).anyMatch(e -> e instanceof AgentEvent.Overwritten);
        assertThat(w.ask(ai, "b")).isEqualTo("ar2:b");
    }

    @Test
    void fig7bAdvancedModelAddsAndPinsSessions() {
        World w = new World(3);
        w.agent(Model.ADVANCED, Policies.roundRobin(), 1800, World.cred(1), World.cred(2), World.cred(3));
        AnycastResponder[] ars = {w.responder(1, 1, 300), w.responder(2, 2, 300), w.responder(3, 3, 300)};
        for (AnycastResponder r : ars) {
            w.start(r);
        }
        w.net.runFor(S);
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::bindingId).containsExactly(1, 2, 3);
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            PlainHost ai = w.initiator("ai" + i, Ipv6Address.parse("2001:db8:" + (0xc0 + i) + "::10"));
            String first = w.ask(ai, "x");
            servedBy.add(first.substring(0, 3));
            // session pinning (MGA paper §4.5): the same initiator stays on its responder
            for (int k = 0; k < 3; k++) {
                assertThat(w.ask(ai, "x")).isEqualTo(first);
            }
        }
        assertThat(servedBy).as("round-robin spreads initiators").containsExactlyInAnyOrder("ar1", "ar2", "ar3");
        assertThat(w.haa.pinCount()).isEqualTo(6);
    }

    @Test
    void softStateExpiresACrashedResponder() {
        World w = new World(4);
        w.core.icmpErrorsFrom(null); // soft state alone: no Destination Unreachable from the router
        w.livenessInterval = 0L; // and no liveness probes
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1), World.cred(2));
        AnycastResponder ar1 = w.responder(1, 1, 20);
        AnycastResponder ar2 = w.responder(2, 2, 20);
        w.start(ar1);
        w.start(ar2);
        PlainHost ai = w.initiator("ai1", Ipv6Address.parse("2001:db8:c::10"));
        w.net.runFor(S);
        assertThat(w.ask(ai, "q")).isEqualTo("ar1:q");
        // refreshes keep both alive well past the 20 s lifetime
        w.net.runFor(60 * S);
        assertThat(w.haa.bindings(AA)).hasSize(2);
        long crashAt = w.net.now();
        w.node(ar1).crash();
        String answer = null;
        long t = 0;
        while (t < 30 * S) {
            answer = w.ask(ai, "q");
            t = w.net.now() - crashAt;
            if ("ar2:q".equals(answer)) {
                break;
            }
        }
        assertThat(answer).isEqualTo("ar2:q");
        assertThat(w.events).anyMatch(e -> e instanceof AgentEvent.Expired x && x.binding().bindingId() == 1);
        assertThat(t).as("failover by soft state alone within the 20 s lifetime (+1 s probe)").isLessThanOrEqualTo(21 * S);
    }

    @Test
    void gracefulDeregistrationRemovesTheBindingAtOnce() {
        World w = new World(5);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1), World.cred(2));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        AnycastResponder ar2 = w.responder(2, 2, 300);
        w.start(ar1);
        w.start(ar2);
        PlainHost ai = w.initiator("ai1", Ipv6Address.parse("2001:db8:c::10"));
        w.net.runFor(S);
        assertThat(w.ask(ai, "q")).isEqualTo("ar1:q");
        w.stop(ar1);
        w.net.runFor(100 * MS);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.IDLE);
        assertThat(w.haa.bindings(AA)).extracting(AnycastBinding::bindingId).containsExactly(2);
        assertThat(w.events).anyMatch(e -> e instanceof AgentEvent.Deregistered);
        assertThat(w.ask(ai, "q")).isEqualTo("ar2:q");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {6, 61, 62, 63, 64, 65, 66, 67})
    void registersUnderThirtyPercentSignallingLoss(long seed) {
        World w = new World(seed);
        w.agent(Model.ADVANCED, Policies.roundRobin(), 1800, World.cred(1), World.cred(2), World.cred(3));
        AnycastResponder[] ars = {w.responder(1, 1, 60), w.responder(2, 2, 60), w.responder(3, 3, 60)};
        // every Binding Update and Acknowledgement crosses the agent's link: 30% of them are lost, each way
        w.topology.link("haa").loss(0.3);
        for (AnycastResponder r : ars) {
            w.start(r);
        }
        w.net.runFor(60 * S);
        for (int bid = 1; bid <= 3; bid++) {
            int b = bid;
            assertThat(w.events).as("bid %d registered within 60 s", b)
                    .anyMatch(e -> e instanceof AgentEvent.Registered r && r.binding().bindingId() == b);
        }
        // then over ten minutes (ten lifetimes) each binding is present at least 95% of the time
        int[] present = new int[4];
        int samples = 600;
        for (int i = 0; i < samples; i++) {
            w.net.runFor(S);
            for (io.mga.api.AnycastBinding b : w.haa.bindings(AA)) {
                present[b.bindingId()]++;
            }
        }
        for (int bid = 1; bid <= 3; bid++) {
            assertThat(present[bid]).as("seconds bid %d was registered, of %d", bid, samples)
                    .isGreaterThanOrEqualTo(samples * 95 / 100);
        }
        assertThat(w.topology.link("haa").dropped()).as("losses happened").isGreaterThan(20);
    }

    static Ipv6Packet decode(byte[] b) {
        try {
            return PacketDecoder.decode(b);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aResponderRefreshesAtOnceOnABindingRefreshRequest() {
        World w = new World(7);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1));
        AnycastResponder ar1 = w.responder(1, 1, 300);
        w.start(ar1);
        w.net.runFor(S);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.REGISTERED);
        w.tapped.clear();
        byte[] brr = io.mga.wire.PacketEncoder.encode(Ipv6Packet.build(io.mga.wire.Ipv6Header.of(64, HAA,
                World.pua(1)), java.util.List.of(io.mga.wire.ExtensionHeader.Type2Routing.of(AA)),
                new io.mga.wire.MobilityHeader(io.mga.wire.MobilityMessage.BindingRefreshRequest.of())));
        // four BRRs 100 ms apart are each answered (the agent's liveness probe every 500 ms, and a probe after a
        // tunnel error between two of them)
        for (int i = 1; i <= 4; i++) {
            ar1.receive(brr, 0, brr.length, w.net.now());
            w.node(ar1).poke();
            w.net.runFor(100 * MS);
            assertThat(w.events.stream().filter(e -> e instanceof AgentEvent.Refreshed).count()).isEqualTo(i);
        }
        // ten at once then draw one refresh more: the limit (four a second, four at once) refuses the rest
        for (int i = 0; i < 10; i++) {
            ar1.receive(brr, 0, brr.length, w.net.now());
        }
        w.net.runFor(100 * MS);
        assertThat(w.events.stream().filter(e -> e instanceof AgentEvent.Refreshed).count()).isEqualTo(5);
        // and in the long run four a second: ten BRRs a second for five seconds give about twenty more
        for (int i = 0; i < 50; i++) {
            ar1.receive(brr, 0, brr.length, w.net.now());
            w.net.runFor(100 * MS);
        }
        assertThat(w.events.stream().filter(e -> e instanceof AgentEvent.Refreshed).count()).isBetween(23L, 27L);
    }
}
