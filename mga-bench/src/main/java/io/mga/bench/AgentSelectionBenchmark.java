package io.mga.bench;

import static io.mga.bench.AgentDataPathBenchmark.ANYCAST;
import static io.mga.bench.AgentDataPathBenchmark.HAA;
import static io.mga.bench.AgentDataPathBenchmark.PUA;
import static io.mga.bench.AgentDataPathBenchmark.anycast;
import static io.mga.bench.AgentDataPathBenchmark.registration;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.AgentConfig;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.Policies;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent's data path in the Advanced Model: 1,000 anycast addresses with three responders each, rendezvous
 * selection and session pinning for 4,096 initiators (16,384 packets to random anycast addresses, in one {@link PacketRing}), beside the
 * encapsulation floor in the same run.
 * {@code java -jar mga-bench/target/benchmarks.jar AgentSelection -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class AgentSelectionBenchmark extends RingBenchmark {
    final byte[][] packets = new byte[16384][];

    /** Registers 3,000 bindings and builds the traffic. */
    @Setup
    public void populate() {
        AgentConfig.Builder b = HomeAnycastAgent.builder().address(HAA).serve(ANYCAST).model(Model.ADVANCED)
                .policy(Policies.rendezvous()).replayProtection(false, 7_000_000_000L).maxBindings(4_000)
                .maxBindingsPerResponder(4_000)
                .pinning(100_000, 60_000_000_000L).bindingRefreshRequests(false).io((x, o, l) -> sent++);
        Bytes[] keys = new Bytes[3];
        for (int r = 0; r < 3; r++) {
            keys[r] = Bytes.fromHex("00112233445566778899aabbccddee0" + r);
            b.responder(new ResponderCredentials("ar" + r + "@example.net", 1000 + r, keys[r], List.of(ANYCAST)));
        }
        haa = b.build(0);
        for (int i = 0; i < 1000; i++) {
            for (int r = 0; r < 3; r++) {
                Ipv6Address pua = new Ipv6Address(PUA.high() + r, PUA.low());
                byte[] bu = registration(keys[r].toArray(), 1000 + r, r + 1, pua, anycast(i));
                haa.receive(bu, 0, bu.length, 1);
            }
        }
        if (haa.bindingCount() != 3000) {
            throw new IllegalStateException("registered " + haa.bindingCount() + " of 3000");
        }
        java.util.Random rnd = new java.util.Random(2);
        for (int i = 0; i < packets.length; i++) {
            Ipv6Address src = new Ipv6Address(0x2001_0db8_000c_0000L, 0x10L + rnd.nextInt(4096));
            packets[i] = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, anycast(rnd.nextInt(1000))),
                    List.of(), new Udp(40000, 53, Bytes.of(new byte[64]))));
        }
        ring = new PacketRing(packets);
    }
}
