package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.ANYCAST_PREFIX;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.sim.PlainHost;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where agents sit: a Midway Anycast Agent on the path of some initiators (MGA paper §4.6, Fig. 9), and two Home
 * Anycast Agents on the anycast home link, one of which crashes (Fig. 10).
 *
 * <p>How agents learn bindings (the choice documented in the engine README): each responder registers with every
 * agent it is configured with (an agent list; DHAAD can supply it later), so every agent has its own authenticated
 * copy of the binding cache and no agent depends on another.
 */
class AgentsTopologyTest {
    static final Ipv6Prefix ANY = Ipv6Prefix.parse("::/0");

    static HomeAnycastAgent agent(SimNode n, Ipv6Address address, long now, Ipv6Address... peers) {
        AgentConfig.Builder b = HomeAnycastAgent.builder().address(address).serve(ANYCAST_PREFIX)
                .model(Model.ADVANCED).policy(Policies.rendezvous()).responder(World.cred(1)).responder(World.cred(2))
                .io(n.io());
        for (Ipv6Address p : peers) {
            b.peerAgent(p);
        }
        HomeAnycastAgent a = b.build(now);
        n.own(address).own(ANYCAST_PREFIX).attach(a);
        return a;
    }

    static AnycastResponder responder(SimNetwork net, SimNode n, int i, List<Ipv6Address> agents) {
        ResponderConfig.Builder b = AnycastResponder.builder().anycast(AA).careOf(World.pua(i))
                .credentials("ar" + i + "@example.net", 1000 + i, World.key(i)).bindingId(i).lifetimeSeconds(60)
                .seed(i).io(n.io()).routeOptimisation(false, 0)
                .udpService(53, (from, port, p) -> Bytes.of(("ar" + i).getBytes(StandardCharsets.UTF_8)));
        agents.forEach(b::agent);
        AnycastResponder r = b.build(net.now());
        n.own(World.pua(i)).attach(r);
        return r;
    }

    static SimLink join(SimNetwork net, SimNode a, SimNode b) {
        return net.link(a.name() + "-" + b.name(), a, b, 5 * MS);
    }

    static String ask(SimNetwork net, PlainHost ai) {
        int before = ai.udp().size();
        ai.sendUdp(AA, 40000, 53, Bytes.of((byte) 1));
        net.runFor(S);
        if (ai.udp().size() == before) {
            return null;
        }
        PlainHost.Received r = ai.udp().get(ai.udp().size() - 1);
        assertThat(r.source()).isEqualTo(AA);
        return new String(((io.mga.wire.Udp) r.packet().upper()).payload().toArray(), StandardCharsets.UTF_8);
    }

