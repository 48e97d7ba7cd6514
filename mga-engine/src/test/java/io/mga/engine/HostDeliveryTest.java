package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.HAA;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.sim.PlainHost;
import io.mga.sim.SimNode;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Tunnel;
import io.mga.wire.Udp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host delivery in virtual time ({@code deliverToHost}): what the agent tunnels goes to a stand-in for the host's
 * stack (a list), what the "host" sends from the anycast address comes back to the initiator through the reverse
 * tunnel; the boundary checks, each counted; Packet Too Big for a reply too large for the tunnel.
 */
class HostDeliveryTest {
    static final Ipv6Address CLIENT = Ipv6Address.parse("2001:db8:c::10");
    static final Ipv6Address EVIL = Ipv6Address.parse("2001:db8:e::66");

    /** The host's stack as the responder sees it: what it was handed. */
    final List<byte[]> host = new ArrayList<>();
    World w = new World(7);
    AnycastResponder r;
    PlainHost client;

    void build() {
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1));
        SimNode n = w.topology.responderSite(1);
        r = AnycastResponder.builder().anycast(AA).careOf(World.pua(1)).agent(HAA)
                .credentials("ar1@example.net", 1001, World.key(1)).bindingId(1).lifetimeSeconds(60).seed(1)
                .io(n.io()).routeOptimisation(false, 16)
                .deliverToHost((p, o, l) -> host.add(java.util.Arrays.copyOfRange(p, o, o + l)), 1500)
                .build(w.net.now());
        n.attach(r);
        client = w.initiator("cl", CLIENT);
        w.start(r);
        w.net.runFor(2 * S);
        assertThat(r.state(HAA)).isEqualTo(AnycastResponder.State.REGISTERED);
    }

    /** The host answers a UDP datagram it was handed: swaps addresses and ports (what a server does). */
    static byte[] answer(byte[] request, String text) throws Exception {
        Ipv6Packet p = PacketDecoder.decode(request, 0, request.length);
        Udp u = (Udp) p.upper();
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, AA, p.header().source()), List.of(),
                new Udp(u.destinationPort(), u.sourcePort(), Bytes.of(text.getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void aDatagramGoesToTheHostAndItsAnswerBackThroughTheTunnel() throws Exception {
        build();
        client.sendUdp(AA, 40000, 53, Bytes.of("q".getBytes(StandardCharsets.UTF_8)));
        w.net.runFor(S);
        assertThat(host).hasSize(1);
        Ipv6Packet in = PacketDecoder.decode(host.get(0), 0, host.get(0).length);
        assertThat(in.header().source()).isEqualTo(CLIENT);
        assertThat(in.header().destination()).isEqualTo(AA);
        assertThat(r.hostMtu()).isEqualTo(1460);

        byte[] a = answer(host.get(0), "a");
        r.fromHost(a, 0, a.length, w.net.now());
        w.node(r).poke();
        w.net.runFor(S);
        assertThat(client.udp()).hasSize(1);
        assertThat(client.udp().get(0).source()).isEqualTo(AA);
        ResponderCounters.Host h = r.counters().host();
        assertThat(h.delivered()).isEqualTo(1);
        assertThat(h.tunnelled()).isEqualTo(1);
        assertThat(h.refused() + h.notFromAgent() + h.notForAnycast() + h.spoofedSource()).isZero();
    }

    /** A tunnel packet HAA (or another source) to the responder with the given inner packet. */
    static byte[] tunnelled(Ipv6Address outerSource, Ipv6Address innerSource, Ipv6Address innerDestination) {
        Ipv6Packet inner = Ipv6Packet.build(Ipv6Header.of(63, innerSource, innerDestination), List.of(),
                new Udp(40000, 53, Bytes.of(new byte[] {'x'})));
        return PacketEncoder.encode(new Ipv6Packet(Ipv6Header.of(64, outerSource, World.pua(1)), List.of(),
                new Tunnel(inner)));
    }

    @Test
    void theBoundaryDropsAndCountsWhatMustNotReachTheHost() {
        build();
        long now = w.net.now();
        byte[] fromStranger = tunnelled(EVIL, CLIENT, AA);
        r.receive(fromStranger, 0, fromStranger.length, now);
        byte[] notAnycast = tunnelled(HAA, CLIENT, World.pua(1));
        r.receive(notAnycast, 0, notAnycast.length, now);
        byte[] ownSource = tunnelled(HAA, AA, AA);
        r.receive(ownSource, 0, ownSource.length, now);
        byte[] linkLocal = tunnelled(HAA, Ipv6Address.parse("fe80::1"), AA);
        r.receive(linkLocal, 0, linkLocal.length, now);
        byte[] multicast = tunnelled(HAA, Ipv6Address.parse("ff02::1"), AA);
        r.receive(multicast, 0, multicast.length, now);
        assertThat(host).isEmpty();
        ResponderCounters.Host h = r.counters().host();
        assertThat(h.notFromAgent()).isEqualTo(1);
        assertThat(h.notForAnycast()).isEqualTo(1);
        assertThat(h.spoofedSource()).isEqualTo(3);
        assertThat(h.delivered()).isZero();

        // outward: only the anycast address's packets leave, never to a group or back to ourselves
        int sent = w.tapped.size();
        byte[] otherSource = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, World.pua(1), CLIENT),
                List.of(), new Udp(1, 2, Bytes.of(new byte[] {1}))));
        r.fromHost(otherSource, 0, otherSource.length, now);
        byte[] toGroup = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(255, AA, Ipv6Address.parse("ff02::2")),
                List.of(), new Udp(1, 2, Bytes.of(new byte[] {1}))));
        r.fromHost(toGroup, 0, toGroup.length, now);
        r.fromHost(new byte[] {0x60, 0}, 0, 2, now);
        w.node(r).poke();
        w.net.runFor(S);
        assertThat(r.counters().host().refused()).isEqualTo(3);
        assertThat(r.counters().host().tunnelled()).isZero();
        assertThat(w.tapped.subList(sent, w.tapped.size())).noneMatch(p -> p.length > 40 && p[6] == 41);
    }

    @Test
    void aReplyTooLargeForTheTunnelGetsPacketTooBigWithTheTunnelMtu() throws Exception {
        build();
        client.sendUdp(AA, 40000, 53, Bytes.of("q".getBytes(StandardCharsets.UTF_8)));
        w.net.runFor(S);
        byte[] big = answer(host.get(0), "a".repeat(1500 - 40 - 8 + 1)); // 1461 octets: 1 more than fits
        host.clear();
        r.fromHost(big, 0, big.length, w.net.now());
        assertThat(r.counters().host().tooBig()).isEqualTo(1);
        assertThat(host).hasSize(1);
        Ipv6Packet ptb = PacketDecoder.decode(host.get(0), 0, host.get(0).length);
        assertThat(ptb.header().destination()).isEqualTo(AA);
        Icmpv6Message.PacketTooBig m = (Icmpv6Message.PacketTooBig) ((Icmpv6) ptb.upper()).message();
        assertThat(m.word()).isEqualTo(1460);
        assertThat(host.get(0).length).isLessThanOrEqualTo(1280);
        // the largest that fits goes through
        byte[] fits = answer(PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, CLIENT, AA), List.of(),
                new Udp(40000, 53, Bytes.of(new byte[] {'q'})))), "a".repeat(1500 - 40 - 40 - 8));
        assertThat(fits.length).isEqualTo(1460);
        r.fromHost(fits, 0, fits.length, w.net.now());
        w.node(r).poke();
        w.net.runFor(S);
        assertThat(r.counters().host().tunnelled()).isEqualTo(1);
        assertThat(client.udp()).hasSize(1);
    }

    @Test
    void withoutARegisteredAgentNothingLeaves() {
        build();
        w.stop(r);
        w.net.runFor(2 * S);
        byte[] a = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, AA, Ipv6Address.parse("2001:db8:c::99")),
                List.of(), new Udp(53, 40000, Bytes.of(new byte[] {'a'}))));
        r.fromHost(a, 0, a.length, w.net.now());
        assertThat(r.counters().host().noAgent()).isEqualTo(1);
    }
}
