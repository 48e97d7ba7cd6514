package io.mga.engine;

import static io.mga.engine.AgentsTopologyTest.A1;
import static io.mga.engine.AgentsTopologyTest.A2;
import static io.mga.engine.AgentsTopologyTest.ANY;
import static io.mga.engine.AgentsTopologyTest.ask;
import static io.mga.engine.AgentsTopologyTest.join;
import static io.mga.engine.World.ANYCAST_PREFIX;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.sim.PlainHost;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two Home Anycast Agents on one anycast home link (MGA paper Fig. 10) sharing one binding store (issue 14), on
 * mga's simulated network: a responder registered with agent A only (B named as a shared agent, whose tunnels
 * it takes) is served through agent B, also after A
 * crashed, and A, back, serves from the store without the responder registering again. With a store that
 * answers at once and with one whose answers and events come 2 ms later (the agents' pending path, woken as a
 * live runner would be).
 */
class SharedStoreTopologyTest {
    static HomeAnycastAgent agent(SimNode n, Ipv6Address address, SharedStore.View view, long now) {
        HomeAnycastAgent a = HomeAnycastAgent.builder().address(address).serve(ANYCAST_PREFIX).model(Model.ADVANCED)
                .responder(World.cred(1)).responder(World.cred(2)).store(view).io(n.io()).build(now);
        a.storeWakeup(n::poke);
        n.own(address).own(ANYCAST_PREFIX).attach(a);
        return a;
    }

    /**
     * The world both tests share: a core router, the home router with the two agents' links (each agent's /128 and
     * the anycast prefix on both), a responder's host ar1 and an initiator's host, each on its own link to the core.
     */
    static final class Site {
        final SimNetwork net;
        final SharedStore store;
        final SimNode h1;
        final SimNode h2;
        final SimNode n1;
        final PlainHost initiator;

        Site(long seed) {
            net = new SimNetwork(seed);
            store = new SharedStore(() -> EpochClock.SIMULATED_EPOCH_NANOS + net.now());
            SimNode core = net.node("core", true);
            SimNode edge = net.node("home-router", true);
            SimLink lEdge = join(net, core, edge);
            core.route(Ipv6Prefix.parse("2001:db8:a::/48"), lEdge);
            edge.route(ANY, lEdge);
            h1 = net.node("haa1", false);
            h2 = net.node("haa2", false);
            SimLink l1 = join(net, edge, h1);
            SimLink l2 = join(net, edge, h2);
            edge.route(new Ipv6Prefix(A1, 128), l1).route(new Ipv6Prefix(A2, 128), l2);
            edge.route(ANYCAST_PREFIX, l1).route(ANYCAST_PREFIX, l2);
            h1.route(ANY, l1);
            h2.route(ANY, l2);
            n1 = net.node("ar1", false);
            SimLink lr = join(net, core, n1);
            core.route(Ipv6Prefix.parse("2001:db8:1::/48"), lr);
            n1.route(ANY, lr);
            SimNode ai = net.node("ai", false);
            SimLink la = join(net, core, ai);
            Ipv6Address aiAddr = Ipv6Address.parse("2001:db8:e::10");
            core.route(Ipv6Prefix.parse("2001:db8:e::/48"), la);
            ai.route(ANY, la);
            initiator = new PlainHost(aiAddr, ai.io());
            ai.own(aiAddr).attach(initiator);
        }
    }

    /** The deferred store's answers, 2 ms after they were given, as long as the test runs. */
    static void pump(SimNetwork net, SharedStore store) {
        net.at(net.now() + 2 * MS, () -> {
            store.release();
            pump(net, store);
        });
    }

