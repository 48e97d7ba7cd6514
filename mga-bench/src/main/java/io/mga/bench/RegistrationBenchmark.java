package io.mga.bench;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Registrations at the agent, on one thread: an authenticated refresh BU in (decode, checksum, RFC 4285 MAC,
 * sequence, binding update, timer), a signed BA out (encode, MAC, checksum). The BUs are made in advance with
 * increasing sequence numbers; replay protection by timestamp is off so that they stay valid over the run
 * (with it on, each BU would also carry and check a timestamp, at negligible cost beside the two MACs).
 * {@code java -jar mga-bench/target/benchmarks.jar Registration -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegistrationBenchmark {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address PUA = Ipv6Address.parse("2001:db8:1::100");
    static final int N = 30_000;

    private final byte[][] bus = new byte[N][];
    private HomeAnycastAgent haa;
    private int next;
    private long now;
    private long acks;

    /** Signs the BUs once. */
    @Setup(Level.Trial)
    public void sign() {
        Bytes key = Bytes.fromHex("00112233445566778899aabbccddeeff");
        MnHaAuth auth = new MnHaAuth();
        for (int i = 0; i < N; i++) {
            int seq = i + 1;
            MobilityMessage m = MobilityMessage.BindingUpdate.of(seq, 0xc000, 75,
                    new MobilityOption.AlternateCareOfAddress(PUA), MobilityOption.BindingIdentifier.of(1, 0, PUA),
                    new MobilityOption.Authentication(1, 1000, Bytes.zeros(12)));
            MobilityMessage s = io.mga.engine.mobility.MobilitySender.signMnHa(auth, key.toArray(), PUA, AA, m);
            bus[i] = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, PUA, HAA),
                    List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)), new MobilityHeader(s)));
        }
    }

    /** A fresh agent for each iteration, so that sequence numbers start over. */
    @Setup(Level.Iteration)
    public void agent() {
        haa = HomeAnycastAgent.builder().address(HAA).serve(Ipv6Prefix.parse("2001:db8:a::/64")).model(Model.ADVANCED)
                .replayProtection(false, 7_000_000_000L)
                .responder(new ResponderCredentials("ar1@example.net", 1000,
                        Bytes.fromHex("00112233445566778899aabbccddeeff"), List.of(Ipv6Prefix.parse("2001:db8:a::/64"))))
                .io((b, o, l) -> acks++).build(0);
        next = 0;
    }

    /** @return acknowledgements sent so far (one per BU) */
    @Benchmark
    public long registration() {
        if (next == N) {
            agent();
        }
        now += 1_000;
        byte[] b = bus[next++];
        haa.receive(b, 0, b.length, now);
        return acks;
    }
}
