package io.mga.bench;

import io.mga.engine.HomeAnycastAgent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * What the agent's data-path benchmarks share: an agent fed from a {@link PacketRing}, one packet per call or
 * {@value PacketRing#BURST} per {@link HomeAnycastAgent#receiveBurst} call, each beside the encapsulation floor over
 * the same ring with the same per-call shape. A subclass builds {@link #haa} (sending to a sink that counts into
 * {@link #sent}) and {@link #ring} in its set-up; JMH runs these methods as the subclass's benchmarks.
 */
public abstract class RingBenchmark {
    /** The agent under test. */
    HomeAnycastAgent haa;
    /** The traffic. */
    PacketRing ring;
    /** Counts calls: which packet, or which burst, of the ring comes next. */
    int next;
    /** Packets the agent sent. */
    long sent;
    private final byte[] out = new byte[2048];

    /** @return packets sent: one per call, tunnelled to the chosen responder */
    @Benchmark
    public long dataPath() {
        ring.deliver(haa, next++, 2);
        return sent;
    }

    /**
     * The same packets handed over {@value PacketRing#BURST} at a time through {@link HomeAnycastAgent#receiveBurst},
     * which, once the agent's tables outgrow the caches, looks up all the burst's destinations before it forwards
     * the first. Compare with {@link #encapsulationFloorBurst}, which has the same per-call shape.
     *
     * @return packets sent
     */
    @Benchmark
    @OperationsPerInvocation(PacketRing.BURST)
    public long dataPathBurst() {
        ring.deliverBurst(haa, next++, 2);
        return sent;
    }

    /** @return octets written by the encapsulation floor for a packet of the same size, from the same ring */
    @Benchmark
    public int encapsulationFloor() {
        return ring.floor(next++, out);
    }

    /** @return octets written by the encapsulation floor for {@value PacketRing#BURST} packets of the ring */
    @Benchmark
    @OperationsPerInvocation(PacketRing.BURST)
    public int encapsulationFloorBurst() {
        return ring.floorBurst(next++, out);
    }
}
