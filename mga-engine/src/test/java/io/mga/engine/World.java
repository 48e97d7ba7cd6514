package io.mga.engine;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.SelectionPolicy;
import io.mga.sim.PlainHost;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test world on the simulated network: a core router, the anycast home link (2001:db8:a::/64, agent at ::1,
 * anycast address ::53), responder sites 2001:db8:N::/48 and initiator sites, every site 10 ms from the core.
 */
final class World {
    static final long S = SimNetwork.SECOND;
    static final long MS = SimNetwork.MILLISECOND;
    static final Ipv6Prefix ANYCAST_PREFIX = Ipv6Prefix.parse("2001:db8:a::/64");
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");

    final SimNetwork net;
    final SimNode core;
    final Map<String, SimNode> nodes = new HashMap<>();
    final Map<String, SimLink> links = new HashMap<>();
    final List<AgentEvent> events = new ArrayList<>();
    final List<byte[]> tapped = new ArrayList<>();
    HomeAnycastAgent haa;
    /** Whether responders try route optimisation (off for the scenarios that isolate plain relaying). */
    boolean routeOptimisation;

    World(long seed) {
        net = new SimNetwork(seed);
        core = net.node("core", true).icmpErrorsFrom(Ipv6Address.parse("2001:db8:ffff::1"));
        net.tap((t, link, from, packet, dropped) -> tapped.add(packet));
    }

    SimNode site(String name, Ipv6Prefix prefix) {
        SimNode n = net.node(name, false);
        SimLink l = net.link(name + "-core", n, core, 10 * MS);
        core.route(prefix, l);
        n.route(Ipv6Prefix.parse("::/0"), l);
        nodes.put(name, n);
        links.put(name, l);
        return n;
    }

    static ResponderCredentials cred(int i) {
        return new ResponderCredentials("ar" + i + "@example.net", 1000 + i, key(i), List.of(ANYCAST_PREFIX));
    }

    static Bytes key(int i) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) i);
        return Bytes.of(k);
    }

    HomeAnycastAgent agent(Model model, SelectionPolicy policy, int maxLifetime, ResponderCredentials... creds) {
        SimNode n = site("haa", Ipv6Prefix.parse("2001:db8:a::/48"));
        n.own(HAA).own(ANYCAST_PREFIX);
        HomeAnycastAgent.Builder b = HomeAnycastAgent.builder().address(HAA).serve(ANYCAST_PREFIX).model(model)
                .maxLifetimeSeconds(maxLifetime).io(n.io()).listener(events::add);
        if (policy != null) {
            b.policy(policy);
        }
        for (ResponderCredentials c : creds) {
            b.responder(c);
        }
        haa = b.build(net.now());
        n.attach(haa);
        return haa;
    }

    static Ipv6Address pua(int i) {
        return Ipv6Address.parse("2001:db8:" + i + "::100");
    }

    AnycastResponder responder(int i, int bid, int lifetime) {
        SimNode n = site("ar" + i, Ipv6Prefix.parse("2001:db8:" + i + "::/48"));
        n.own(pua(i));
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
        return nodes.get("ar" + r.careOf().group(2));
    }

    PlainHost initiator(String name, Ipv6Address address) {
        SimNode n = site(name, new Ipv6Prefix(address, 48));
        n.own(address);
        PlainHost h = new PlainHost(address, n.io());
        n.attach(h);
        return h;
    }

    AnycastInitiator mipInitiator(String name, Ipv6Address address) {
        SimNode n = site(name, new Ipv6Prefix(address, 48));
        n.own(address);
        AnycastInitiator ai = AnycastInitiator.builder().address(address).io(n.io())
                .random(new java.util.Random(address.low())).build(net.now());
        n.attach(ai);
        return ai;
    }

    /** Sends a query from a MIPv6-capable initiator and runs 1 s; returns the answer, or null. */
    AnycastInitiator.Datagram ask(AnycastInitiator ai, String q) {
        int before = ai.received().size();
        ai.sendUdp(AA, 40000, 53, Bytes.of(q.getBytes(java.nio.charset.StandardCharsets.UTF_8)), net.now());
        nodes.values().stream().filter(n -> n.name().equals(ai.address().toString())).findFirst();
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
