package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.engine.mobility.Ntp;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's forwarding path with three bindings on one anycast address, rendezvous selection and session
 * pinning: every initiator sticks to one responder, and the path allocates nothing per packet.
 */
class AgentDataPathTest {
    static final Ipv6Address AA = World.AA;
    static final long WALL = 1_700_000_000_000_000_000L;

    private long now = 1_000 * World.S;
    private long sent;
    private long lastCareOf;

    private HomeAnycastAgent agent() {
        HomeAnycastAgent haa = HomeAnycastAgent.builder().address(World.HAA).serve(World.ANYCAST_PREFIX)
                .model(Model.ADVANCED).policy(Policies.rendezvous()).pinning(1_024, 60 * World.S)
                // the forwarder marks bindings for the liveness probes, but no round falls in the test's 3 s
                // (the responders here are not there to answer a probe)
                .liveness(3_600 * World.S, 2000)
                .responder(World.cred(1)).responder(World.cred(2)).responder(World.cred(3))
                .io((b, o, l) -> {
                    sent++;
                    long v = 0;
                    for (int k = o + 24; k < o + 40; k++) { // the outer destination, folded: tells them apart
                        v = v * 31 + b[k];
                    }
                    lastCareOf = v;
                }).build(now);
        for (int i = 1; i <= 3; i++) {
            byte[] bu = AgentAttackTest.bu(World.pua(i), AA, 1, 1000, i, 1000 + i, World.key(i),
                    Ntp.fromUnixNanos(WALL + now), true);
            haa.receive(bu, 0, bu.length, now);
        }
        assertThat(haa.bindings(AA)).hasSize(3);
        return haa;
    }

    private static byte[][] queries(int n) {
        byte[][] p = new byte[n][];
        for (int i = 0; i < n; i++) {
            Ipv6Address src = new Ipv6Address(0x20010db8_00c00000L + i, 0x10L + i * 7919L);
            p[i] = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, AA), List.of(),
                    new Udp(40000, 53, Bytes.of(new byte[32]))));
        }
        return p;
    }

    private long run(HomeAnycastAgent haa, byte[][] packets, int count) {
        for (int i = 0; i < count; i++) {
            byte[] p = packets[i & (packets.length - 1)];
            haa.receive(p, 0, p.length, now);
            now += 1_000; // 1 µs of virtual time per packet
        }
        return sent;
    }

    @Test
    void initiatorsStayPinnedAndTheSpreadCoversEveryResponder() {
        HomeAnycastAgent haa = agent();
        byte[][] packets = queries(256);
        Map<Integer, Long> first = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < packets.length; i++) {
                haa.receive(packets[i], 0, packets[i].length, now);
                Long was = first.putIfAbsent(i, lastCareOf);
                if (was != null) {
                    assertThat(lastCareOf).as("initiator %d stays put", i).isEqualTo(was);
                }
            }
        }
        assertThat(first.values().stream().distinct().count()).isEqualTo(3);
        // 256 initiators in a table of 1,024 pins (128 sets of 8): a set that draws more than 8 would evict one
        assertThat(haa.pinCount()).isBetween(250, 256);
        assertThat(haa.counters().forwarded()).isEqualTo(3 * 256);
    }

    /** The same counter method as the wire layer's fast-path test: HotSpot's per-thread allocation counter. */
    @Test
    void forwardingWithSelectionAndPinningAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(mx.isThreadAllocatedMemorySupported()).isTrue();
        mx.setThreadAllocatedMemoryEnabled(true);
        HomeAnycastAgent haa = agent();
        byte[][] packets = queries(2_048); // more initiators than pins: evictions and re-selections too
        long tid = Thread.currentThread().getId();
        run(haa, packets, 1_000_000); // warm-up: let the JIT compile the path
        long p0 = mx.getThreadAllocatedBytes(tid);
        long p1 = mx.getThreadAllocatedBytes(tid);
        long probe = p1 - p0;
        long[] rounds = new long[3];
        for (int r = 0; r < rounds.length; r++) {
            long before = mx.getThreadAllocatedBytes(tid);
            run(haa, packets, 200_000 * (r + 1));
            rounds[r] = mx.getThreadAllocatedBytes(tid) - before - probe;
        }
        assertThat(sent).isEqualTo(3 + 1_000_000 + 1_200_000); // three BAs, then every packet
        // one allocation per packet, even of 16 bytes, would show as megabytes; the JIT may allocate a few hundred
        // bytes once while it swaps code in, so each round must stay under 1 KiB and one must be exactly zero
        String all = java.util.Arrays.toString(rounds);
        for (long r : rounds) {
            assertThat(r).as("bytes allocated in a round; all rounds %s", all).isLessThan(1024);
        }
        assertThat(java.util.Arrays.stream(rounds).min().orElseThrow()).as("quietest round of %s", all).isZero();
    }
}
