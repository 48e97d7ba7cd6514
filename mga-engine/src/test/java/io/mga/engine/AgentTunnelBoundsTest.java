package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.wire.Checksums;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Option;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Tunnel;
import io.mga.wire.Udp;
import io.mga.engine.mobility.Ntp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent as a tunnel entry point at its bounds, in virtual time: Packet Too Big for what the tunnel cannot carry
 * (RFC 2473 §7.1, RFC 4443 §3.2), rate-limited and never to a source that may not get one (RFC 4443 §2.4); the
 * Tunnel Encapsulation Limit of a packet that is itself tunnelled (RFC 2473 §4.1.1); the reverse tunnel's token
 * bucket per binding.
 */
class AgentTunnelBoundsTest {
    static final Ipv6Address AA = World.AA;
    static final Ipv6Address HAA = World.HAA;
    static final Ipv6Address CLIENT = Ipv6Address.parse("2001:db8:c::10");
    static final long WALL = 1_700_000_000_000_000_000L;

    final List<byte[]> sent = new ArrayList<>();
    long now = 1_000 * World.S;

    HomeAnycastAgent agent(AgentConfig.Builder b) {
        // no liveness probes: the tests count what the agent sends, and a probe is a Binding Refresh Request
        HomeAnycastAgent haa = b.address(HAA).serve(World.ANYCAST_PREFIX).model(Model.ADVANCED).liveness(0, 1)
                .responder(World.cred(1)).io((p, o, l) -> sent.add(java.util.Arrays.copyOfRange(p, o, o + l)))
                .build(now);
        byte[] bu = AgentAttackTest.bu(World.pua(1), AA, 10, 75, 1, 1001, World.key(1),
                Ntp.fromUnixNanos(WALL + now), true);
        haa.receive(bu, 0, bu.length, now);
        assertThat(haa.bindings(AA)).hasSize(1);
        sent.clear();
        return haa;
    }

