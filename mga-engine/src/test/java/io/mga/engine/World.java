package io.mga.engine;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.api.SelectionPolicy;
import io.mga.sim.PlainHost;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import io.mga.sim.StandardTopology;
import io.mga.wire.MobilityMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's test world: mga-sim's {@link StandardTopology} (a core router, the anycast home link
 * 2001:db8:a::/64 with the agent at ::1 and the anycast address ::53, responder sites 2001:db8:N::/48 and initiator
 * sites, every site 10 ms from the core) with the roles of the tests on it, built with test credentials.
 */
final class World {
    static final long S = SimNetwork.SECOND;
    static final long MS = SimNetwork.MILLISECOND;
    static final Ipv6Prefix ANYCAST_PREFIX = StandardTopology.ANYCAST_HOME_LINK;
    static final Ipv6Address AA = StandardTopology.ANYCAST;
    static final Ipv6Address HAA = StandardTopology.AGENT;

    final StandardTopology topology;
    final SimNetwork net;
    final SimNode core;
    final List<AgentEvent> events = new ArrayList<>();
    final List<byte[]> tapped = new ArrayList<>();
    HomeAnycastAgent haa;
    /** Whether responders try route optimisation (off for the scenarios that isolate plain relaying). */
    boolean routeOptimisation;
    /** The agent's liveness interval (0: no liveness probes); null keeps the agent's default. */
    Long livenessInterval;

    World(long seed) {
        topology = new StandardTopology(seed);
        net = topology.network();
        core = topology.core();
        topology.tap((t, link, from, packet, dropped) -> tapped.add(packet));
    }

    static ResponderCredentials cred(int i) {
        return new ResponderCredentials("ar" + i + "@example.net", 1000 + i, key(i), List.of(ANYCAST_PREFIX));
    }

    /** Signs a hand-built BU as an attacker holding the key would: its authentication option gets the MAC. */
    static MobilityMessage.BindingUpdate signed(byte[] key, Ipv6Address careOf, Ipv6Address home,
            MobilityMessage.BindingUpdate bu) {
        return (MobilityMessage.BindingUpdate) io.mga.engine.mobility.MobilitySender.signMnHa(
                new io.mga.engine.crypto.MnHaAuth(), key, careOf, home, bu);
    }

    static Bytes key(int i) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) i);
        return Bytes.of(k);
    }

    HomeAnycastAgent agent(Model model, SelectionPolicy policy, int maxLifetime, ResponderCredentials... creds) {
        SimNode n = topology.homeSite("haa");
        AgentConfig.Builder b = HomeAnycastAgent.builder().address(HAA).serve(ANYCAST_PREFIX).model(model)
                .maxLifetimeSeconds(maxLifetime).io(n.io()).listener(events::add);
        if (policy != null) {
            b.policy(policy);
        }
        if (livenessInterval != null) {
            b.liveness(livenessInterval, 2000);
        }
        for (ResponderCredentials c : creds) {
            b.responder(c);
        }
        haa = b.build(net.now());
        n.attach(haa);
        return haa;
    }

    static Ipv6Address pua(int i) {
        return StandardTopology.responderAddress(i);
    }

    AnycastResponder responder(int i, int bid, int lifetime) {
        SimNode n = topology.responderSite(i);
        AnycastResponder r = AnycastResponder.builder().anycast(AA).careOf(pua(i)).agent(HAA)
                .credentials("ar" + i + "@example.net", 1000 + i, key(i)).bindingId(bid).lifetimeSeconds(lifetime)
                .seed(i).io(n.io()).routeOptimisation(routeOptimisation, 1024)
                .udpService(53, (from, port, payload) -> Bytes.of(("ar" + i + ":" + new String(payload.toArray(),
                        java.nio.charset.StandardCharsets.UTF_8)).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build(net.now());
        n.attach(r);
        return r;
    }

    void start(AnycastResponder r) {
        r.start(net.now());
        node(r).poke();
    }

    void stop(AnycastResponder r) {
        r.stop(net.now());
        node(r).poke();
    }

    SimNode node(AnycastResponder r) {
        return topology.node("ar" + r.careOf().group(2));
    }

    PlainHost initiator(String name, Ipv6Address address) {
        SimNode n = topology.initiatorSite(name, address);
        PlainHost h = new PlainHost(address, n.io());
        n.attach(h);
        return h;
    }

    AnycastInitiator mipInitiator(String name, Ipv6Address address) {
        SimNode n = topology.initiatorSite(name, address);
        AnycastInitiator ai = AnycastInitiator.builder().address(address).io(n.io())
                .random(new java.util.Random(address.low())).build(net.now());
        n.attach(ai);
        return ai;
    }

    /** Sends a query from a MIPv6-capable initiator and runs 1 s; returns the answer, or null. */
    AnycastInitiator.Datagram ask(AnycastInitiator ai, String q) {
        int before = ai.received().size();
        ai.sendUdp(AA, 40000, 53, Bytes.of(q.getBytes(java.nio.charset.StandardCharsets.UTF_8)), net.now());
        net.runFor(S);
        List<AnycastInitiator.Datagram> r = ai.received();
        return r.size() == before ? null : r.get(r.size() - 1);
    }

    static String text(AnycastInitiator.Datagram d) {
        return d == null ? null : new String(d.payload().toArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Sends a query to the anycast service and runs 1 s; returns the answer text, or null. */
    String ask(PlainHost ai, String q) {
        int before = ai.udp().size();
        ai.sendUdp(AA, 40000, 53, Bytes.of(q.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        net.runFor(S);
        List<PlainHost.Received> u = ai.udp();
        if (u.size() == before) {
            return null;
        }
        PlainHost.Received r = u.get(u.size() - 1);
        if (!r.source().equals(AA)) {
            throw new AssertionError("answer from " + r.source() + ", not the anycast address");
        }
        return new String(((io.mga.wire.Udp) r.packet().upper()).payload().toArray(),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
