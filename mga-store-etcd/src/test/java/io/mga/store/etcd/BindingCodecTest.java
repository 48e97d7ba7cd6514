package io.mga.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoredBinding;
import java.net.URI;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The value encoding, the key layout and the configuration's checks: pure functions, no etcd. */
class BindingCodecTest {
    private static final BindingKey KEY = new BindingKey(Ipv6Address.parse("2001:db8::1"), 7);
    private static final StoredBinding B = new StoredBinding(KEY, Ipv6Address.parse("2001:db8:1::10"),
            "ar1@example.net", 100, 3, 65535, 60_000_000_000L, 1_796_220_000_000_000_000L);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String malformed(String json) {
        try {
            BindingCodec.decode(KEY, utf8(json));
        } catch (BindingCodec.Malformed m) {
            return m.getMessage();
        }
        throw new AssertionError("decoded: " + json);
    }

    @Test
    void aBindingSurvivesItsEncoding() throws Exception {
        byte[] v = BindingCodec.encode(B);
        assertThat(v.length).isLessThanOrEqualTo(BindingCodec.MAX_BYTES);
        assertThat(BindingCodec.decode(KEY, v)).isEqualTo(B);
        assertThat(new String(v, StandardCharsets.UTF_8)).startsWith("{\"v\":1,");
    }

    @Test
    void anythingOutOfShapeIsMalformedNeverAnotherException() {
        assertThat(malformed("garbage")).isEqualTo("not JSON");
        assertThat(malformed("[1,2]")).isEqualTo("not a JSON object");
        assertThat(malformed("")).isEqualTo("not a JSON object");
        String ok = new String(BindingCodec.encode(B), StandardCharsets.UTF_8);
        assertThat(malformed(ok.replace("\"v\":1", "\"v\":2"))).contains("version 2");
        assertThat(malformed(ok.replace("\"weight\":100", "\"weight\":65536"))).contains("weight out of range");
        assertThat(malformed(ok.replace("\"seq\":65535", "\"seq\":\"1\""))).contains("seq is not an integer");
        assertThat(malformed(ok.replace("\"lifetimeNanos\":60000000000", "\"lifetimeNanos\":0")))
                .contains("lifetimeNanos out of range");
        assertThat(malformed(ok.replace("2001:db8:1::10", "2001:db8:1::zz"))).contains("careOf");
        assertThat(malformed(ok.replace(",\"load\":3", ""))).contains("load");
        assertThat(malformed(ok.replace("{\"v\":1,", "{\"v\":1,\"v\":1,"))).isEqualTo("not JSON");
        assertThat(malformed(ok.replace("\"load\":3", "\"load\":12345678901234567890123456789"))).isNotEmpty();
        assertThat(malformed("{\"a\":[[[[[[[[[[1]]]]]]]]]]}")).isEqualTo("not JSON");
        assertThat(malformed("{\"v\":1,\"careOf\":\"" + "x".repeat(2000) + "\"}")).contains("octets");
    }

    @Test
    void aResponderIdentityIsBounded() {
        StoredBinding longName = new StoredBinding(KEY, B.careOf(), "a".repeat(254), 1, 1, 1, 1, 1);
        assertThatThrownBy(() -> BindingCodec.encode(longName)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void markValuesCompareBytewiseAsTheirTimestampsUnsigned() {
        SplittableRandom r = new SplittableRandom(14);
        long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0xffL, 0x100L};
        for (int i = 0; i < 10_000; i++) {
            long a = i < edges.length ? edges[i] : r.nextLong();
            long b = i < edges.length ? edges[(i + 1) % edges.length] : r.nextLong();
            byte[] va = Keys.markValue(new ReplayMark(1, a));
            byte[] vb = Keys.markValue(new ReplayMark(1, b));
            assertThat(va).hasSize(16);
            assertThat(Integer.signum(Arrays.compareUnsigned(va, vb))).isEqualTo(Integer.signum(
                    Long.compareUnsigned(a, b)));
        }
    }

    @Test
    void onlyCanonicalBindingKeysParse() {
        Keys k = new Keys("/mga/site1");
        assertThat(k.binding(KEY)).isEqualTo("/mga/site1/bindings/2001:db8::1/7");
        assertThat(k.mark(0xabcdL)).isEqualTo("/mga/site1/marks/0000abcd");
        assertThat(k.parseBinding("/mga/site1/bindings/2001:db8::1/7")).isEqualTo(KEY);
        for (String bad : List.of("/mga/site1/bindings/2001:DB8::1/7", "/mga/site1/bindings/2001:db8:0::1/7",
                "/mga/site1/bindings/2001:db8::1/07", "/mga/site1/bindings/2001:db8::1/65536",
                "/mga/site1/bindings/2001:db8::1/", "/mga/site1/bindings/2001:db8::1", "/mga/site1/bindings//7",
                "/mga/site1/bindings/not-an-address/1", "/mga/site1/bindings/2001:db8::1/7/8",
                "/mga/site1/bindings/2001:db8::1/-1", "/mga/site2/bindings/2001:db8::1/7",
                "/mga/site1/bindings/" + "1:".repeat(40) + "/1")) {
            assertThat(k.parseBinding(bad)).as(bad).isNull();
        }
    }

    @Test
    void aConfigurationRefusesHalfGivenPairsAndBadValues() {
        List<URI> plain = List.of(URI.create("http://127.0.0.1:2379"));
        EtcdStoreConfig ok = EtcdStoreConfig.of(plain);
        assertThat(ok.keyPrefix()).isEqualTo("/mga");
        assertThatThrownBy(() -> EtcdStoreConfig.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtcdStoreConfig.of(List.of(URI.create("tcp://127.0.0.1:2379"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withKeyPrefix("mga")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withKeyPrefix("/mga/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withKeyPrefix("/a//b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withKeyPrefix("/a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withMaxBindings(0)).isInstanceOf(IllegalArgumentException.class);
        // TLS only with https endpoints, a certificate only with its key, a user only with a password file
        assertThatThrownBy(() -> ok.withTls(Path.of("ca.pem"), null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EtcdStoreConfig.of(List.of(URI.create("https://127.0.0.1:2379"))))
                .isInstanceOf(IllegalArgumentException.class);
        EtcdStoreConfig tls = new EtcdStoreConfig(List.of(URI.create("https://127.0.0.1:2379")), "/mga",
                ok.opTimeout(), ok.connectTimeout(), ok.probeInterval(), 10, Path.of("ca.pem"), null, null, null,
                null);
        assertThat(tls.withTls(tls.caFile(), Path.of("c.pem"), Path.of("k.pem")).certFile()).isNotNull();
        assertThatThrownBy(() -> tls.withTls(tls.caFile(), Path.of("c.pem"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withCredentials("mga", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ok.withCredentials("mga", Path.of("pw")).passwordFile()).isEqualTo(Path.of("pw"));
    }
}