    @ParameterizedTest(name = "deferred store {0}")
    @ValueSource(booleans = {false, true})
    void aResponderRegisteredWithAIsServedThroughBAndByARestarted(boolean deferred) {
        Site site = new Site(14);
        SimNetwork net = site.net;
        SharedStore store = site.store;
        SimNode h1 = site.h1;
        SimNode h2 = site.h2;
        SharedStore.View v1 = store.view();
        SharedStore.View v2 = store.view();
        v1.deferred = deferred;
        v2.deferred = deferred;
        HomeAnycastAgent haa1 = agent(h1, A1, v1, net.now());
        HomeAnycastAgent haa2 = agent(h2, A2, v2, net.now());
        if (deferred) {
            pump(net, store);
        }
        SimNode n1 = site.n1;
        // the responder knows agent A only
        int[] bus = {0};
        AnycastResponder ar1 = AnycastResponder.builder().anycast(ANYCAST).careOf(World.pua(1))
                .credentials("ar1@example.net", 1001, World.key(1)).bindingId(1).lifetimeSeconds(60).seed(1)
                .io((p, o, l) -> {
                    if (isBindingUpdate(p, o, l)) {
                        bus[0]++;
                    }
                    n1.io().send(p, o, l);
                }).routeOptimisation(false, 0).agent(A1).sharedAgent(A2)
                .udpService(53, (from, port, p) -> Bytes.of("ar1".getBytes(StandardCharsets.UTF_8)))
                .build(net.now());
        n1.own(World.pua(1)).attach(ar1);
        ar1.start(net.now());
        n1.poke();
        PlainHost initiator = site.initiator;
        net.runFor(S);
        assertThat(ar1.state(A1)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(haa1.bindings(ANYCAST)).hasSize(1);
        assertThat(haa2.bindings(ANYCAST)).as("B heard it from the store").isEqualTo(haa1.bindings(ANYCAST));

        assertThat(ask(net, initiator)).isEqualTo("ar1");
        h1.crash();
        long forwardedBefore = haa2.counters().forwarded();
        for (int i = 0; i < 5; i++) {
            assertThat(ask(net, initiator)).as("query %d through B, A down", i).isEqualTo("ar1");
        }
        assertThat(haa2.counters().forwarded() - forwardedBefore).isEqualTo(5);
        // A restarts empty (a new process) and serves from the store: no responder registers again
        int busBefore = bus[0];
        SharedStore.View v3 = store.view();
        v3.deferred = deferred;
        h1.restart();
        HomeAnycastAgent again = agent(h1, A1, v3, net.now());
        net.runFor(10 * MS);
        assertThat(again.bindings(ANYCAST)).hasSize(1);
        h2.crash();
        for (int i = 0; i < 3; i++) {
            assertThat(ask(net, initiator)).as("query %d through the restarted A", i).isEqualTo("ar1");
        }
        assertThat(again.counters().forwarded()).isEqualTo(3);
        assertThat(bus[0] - busBefore).as("BUs since A restarted").isZero();
        assertThat(again.counters().probes()).as("A did not commit it since its restart: it does not probe it")
                .isZero();
    }

    @Test
    void aResponderWhoseAgentStaysDownMovesItsRegistrationToAnotherAgentOfTheStore() {
        Site site = new Site(15);
        SimNetwork net = site.net;
        SharedStore store = site.store;
        SimNode h1 = site.h1;
        SimNode h2 = site.h2;
        HomeAnycastAgent haa1 = agent(h1, A1, store.view(), net.now());
        HomeAnycastAgent haa2 = agent(h2, A2, store.view(), net.now());
        SimNode n1 = site.n1;
        AnycastResponder ar1 = AnycastResponder.builder().anycast(ANYCAST).careOf(World.pua(1))
                .credentials("ar1@example.net", 1001, World.key(1)).bindingId(1).lifetimeSeconds(60).seed(1)
                .io(n1.io()).routeOptimisation(false, 0).agent(A1).sharedAgent(A2)
                .udpService(53, (from, port, p) -> Bytes.of("ar1".getBytes(StandardCharsets.UTF_8)))
                .build(net.now());
        n1.own(World.pua(1)).attach(ar1);
        ar1.start(net.now());
        n1.poke();
        PlainHost initiator = site.initiator;
        net.runFor(S);
        assertThat(ar1.state(A1)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(ar1.state(A2)).as("one registration at a time").isNotEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(haa2.bindings(ANYCAST)).hasSize(1);
        // A goes down for good; the binding's 60 s would run out at B too, unless the responder moves its
        // registration: its refresh at 48 s goes unanswered, and after three retransmissions (1 + 2 + 4 s) it
        // registers with B, which shares the store
        h1.crash();
        net.runFor(70 * S);
        assertThat(ar1.state(A2)).as("registered with B now").isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(ar1.state(A1)).as("A's registration left").isNotEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(haa2.bindings(ANYCAST)).as("past the first lifetime, the binding lives on at B").hasSize(1);
        for (int i = 0; i < 3; i++) {
            assertThat(ask(net, initiator)).as("query %d through B, 71 s after A went", i).isEqualTo("ar1");
        }
    }

    static boolean isBindingUpdate(byte[] p, int o, int l) {
        try {
            return io.mga.wire.PacketDecoder.decode(java.util.Arrays.copyOfRange(p, o, o + l)).upper()
                    instanceof io.mga.wire.MobilityHeader mh
                    && mh.message() instanceof io.mga.wire.MobilityMessage.BindingUpdate;
        } catch (io.mga.wire.MalformedPacketException | RuntimeException e) {
            return false;
        }
    }

    static final Ipv6Address ANYCAST = World.AA;
}