    /** A UDP packet from {@code src} to the anycast address, {@code length} octets in all. */
    static byte[] udp(Ipv6Address src, int length) {
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, AA), List.of(),
                new Udp(40000, 53, Bytes.of(new byte[length - 48]))));
    }

    void deliver(HomeAnycastAgent haa, byte[] p) {
        haa.receive(p, 0, p.length, now);
    }

    @Test
    void aPacketTooLargeForTheTunnelGetsPacketTooBigWithTheTunnelMtu() throws Exception {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder());
        deliver(haa, udp(CLIENT, 1460)); // 1500 with the tunnel header: fits
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).hasSize(1500);
        sent.clear();
        byte[] big = udp(CLIENT, 1461);
        deliver(haa, big);
        assertThat(sent).hasSize(1);
        Ipv6Packet ptb = PacketDecoder.decode(sent.get(0));
        assertThat(ptb.header().source()).isEqualTo(HAA);
        assertThat(ptb.header().destination()).isEqualTo(CLIENT);
        assertThat(Checksums.verify(ptb)).isTrue();
        Icmpv6Message.PacketTooBig m = (Icmpv6Message.PacketTooBig) ((Icmpv6) ptb.upper()).message();
        assertThat(m.word()).isEqualTo(1460);
        // RFC 4443 §3.2: as much of the invoking packet as fits in 1280 octets
        assertThat(sent.get(0)).hasSize(1280);
        assertThat(m.invoking().toArray()).isEqualTo(java.util.Arrays.copyOf(big, 1280 - 48));
        AgentCounters c = haa.counters();
        assertThat(c.tooBig()).isEqualTo(1);
        assertThat(c.errorsSent()).isEqualTo(1);
        assertThat(c.forwarded()).isEqualTo(1);
    }

    @Test
    void theLinkMtuIsConfigurableAndPayloadLengthBoundsTheTunnelAt65535() throws Exception {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder().linkMtu(AgentConfig.MAX_LINK_MTU));
        deliver(haa, udp(CLIENT, 65535)); // outer Payload Length 65535: fits
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).hasSize(65575);
        sent.clear();
        // Payload Length 65535: the outer one would need 65575
        deliver(haa, udp(CLIENT, 65575));
        assertThat(sent).hasSize(1);
        Ipv6Packet ptb = PacketDecoder.decode(sent.get(0));
        assertThat(((Icmpv6Message.PacketTooBig) ((Icmpv6) ptb.upper()).message()).word()).isEqualTo(65535);

        sent.clear();
        HomeAnycastAgent small = agent(HomeAnycastAgent.builder().linkMtu(1400));
        deliver(small, udp(CLIENT, 1361));
        Ipv6Packet p = PacketDecoder.decode(sent.get(0));
        assertThat(((Icmpv6Message.PacketTooBig) ((Icmpv6) p.upper()).message()).word()).isEqualTo(1360);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HomeAnycastAgent.builder().linkMtu(1327)
                .address(HAA).serve(World.ANYCAST_PREFIX).config()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void packetTooBigIsRateLimitedAndNeverSentToSourcesThatMayNotGetOne() throws Exception {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder());
        byte[] big = udp(CLIENT, 1500);
        for (int i = 0; i < 100; i++) {
            deliver(haa, big); // at one instant
        }
        assertThat(sent).as("burst of 10 per source /64").hasSize(10);
        now += World.S;
        sent.clear();
        for (int i = 0; i < 100; i++) {
            deliver(haa, big);
        }
        assertThat(sent).as("10 more a second later").hasSize(10);
        sent.clear();
        // RFC 4443 §2.4(e): not to multicast, unspecified, link-local, own or anycast sources
        for (String s : List.of("ff02::1", "::", "fe80::1", "2001:db8:a::1", "2001:db8:a::53", "::1")) {
            deliver(haa, udp(Ipv6Address.parse(s), 1500));
        }
        // RFC 4443 §2.4(e.1): not about an ICMPv6 error
        byte[] err = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, Ipv6Address.parse("2001:db8:d::1"), AA),
                List.of(), new Icmpv6(new Icmpv6Message.DestinationUnreachable(0, 0, Bytes.of(new byte[1452])))));
        assertThat(err.length).isGreaterThan(1460);
        deliver(haa, err);
        assertThat(sent).isEmpty();
        AgentCounters c = haa.counters();
        assertThat(c.tooBig()).isEqualTo(207);
        assertThat(c.errorsSent()).isEqualTo(20);
        assertThat(c.errorsSuppressed()).isEqualTo(187);
        // the total limit: 1000 a second whatever the sources
        now += 10 * World.S;
        for (int i = 0; i < 5000; i++) {
            deliver(haa, udp(new Ipv6Address(0x20010db8_00e00000L + i, 1), 1500));
        }
        assertThat(sent).hasSizeLessThanOrEqualTo(10);
    }

    /** A tunnel packet from an upstream entry point to the anycast address, with a limit option or none. */
    static byte[] tunnelled(int limit) {
        Ipv6Packet inner = Ipv6Packet.build(Ipv6Header.of(64, CLIENT, Ipv6Address.parse("2001:db8:e::1")), List.of(),
                new Udp(40000, 53, Bytes.of(new byte[8])));
        List<ExtensionHeader> ext = limit < 0 ? List.of()
                : List.of(ExtensionHeader.DestinationOptions.of(new Ipv6Option.TunnelEncapsulationLimit(limit)));
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, Ipv6Address.parse("2001:db8:f::1"), AA), ext,
                new Tunnel(inner)));
    }

    @Test
    void aTunnelPacketWithEncapsulationLimitZeroIsRefusedWithParameterProblem() throws Exception {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder());
        byte[] p = tunnelled(0);
        deliver(haa, p);
        assertThat(sent).hasSize(1);
        Ipv6Packet pp = PacketDecoder.decode(sent.get(0));
        assertThat(pp.header().destination()).isEqualTo(Ipv6Address.parse("2001:db8:f::1"));
        assertThat(Checksums.verify(pp)).isTrue();
        Icmpv6Message.ParameterProblem m = (Icmpv6Message.ParameterProblem) ((Icmpv6) pp.upper()).message();
        assertThat(m.code()).isZero();
        int pointer = (int) m.word();
        assertThat(p[pointer - 2]).as("the option's type").isEqualTo((byte) 4);
        assertThat(p[pointer]).as("its value").isZero();
        assertThat(haa.counters().encapsulationLimited()).isEqualTo(1);
        assertThat(haa.counters().forwarded()).isZero();
    }

    @Test
    void aTunnelPacketWithALimitIsTunnelledWithTheLimitLessOne() throws Exception {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder());
        byte[] p = tunnelled(3);
        deliver(haa, p);
        assertThat(sent).hasSize(1);
        byte[] out = sent.get(0);
        assertThat(out).hasSize(p.length + 48);
        Ipv6Packet outer = PacketDecoder.decode(out);
        assertThat(outer.header().destination()).isEqualTo(World.pua(1));
        assertThat(outer.extensions()).hasSize(1);
        ExtensionHeader.DestinationOptions d = (ExtensionHeader.DestinationOptions) outer.extensions().get(0);
        assertThat(d.options()).contains(new Ipv6Option.TunnelEncapsulationLimit(2));
        byte[] carried = java.util.Arrays.copyOfRange(out, 48, out.length);
        byte[] expected = p.clone();
        expected[7]--; // the hop the tunnel is for the inner packet
        assertThat(carried).isEqualTo(expected);

        // no limit option: tunnelled with a bare 40-octet header, nothing inserted
        sent.clear();
        deliver(haa, tunnelled(-1));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)[6]).isEqualTo((byte) 41);
        assertThat(haa.counters().forwarded()).isEqualTo(2);
    }

    @Test
    void theReverseTunnelIsRateLimitedPerBinding() {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder().reverseTunnelRate(100, 10));
        byte[] r = AgentAttackTest.reverse(CLIENT);
        for (int i = 0; i < 50; i++) {
            deliver(haa, r.clone());
        }
        assertThat(sent).as("the burst").hasSize(10);
        // 100 a second: one every 10 ms
        for (int i = 0; i < 100; i++) {
            now += 5 * World.MS;
            deliver(haa, r.clone());
        }
        assertThat(sent).as("half of the 200/s offered").hasSize(10 + 50);
        AgentCounters c = haa.counters();
        assertThat(c.reverseForwarded()).isEqualTo(60);
        assertThat(c.reverseLimited()).isEqualTo(90);
        // a binding that sent nothing for a while has its burst again
        now += World.S;
        sent.clear();
        for (int i = 0; i < 20; i++) {
            deliver(haa, r.clone());
        }
        assertThat(sent).hasSize(10);
    }

    @Test
    void theDefaultReverseRateLetsARespondersRepliesThrough() {
        HomeAnycastAgent haa = agent(HomeAnycastAgent.builder());
        byte[] r = AgentAttackTest.reverse(CLIENT);
        // 5,000 packets/s for two seconds (one every 200 µs), under the default 10,000/s
        for (int i = 0; i < 10_000; i++) {
            now += 200_000;
            deliver(haa, r.clone());
        }
        assertThat(haa.counters().reverseForwarded()).isEqualTo(10_000);
        assertThat(haa.counters().reverseLimited()).isZero();
    }
}
