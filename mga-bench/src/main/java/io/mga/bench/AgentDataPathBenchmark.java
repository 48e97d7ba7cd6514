package io.mga.bench;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.Policies;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent's data path per packet (classify, look up the anycast address, select, encapsulate, send) with 1k,
 * 100k and 1M bindings (one per anycast address of a /64), beside the encapsulation floor (a 40-octet header and
 * one arraycopy) in the same run. The set-up registers every binding through authenticated BUs and prints the
 * heap each binding costs. Sends go to a counting sink. 16,384 packets to random anycast addresses, so that at 1M
 * the lookups spread over the table. The packets sit in one {@link PacketRing}, as a receive loop holds them;
 * {@link #dataPathSeparateArrays} shows what an array per packet costs. {@link AgentSelectionBenchmark} measures the Advanced Model's path with
 * selection and pinning.
 * {@code java -jar mga-bench/target/benchmarks.jar AgentDataPath -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class AgentDataPathBenchmark extends RingBenchmark {
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address PUA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Prefix ANYCAST = Ipv6Prefix.parse("2001:db8:a::/64");

    @Param({"1000", "100000", "1000000"})
    int bindings;

    private final byte[][] packets = new byte[16384][];
    private static final byte[] HAA_BYTES = HAA.toBytes();
    private static final byte[] PUA_BYTES = PUA.toBytes();

    /** @return an authenticated BU registering {@code pua} for {@code aa} with Binding ID {@code bid} */
    static byte[] registration(byte[] key, long spi, int bid, Ipv6Address pua, Ipv6Address aa) {
        MobilityMessage m = MobilityMessage.BindingUpdate.of(1, 0xc000, 65535,
                new MobilityOption.AlternateCareOfAddress(pua), MobilityOption.BindingIdentifier.of(bid, 0, pua),
                new MobilityOption.Authentication(1, spi, Bytes.zeros(12)));
        MobilityMessage s = io.mga.engine.mobility.MobilitySender.signMnHa(new MnHaAuth(), key, pua, aa, m);
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, pua, HAA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(aa)), new MobilityHeader(s)));
    }

    static Ipv6Address anycast(int i) {
        return new Ipv6Address(ANYCAST.address().high(), 0x1000L + i);
    }

    /** Registers the bindings and prints the heap they take. */
    @Setup
    public void populate() {
        Bytes key = Bytes.fromHex("00112233445566778899aabbccddeeff");
        byte[] k = key.toArray();
        haa = HomeAnycastAgent.builder().address(HAA).serve(ANYCAST).model(Model.ADVANCED)
                .policy(Policies.first()).replayProtection(false, 7_000_000_000L).maxBindings(bindings + 16)
                .maxBindingsPerResponder(bindings + 16)
                .pinning(0, 1).bindingRefreshRequests(false)
                .responder(new ResponderCredentials("ar1@example.net", 1000, key, List.of(ANYCAST)))
                .io((b, o, l) -> sent++).build(0);
        // the first registration pays one-time costs (the JCA provider, the MAC, class loading): not per binding
        byte[] first = registration(k, 1000, 1, PUA, anycast(0));
        haa.receive(first, 0, first.length, 1);
        System.gc();
        long before = usedHeap();
        for (int i = 1; i < bindings; i++) {
            byte[] bu = registration(k, 1000, 1, PUA, anycast(i));
            haa.receive(bu, 0, bu.length, 1);
        }
        System.gc();
        long after = usedHeap();
        if (haa.bindingCount() != bindings) {
            throw new IllegalStateException("registered " + haa.bindingCount() + " of " + bindings);
        }
        System.out.printf("%n[heap] %d bindings: %.0f bytes per binding%n", bindings,
                (after - before) / (double) (bindings - 1));
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < packets.length; i++) {
            packets[i] = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, Ipv6Address.parse("2001:db8:c::10"),
                    anycast(r.nextInt(bindings))), List.of(), new Udp(40000, 53, Bytes.of(new byte[64]))));
        }
        ring = new PacketRing(packets);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * The same with every packet in an array of its own, as pcap4j hands them over: each points the agent's view
     * at a new array, which costs G1's write barrier with its memory fence.
     *
     * @return packets sent
     */
    @Benchmark
    public long dataPathSeparateArrays() {
        byte[] p = packets[next++ & (packets.length - 1)];
        haa.receive(p, 0, p.length, 2);
        return sent;
    }

    /**
     * The hand-written floor: a 40-octet IPv6-in-IPv6 header in front of one arraycopy.
     *
     * @param b the array holding the packet
     * @param off the packet's first octet
     * @param len the packet's length
     * @param out where to write
     * @return octets written
     */
    static int floor(byte[] b, int off, int len, byte[] out) {
        out[0] = 0x60;
        out[4] = (byte) (len >>> 8);
        out[5] = (byte) len;
        out[6] = 41;
        out[7] = 64;
        System.arraycopy(HAA_BYTES, 0, out, 8, 16);
        System.arraycopy(PUA_BYTES, 0, out, 24, 16);
        System.arraycopy(b, off, out, 40, len);
        return len + 40;
    }
}
