package io.mga.bench;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.engine.crypto.ReturnRoutability;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.security.Security;
import java.util.Arrays;
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
 * Return routability at the correspondent, beside one HMAC-SHA1 over the same input in the same run: generating
 * a home keygen token (what answering a HoTI costs, RFC 6275 §5.2.5), and verifying a BU's authorization (two
 * tokens, Kbm, the authenticator over the MH data). The reference HMACs run through the JDK and BouncyCastle.
 * {@code java -jar mga-bench/target/benchmarks.jar ReturnRoutability -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReturnRoutabilityBenchmark {
    private final ReturnRoutability rr = new ReturnRoutability();
    private final byte[] kcn = Bytes.fromHex("0102030405060708090a0b0c0d0e0f1011121314").toArray();
    private final byte[] homeNonce = Bytes.fromHex("0102030405060708").toArray();
    private final byte[] careOfNonce = Bytes.fromHex("1112131415161718").toArray();
    private final Ipv6Address hoa = Ipv6Address.parse("2001:db8:1::a");
    private final Ipv6Address coa = Ipv6Address.parse("2001:db8:2::100");
    private final Ipv6Address cn = Ipv6Address.parse("2001:db8:3::1");
    private byte[] tokenInput;
    private byte[] mhData;
    private byte[] authenticator;
    private Mac jdk;
    private HMac bc;
    private final byte[] out = new byte[20];

    /**
     * Prepares the inputs and the reference MACs.
     *
     * @throws Exception if a provider is missing
     */
    @Setup
    public void setup() throws Exception {
        tokenInput = new byte[25];
        hoa.writeTo(tokenInput, 0);
        System.arraycopy(homeNonce, 0, tokenInput, 16, 8);
        jdk = Mac.getInstance("HmacSHA1");
        jdk.init(new SecretKeySpec(kcn, "HmacSHA1"));
        Security.addProvider(new BouncyCastleProvider());
        bc = new HMac(new SHA1Digest());
        bc.init(new KeyParameter(kcn));
        byte[] mh = PacketEncoder.encode(new MobilityHeader(MobilityMessage.BindingUpdate.of(8, 0x8000, 105,
                new MobilityOption.NonceIndices(0x11, 0x22), new MobilityOption.BindingAuthorizationData(
                        Bytes.zeros(12)))));
        mhData = Arrays.copyOf(mh, mh.length - 12);
        authenticator = Bytes.fromHex("89ad28ba58709acf5b956f3a").toArray();
    }

    /** @return a home keygen token, as a HoT needs */
    @Benchmark
    public long homeTestToken() {
        return rr.keygenToken(kcn, hoa, homeNonce, false);
    }

    /** @return one HMAC-SHA1 over the same 25 octets, JDK */
    @Benchmark
    public byte[] oneHmacJdk() {
        return jdk.doFinal(tokenInput);
    }

    /** @return one HMAC-SHA1 over the same 25 octets, BouncyCastle lightweight */
    @Benchmark
    public byte[] oneHmacBouncyCastle() {
        bc.update(tokenInput, 0, tokenInput.length);
        bc.doFinal(out, 0);
        return out;
    }

    /** @return whether a BU's authenticator checks: two tokens, Kbm, one HMAC over the MH data */
    @Benchmark
    public boolean verifyBindingUpdate() {
        long home = rr.keygenToken(kcn, hoa, homeNonce, false);
        long careOf = rr.keygenToken(kcn, coa, careOfNonce, true);
        byte[] kbm = rr.kbm(home, careOf);
        return java.security.MessageDigest.isEqual(rr.authenticator(kbm, coa, cn, mhData), authenticator);
    }
}