    @Test
    void fig9MidwayAgentServesTheInitiatorsBehindIt() {
        SimNetwork net = new SimNetwork(9);
        SimNode core = net.node("core", true);
        // network A: the anycast home link with the HAA
        SimNode haaNode = net.node("haa", false);
        SimLink lHaa = join(net, core, haaNode);
        core.route(Ipv6Prefix.parse("2001:db8:a::/48"), lHaa);
        haaNode.route(ANY, lHaa);
        Ipv6Address haaAddr = Ipv6Address.parse("2001:db8:a::1");
        HomeAnycastAgent haa = agent(haaNode, haaAddr, net.now());
        // network C: a router that keeps a route for the anycast prefix to its own MAA (inside network C only)
        SimNode rc = net.node("router-c", true);
        SimLink lc = join(net, core, rc);
        core.route(Ipv6Prefix.parse("2001:db8:c::/48"), lc);
        rc.route(ANY, lc);
        SimNode maaNode = net.node("maa-c", false);
        SimLink lMaa = join(net, rc, maaNode);
        Ipv6Address maaAddr = Ipv6Address.parse("2001:db8:c:ff::1");
        rc.route(Ipv6Prefix.parse("2001:db8:c:ff::/64"), lMaa).route(ANYCAST_PREFIX, lMaa);
        maaNode.route(ANY, lMaa);
        HomeAnycastAgent maa = agent(maaNode, maaAddr, net.now());
        SimNode aiF = net.node("ai-f", false);
        SimLink lF = join(net, rc, aiF);
        Ipv6Address aiFAddr = Ipv6Address.parse("2001:db8:c:1::10");
        rc.route(Ipv6Prefix.parse("2001:db8:c:1::/64"), lF);
        aiF.route(ANY, lF);
        PlainHost initiatorF = new PlainHost(aiFAddr, aiF.io());
        aiF.own(aiFAddr).attach(initiatorF);
        // network D: no MAA on the path, its initiator reaches the HAA
        SimNode aiD = net.node("ai-d", false);
        SimLink lD = join(net, core, aiD);
        Ipv6Address aiDAddr = Ipv6Address.parse("2001:db8:d::10");
        core.route(Ipv6Prefix.parse("2001:db8:d::/48"), lD);
        aiD.route(ANY, lD);
        PlainHost initiatorD = new PlainHost(aiDAddr, aiD.io());
        aiD.own(aiDAddr).attach(initiatorD);
        // two responders, each registering with both agents
        AnycastResponder[] rs = new AnycastResponder[2];
        for (int i = 1; i <= 2; i++) {
            SimNode n = net.node("ar" + i, false);
            SimLink l = join(net, core, n);
            core.route(Ipv6Prefix.parse("2001:db8:" + i + "::/48"), l);
            n.route(ANY, l);
            rs[i - 1] = responder(net, n, i, List.of(haaAddr, maaAddr));
            rs[i - 1].start(net.now());
            n.poke();
        }
        net.runFor(S);
        assertThat(haa.bindings(AA)).hasSize(2);
        assertThat(maa.bindings(AA)).hasSize(2);

        assertThat(ask(net, initiatorF)).startsWith("ar");
        assertThat(maa.counters().forwarded()).as("MAA served AI_F").isEqualTo(1);
        assertThat(haa.counters().forwarded()).isZero();
        assertThat(ask(net, initiatorD)).startsWith("ar");
        assertThat(haa.counters().forwarded()).as("HAA served AI_D").isEqualTo(1);
        assertThat(maa.counters().forwarded()).isEqualTo(1);
        // the reverse tunnel goes back through the agent that forwarded
        assertThat(maa.counters().reverseForwarded()).isEqualTo(1);
        assertThat(haa.counters().reverseForwarded()).isEqualTo(1);
    }

    /** Two agents on one anycast home link behind a home router (MGA paper Fig. 10), and a responder site. */
    record HomeLink(SimNetwork net, SimNode core, SimNode h1, SimNode h2, HomeAnycastAgent haa1,
            HomeAnycastAgent haa2, SimNode responderSite) {
    }

    static final Ipv6Address A1 = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address A2 = Ipv6Address.parse("2001:db8:a::2");

    static HomeLink twoAgents(long seed, boolean peers) {
        SimNetwork net = new SimNetwork(seed);
        SimNode core = net.node("core", true);
        SimNode edge = net.node("home-router", true);
        SimLink lEdge = join(net, core, edge);
        core.route(Ipv6Prefix.parse("2001:db8:a::/48"), lEdge);
        edge.route(ANY, lEdge);
        SimNode h1 = net.node("haa1", false);
        SimNode h2 = net.node("haa2", false);
        SimLink l1 = join(net, edge, h1);
        SimLink l2 = join(net, edge, h2);
        // the home link: each agent's own address, and the anycast prefix on both (subnet anycast)
        edge.route(new Ipv6Prefix(A1, 128), l1).route(new Ipv6Prefix(A2, 128), l2);
        edge.route(ANYCAST_PREFIX, l1).route(ANYCAST_PREFIX, l2);
        h1.route(ANY, l1);
        h2.route(ANY, l2);
        HomeAnycastAgent haa1 = peers ? agent(h1, A1, net.now(), A2) : agent(h1, A1, net.now());
        HomeAnycastAgent haa2 = peers ? agent(h2, A2, net.now(), A1) : agent(h2, A2, net.now());
        SimNode n1 = net.node("ar1", false);
        SimLink lr = join(net, core, n1);
        core.route(Ipv6Prefix.parse("2001:db8:1::/48"), lr);
        n1.route(ANY, lr);
        return new HomeLink(net, core, h1, h2, haa1, haa2, n1);
    }

