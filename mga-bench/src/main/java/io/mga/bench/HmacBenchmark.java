package io.mga.bench;

import java.security.Security;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
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
 * HMAC-SHA1 as return routability and RFC 4285 authentication use it (a 20-octet key, about 52 octets of input:
 * care-of address, correspondent, MH data), through the JDK's JCA provider and through BouncyCastle (its
 * lightweight API and its JCA provider), in the same JMH run so that the ratio survives a noisy machine.
 * {@code java -jar mga-bench/target/benchmarks.jar Hmac}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HmacBenchmark {
    private final byte[] key = new byte[20];
    private final byte[] input = new byte[52];
    private final byte[] out = new byte[20];
    private Mac jdk;
    private Mac bcJca;
    private HMac bcLight;

    /**
     * Prepares the three MACs with the same key and input.
     *
     * @throws Exception if a provider is missing
     */
    @Setup
    public void setup() throws Exception {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 7);
        }
        jdk = Mac.getInstance("HmacSHA1");
        jdk.init(new SecretKeySpec(key, "HmacSHA1"));
        Security.addProvider(new BouncyCastleProvider());
        bcJca = Mac.getInstance("HmacSHA1", BouncyCastleProvider.PROVIDER_NAME);
        bcJca.init(new SecretKeySpec(key, "HmacSHA1"));
        bcLight = new HMac(new SHA1Digest());
        bcLight.init(new KeyParameter(key));
        if (!java.util.Arrays.equals(jdk.doFinal(input), bcJca.doFinal(input))) {
            throw new IllegalStateException("providers disagree");
        }
    }

    /** @return the MAC through the JDK's provider (SunJCE, with SHA intrinsics where the CPU has them) */
    @Benchmark
    public byte[] jdk() {
        return jdk.doFinal(input);
    }

    /** @return the MAC through BouncyCastle's JCA provider */
    @Benchmark
    public byte[] bouncyCastleJca() {
        return bcJca.doFinal(input);
    }

    /**
     * @return the MAC through BouncyCastle's lightweight API (no JCA)
     */
    @Benchmark
    public byte[] bouncyCastleLightweight() {
        bcLight.update(input, 0, input.length);
        bcLight.doFinal(out, 0);
        return out;
    }
}
