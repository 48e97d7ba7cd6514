package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.engine.agent.BindingCache;
import io.mga.engine.agent.Forwarder;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HomeAnycastAgent#receiveBurst}: with a table large enough for the look-ahead, a burst has exactly the
 * effect of the same packets through {@link HomeAnycastAgent#receive}, whatever it holds (registrations that change
 * the table mid-burst, bad offsets and lengths, packets with no binding).
 */
class AgentBurstTest {
    private static final long NOW = 1_000 * World.S;

    /** An agent and what it sent, each packet as hex. */
    private record Agent(HomeAnycastAgent haa, List<String> sent) { }

    private static Agent agent() {
        return agentWith(0, h -> { }); // the sink's action never runs: no packet is the 0th
    }

    private static Ipv6Address anycast(int i) {
        return new Ipv6Address(World.ANYCAST_PREFIX.address().high(), 0x1000L + i);
    }

    private static byte[] registration(int i) {
        return AgentAttackTest.bu(World.pua(1), anycast(i), 1, 1000, 1, 1001, World.key(1), 0, true);
    }

    private static byte[] query(int from, Ipv6Address to) {
        Ipv6Address src = new Ipv6Address(0x20010db8_00c00000L, 0x10L + from);
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, to), List.of(),
                new Udp(40000, 53, Bytes.of(new byte[24]))));
    }

    /** Registers bindings 0 to n - 1 in each agent, one at a time. */
    private static void register(int n, Agent... agents) {
        for (int i = 0; i < n; i++) {
            register1(i, agents);
        }
    }

    /** Packets laid out in one buffer, as a receive ring holds them, with their offsets and lengths. */
    private static final class Ring {
        final byte[] buffer = new byte[1 << 16];
        final List<Integer> offsets = new ArrayList<>();
        final List<Integer> lengths = new ArrayList<>();
        int at = 7; // not aligned: offsets are the embedder's

        Ring add(byte[] p) {
            System.arraycopy(p, 0, buffer, at, p.length);
            return raw(at, p.length, p.length + 3);
        }

        Ring raw(int offset, int length, int advance) {
            offsets.add(offset);
            lengths.add(length);
            at += advance;
            return this;
        }

        int[] offsets() {
            return offsets.stream().mapToInt(Integer::intValue).toArray();
        }

        int[] lengths() {
            return lengths.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private static void assertSameEffect(Agent one, Agent burst) {
        assertThat(burst.sent).containsExactlyElementsOf(one.sent);
        AgentCounters a = one.haa.counters();
        AgentCounters b = burst.haa.counters();
        assertThat(new long[] {b.received(), b.forwarded(), b.malformed(), b.noBinding(), b.rejected(), b.dropped()})
                .containsExactly(a.received(), a.forwarded(), a.malformed(), a.noBinding(), a.rejected(), a.dropped());
        assertThat(burst.haa.bindingCount()).isEqualTo(one.haa.bindingCount());
    }

    @Test
    void aBurstDoesWhatReceivingEachPacketDoes() {
        Agent one = agent();
        Agent burst = agent();
        int n = 0;
        while (burst.haa.cache().tableRows() < Forwarder.LOOK_AHEAD_ROWS) { // the look-ahead's side
            register1(n++, one, burst);
        }
        java.util.Random r = new java.util.Random(5);
        Ring ring = new Ring();
        for (int i = 0; i < 100; i++) {
            switch (i % 10) {
                case 3 -> ring.add(query(i, anycast(n + 50 + i))); // in the prefix, no binding
                case 4 -> ring.add(query(i, Ipv6Address.parse("2001:db8:ff::1"))); // not served
                case 5 -> ring.raw(ring.at, 20, 20); // shorter than a header
                case 6 -> ring.raw(i % 20 == 6 ? -5 : ring.buffer.length - 10, 40, 0); // outside the buffer
                case 7 -> {
                    ring.add(registration(n + i)); // a new binding, then a packet to it in the same burst
                    ring.add(query(i, anycast(n + i)));
                }
                default -> ring.add(query(i, anycast(r.nextInt(n))));
            }
        }
        runBoth(ring, one, ring.buffer, burst, ring.buffer);
        assertSameEffect(one, burst);
        AgentCounters c = burst.haa.counters();
        assertThat(c.forwarded()).as("every packet to a bound address").isEqualTo(50 + 10);
        assertThat(c.noBinding()).isEqualTo(10);
        assertThat(c.malformed()).isEqualTo(20);
        // every lookup (forwarded or not) started from the row read ahead: registering without a resize moves no home
        assertThat(burst.haa.forwarder().lookAheadHits()).isEqualTo(c.forwarded() + c.noBinding());
    }

    @Test
    void aRegistrationThatResizesTheTableMidBurstDoesNotMisleadTheLookAhead() {
        Agent one = agent();
        Agent burst = agent();
        BindingCache cache = burst.haa.cache();
        int n = fillToTheEdgeOfAResize(one, burst);
        int rows = cache.tableRows();
        int layout = cache.layout();
        Ring ring = new Ring();
        for (int i = 0; i < 6; i++) {
            ring.add(query(i, anycast(i * 997 % n)));
        }
        ring.add(registration(n));
        for (int i = 6; i < Forwarder.BURST - 1; i++) {
            ring.add(query(i, anycast(i * 997 % n)));
        }
        runBoth(ring, one, ring.buffer, burst, ring.buffer);
        assertThat(cache.tableRows()).isGreaterThan(rows);
        assertThat(cache.layout()).isNotEqualTo(layout);
        assertSameEffect(one, burst);
        assertThat(burst.haa.counters().forwarded()).isEqualTo(Forwarder.BURST - 1);
        assertThat(burst.haa.counters().noBinding()).isZero();
        assertThat(burst.haa.forwarder().lookAheadHits()).as("only the packets before the resize use the rows read ahead").isEqualTo(6);
    }

    /** An agent whose sink runs {@code action} (once) when it sends its {@code nth} tunnelled packet (from 1). */
    private static Agent agentWith(int nth, java.util.function.Consumer<HomeAnycastAgent> action) {
        List<String> sent = new ArrayList<>();
        HomeAnycastAgent[] self = new HomeAnycastAgent[1];
        int[] tunnelled = new int[1];
        self[0] = HomeAnycastAgent.builder().address(World.HAA).serve(World.ANYCAST_PREFIX)
                .model(Model.ADVANCED).policy(Policies.first()).replayProtection(false, 7 * World.S)
                .maxBindings(1 << 16).maxBindingsPerResponder(1 << 16).pinning(0, 1).bindingRefreshRequests(false)
                .responder(World.cred(1))
                .hashKey(0x5eed) // the same Flow Labels in both agents compared
                .io((b, o, l) -> {
                    sent.add(HexFormat.of().formatHex(b, o, o + l));
                    if (b[o + 6] == 41 && ++tunnelled[0] == nth) {
                        action.accept(self[0]);
                    }
                }).build(NOW);
        return new Agent(self[0], sent);
    }

    /** A sink that changes a packet of the ring still to come: the lookup goes by the bytes, not the look-ahead. */
    @Test
    void aPacketChangedAfterTheLookAheadIsLookedUpAfresh() {
        byte[][] buffers = new byte[2][];
        Ring ring = new Ring();
        for (int i = 0; i < Forwarder.BURST; i++) {
            ring.add(query(i, anycast(i * 31)));
        }
        int victim = ring.offsets.get(9);
        Ipv6Address to = anycast(4_321);
        Agent one = agentWith(1, h -> System.arraycopy(to.toBytes(), 0, buffers[0], victim + 24, 16));
        Agent burst = agentWith(1, h -> System.arraycopy(to.toBytes(), 0, buffers[1], victim + 24, 16));
        for (int n = 0; burst.haa.cache().tableRows() < Forwarder.LOOK_AHEAD_ROWS || n < 5_000; n++) {
            register1(n, one, burst);
        }
        buffers[0] = ring.buffer.clone();
        buffers[1] = ring.buffer.clone();
        runBoth(ring, one, buffers[0], burst, buffers[1]);
        assertSameEffect(one, burst);
        assertThat(burst.haa.counters().forwarded()).isEqualTo(Forwarder.BURST);
        assertThat(burst.haa.forwarder().lookAheadHits()).isEqualTo(Forwarder.BURST - 1);
        // the tenth tunnelled packet (the sent list starts with the registrations' acknowledgements) went to the
        // changed destination's binding: its inner header carries that destination
        String tenth = burst.sent.get(burst.sent.size() - Forwarder.BURST + 9);
        assertThat(tenth.substring(80 + 48, 80 + 80)).isEqualTo(HexFormat.of().formatHex(to.toBytes()));
    }

    /**
     * A sink that hands the agent a burst of its own from inside a burst, after a registration in the outer burst
     * resized the table: the inner burst must neither overwrite the outer one's look-ahead nor make its rows, read
     * under the old layout, look current.
     */
    @Test
    void aBurstReceivedFromInsideABurstKeepsTheOuterOneRight() {
        byte[] inner = query(99, anycast(3));
        int[] innerAt = {0};
        int[] innerLength = {inner.length};
        // the sixth tunnelled packet is the first after the registration (the outer burst's sixth packet)
        Agent one = agentWith(6, h -> h.receive(inner, 0, inner.length, NOW));
        Agent burst = agentWith(6, h -> h.receiveBurst(inner, innerAt, innerLength, 0, 1, NOW));
        BindingCache cache = burst.haa.cache();
        int n = fillToTheEdgeOfAResize(one, burst);
        int rows = cache.tableRows();
        Ring ring = new Ring();
        for (int i = 0; i < 5; i++) {
            ring.add(query(i, anycast(i * 997 % n)));
        }
        ring.add(registration(n));
        for (int i = 6; i < Forwarder.BURST; i++) {
            ring.add(query(i, anycast(i * 997 % n)));
        }
        runBoth(ring, one, ring.buffer, burst, ring.buffer);
        assertThat(cache.tableRows()).as("the registration resized the table").isGreaterThan(rows);
        assertSameEffect(one, burst);
        assertThat(burst.haa.counters().forwarded()).as("15 of the outer burst, 1 of the inner").isEqualTo(16);
        assertThat(burst.haa.counters().noBinding()).isZero();
        assertThat(burst.haa.forwarder().lookAheadHits()).as("only the five packets before the resize").isEqualTo(5);
    }

    /** Each agent handles every packet of the ring: {@code one} one at a time, {@code burst} in one burst. */
    private static void runBoth(Ring ring, Agent one, byte[] oneBuffer, Agent burst, byte[] burstBuffer) {
        int[] offsets = ring.offsets();
        int[] lengths = ring.lengths();
        for (int i = 0; i < offsets.length; i++) {
            one.haa.receive(oneBuffer, offsets[i], lengths[i], NOW);
        }
        burst.haa.receiveBurst(burstBuffer, offsets, lengths, 0, offsets.length, NOW);
    }

    /**
     * Registers bindings 0, 1, ... in both agents until the table is past the look-ahead's threshold and the next
     * registration grows it (which moves every home row).
     *
     * @return the number registered
     */
    private static int fillToTheEdgeOfAResize(Agent one, Agent burst) {
        BindingCache cache = burst.haa.cache();
        int n = 0;
        while (cache.tableRows() < Forwarder.LOOK_AHEAD_ROWS
                || (cache.size() + 1) * 5L <= cache.tableRows() * 3L) {
            register1(n++, one, burst);
        }
        return n;
    }

    private static void register1(int i, Agent... agents) {
        byte[] bu = registration(i);
        for (Agent a : agents) {
            a.haa.receive(bu, 0, bu.length, NOW);
        }
    }

    /** Advanced Model with a pin table big enough for the look-ahead: the same choices, the same pins. */
    @Test
    void selectionAndPinningThroughABurstMatchOneAtATime() {
        List<Agent> agents = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            List<String> sent = new ArrayList<>();
            HomeAnycastAgent haa = HomeAnycastAgent.builder().address(World.HAA).serve(World.ANYCAST_PREFIX)
                    .model(Model.ADVANCED).policy(Policies.rendezvous()).replayProtection(false, 7 * World.S)
                    .pinning(Forwarder.LOOK_AHEAD_PINS, 60 * World.S).bindingRefreshRequests(false)
                    .responder(World.cred(1)).responder(World.cred(2)).responder(World.cred(3)).hashKey(0x5eed)
                    .io((b, o, l) -> sent.add(HexFormat.of().formatHex(b, o, o + l))).build(NOW);
            for (int a = 0; a < 50; a++) {
                for (int i = 1; i <= 3; i++) {
                    byte[] bu = AgentAttackTest.bu(World.pua(i), anycast(a), 1, 1000, i, 1000 + i, World.key(i), 0,
                            true);
                    haa.receive(bu, 0, bu.length, NOW);
                }
            }
            assertThat(haa.bindingCount()).isEqualTo(150);
            agents.add(new Agent(haa, sent));
        }
        Agent one = agents.get(0);
        Agent burst = agents.get(1);
        java.util.Random r = new java.util.Random(9);
        Ring ring = new Ring();
        for (int i = 0; i < 300; i++) { // 40 initiators over 50 addresses: pins made, then found again
            ring.add(query(r.nextInt(40), anycast(r.nextInt(50))));
        }
        runBoth(ring, one, ring.buffer, burst, ring.buffer);
        assertSameEffect(one, burst);
        assertThat(burst.haa.counters().forwarded()).isEqualTo(300);
        assertThat(burst.haa.pinCount()).isEqualTo(one.haa.pinCount()).isPositive();
        assertThat(burst.haa.forwarder().lookAheadHits()).isEqualTo(300);
        // the outer destination (octets 24 to 39, hex 48 to 79): every responder gets some
        assertThat(burst.sent.stream().map(h -> h.substring(48, 80)).distinct().count()).isEqualTo(3);
    }

    @Test
    void aSmallTableTakesThePlainPathWithTheSameEffect() {
        Agent one = agent();
        Agent burst = agent();
        register(100, one, burst);
        assertThat(burst.haa.cache().tableRows()).isLessThan(Forwarder.LOOK_AHEAD_ROWS);
        Ring ring = new Ring();
        for (int i = 0; i < 40; i++) {
            ring.add(query(i, anycast(i * 7 % 120)));
        }
        int[] offsets = ring.offsets();
        int[] lengths = ring.lengths();
        for (int i = 5; i < 35; i++) {
            one.haa.receive(ring.buffer, offsets[i], lengths[i], NOW);
        }
        burst.haa.receiveBurst(ring.buffer, offsets, lengths, 5, 30, NOW);
        assertSameEffect(one, burst);
        assertThat(burst.haa.counters().forwarded()).isPositive();
        assertThat(burst.haa.counters().noBinding()).isPositive();
    }

    @Test
    void aRangeOutsideTheArraysIsTheCallersBug() {
        Agent a = agent();
        int[] four = new int[4];
        assertThatThrownBy(() -> a.haa.receiveBurst(new byte[64], four, four, 2, 3, NOW))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> a.haa.receiveBurst(new byte[64], four, new int[2], 0, 3, NOW))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> a.haa.receiveBurst(new byte[64], four, four, -1, 1, NOW))
                .isInstanceOf(IndexOutOfBoundsException.class);
        a.haa.receiveBurst(null, four, four, 0, 4, NOW); // no buffer: four malformed packets, nothing thrown
        assertThat(a.haa.counters().malformed()).isEqualTo(4);
        assertThat(a.haa.counters().received()).isEqualTo(4);
    }
}