    @Test
    void fig10TwoHomeAgentsOneCrashesNoServiceLost() {
        HomeLink hl = twoAgents(10, false);
        SimNetwork net = hl.net();
        SimNode core = hl.core();
        SimNode h1 = hl.h1();
        HomeAnycastAgent haa1 = hl.haa1();
        HomeAnycastAgent haa2 = hl.haa2();
        SimNode n1 = hl.responderSite();
        Ipv6Address a1 = A1;
        Ipv6Address a2 = A2;
        AnycastResponder ar1 = responder(net, n1, 1, List.of(a1, a2));
        ar1.start(net.now());
        n1.poke();
        SimNode ai = net.node("ai", false);
        SimLink la = join(net, core, ai);
        Ipv6Address aiAddr = Ipv6Address.parse("2001:db8:e::10");
        core.route(Ipv6Prefix.parse("2001:db8:e::/48"), la);
        ai.route(ANY, la);
        PlainHost initiator = new PlainHost(aiAddr, ai.io());
        ai.own(aiAddr).attach(initiator);
        net.runFor(S);
        assertThat(ar1.state(a1)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(ar1.state(a2)).isEqualTo(AnycastResponder.State.REGISTERED);

        assertThat(ask(net, initiator)).isEqualTo("ar1");
        assertThat(haa1.counters().forwarded()).isEqualTo(1);
        h1.crash();
        for (int i = 0; i < 5; i++) {
            assertThat(ask(net, initiator)).as("query %d after HAA1 crashed", i).isEqualTo("ar1");
        }
        assertThat(haa2.counters().forwarded()).isEqualTo(5);
        assertThat(haa2.counters().reverseForwarded()).isEqualTo(5);
        // the responder keeps refreshing with the survivor while retrying the crashed one
        net.runFor(300 * S);
        assertThat(haa2.bindings(AA)).hasSize(1);
        assertThat(ar1.state(a2)).isIn(AnycastResponder.State.REGISTERED, AnycastResponder.State.REGISTERING);
    }

    @Test
    void responderDiscoversBothHomeAgentsWithDhaad() {
        HomeLink hl = twoAgents(12, true);
        SimNetwork net = hl.net();
        HomeAnycastAgent haa1 = hl.haa1();
        HomeAnycastAgent haa2 = hl.haa2();
        SimNode n1 = hl.responderSite();
        Ipv6Address a1 = A1;
        Ipv6Address a2 = A2;
        AnycastResponder ar1 = AnycastResponder.builder().anycast(AA).careOf(World.pua(1))
                .credentials("ar1@example.net", 1001, World.key(1)).bindingId(1).discoverAgents(ANYCAST_PREFIX)
                .routeOptimisation(false, 0).io(n1.io()).build(net.now());
        n1.own(World.pua(1)).attach(ar1);
        ar1.start(net.now());
        n1.poke();
        net.runFor(S);
        assertThat(ar1.state(a1)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(ar1.state(a2)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(haa1.bindings(AA)).hasSize(1);
        assertThat(haa2.bindings(AA)).hasSize(1);
        assertThat(io.mga.wire.mga.HomeAgentsAnycast.of(ANYCAST_PREFIX))
                .isEqualTo(Ipv6Address.parse("2001:db8:a::fdff:ffff:ffff:fffe"));
    }
}
