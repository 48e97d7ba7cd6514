package io.mga.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoredBinding;
import io.mga.engine.store.LocalBindingStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Measures, in one run, the etcd store through a real 3-member cluster on this machine and the embedded store
 * beside it: the latency of 1,000 sequential registrations (p50, p99) and the bindings changed per second with 64
 * writes in flight for 5 s. Writes the figures to {@code target/store-figures.txt} and prints them; asserts only
 * that they are sane. Every write carries a replay mark, as an authenticated BU does.
 */
class StoreFiguresTest {
    private static final int SEQUENTIAL = 1_000;
    private static final int IN_FLIGHT = 64;
    private static final Duration SUSTAINED = Duration.ofSeconds(5);
    private static final Duration LIFETIME = Duration.ofSeconds(300);
    /** The responder's defaults: a 300 s lifetime, refreshed at 4/5 of it. */
    private static final double REFRESH_SECONDS = 240;
    private static final long AGENTS = 100;
    private static final long RESPONDERS = 10_000;

    private record Figures(double p50Ms, double p99Ms, double changesPerSecond, long refused) { }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static StoredBinding binding(int i) {
        Ipv6Address anycast = new Ipv6Address(0x20010db8_00cc0000L, i / 100);
        return new StoredBinding(new BindingKey(anycast, i % 100), new Ipv6Address(0x20010db8_00dd0000L, i),
                "ar" + i + "@example.net", 100, 0, i & 0xffff, LIFETIME.toNanos(), now() + LIFETIME.toNanos());
    }

    private static Figures measure(BindingStore s) throws Exception {
        long[] took = new long[SEQUENTIAL];
        for (int i = 0; i < SEQUENTIAL; i++) {
            long t0 = System.nanoTime();
            StoreResult r = s.put(binding(i), 0, new ReplayMark(i, 1)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            took[i] = System.nanoTime() - t0;
            assertThat(r).isInstanceOf(StoreResult.Committed.class);
        }
        Arrays.sort(took);
        double p50 = took[SEQUENTIAL / 2] / 1e6;
        double p99 = took[SEQUENTIAL * 99 / 100] / 1e6;

        // refreshes of the same 1,000 bindings, 64 in flight; a binding's next refresh starts 1,000 writes later,
        // long after its last one answered, so each SPI's marks go up in order
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong committed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long start = System.nanoTime();
        long end = start + SUSTAINED.toNanos();
        long n = 0;
        while (System.nanoTime() - end < 0) {
            if (!slots.tryAcquire(1, TimeUnit.SECONDS)) {
                continue;
            }
            int i = (int) (n % SEQUENTIAL);
            long round = 2 + n / SEQUENTIAL;
            n++;
            s.put(binding(i), BindingStore.ANY, new ReplayMark(i, round)).whenComplete((r, e) -> {
                if (r instanceof StoreResult.Committed) {
                    committed.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
                slots.release();
            });
        }
        assertThat(slots.tryAcquire(IN_FLIGHT, 20, TimeUnit.SECONDS)).as("the writes in flight answer").isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Figures(p50, p99, committed.get() / seconds, refused.get());
    }

    /** The reference inside etcd: a plain put, no lease, no condition (one consensus round), p50 and p99 in ms. */
    private static double[] plainPuts(EtcdCluster cluster) throws Exception {
        int n = 300;
        long[] took = new long[n];
        try (Client raw = Client.builder().endpoints(cluster.endpoints().toArray(new URI[0])).build()) {
            ByteSequence v = ByteSequence.from(BindingCodec.encode(binding(0)));
            for (int i = 0; i < n; i++) {
                ByteSequence k = ByteSequence.from("/figures/plain/" + i, StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                raw.getKVClient().put(k, v).get(10, TimeUnit.SECONDS);
                took[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(took);
        return new double[] {took[n / 2] / 1e6, took[n * 99 / 100] / 1e6};
    }

    @Test
    void registrationLatencyAndSustainedRateEtcdBesideTheEmbeddedStore() throws Exception {
        Figures etcd;
        double[] onePut;
        try (EtcdCluster cluster = new EtcdCluster(3);
             EtcdBindingStore s = EtcdBindingStore.open(EtcdStoreConfig.of(cluster.endpoints())
                     .withKeyPrefix("/figures"), StoreFiguresTest::now)) {
            etcd = measure(s);
            onePut = plainPuts(cluster);
        }
        Figures local;
        try (LocalBindingStore s = new LocalBindingStore(StoreFiguresTest::now, 10_000, 10_000)) {
            measure(s); // warm-up: the JIT, for a fair reference
        }
        try (LocalBindingStore s = new LocalBindingStore(StoreFiguresTest::now, 10_000, 10_000)) {
            local = measure(s);
        }
        long shared = RESPONDERS;
        long today = AGENTS * RESPONDERS;
        double sharedRate = shared / REFRESH_SECONDS;
        double todayRate = today / REFRESH_SECONDS;
        String out = String.format(Locale.ROOT, """
                store figures (%d sequential registrations; then %d in flight for %d s), %d cores
                etcd, 3 members on loopback: p50 %.2f ms, p99 %.2f ms, %.0f changes/s sustained (%d refused)
                  (for reference, a plain etcd put, one consensus round, 300 sequential: p50 %.2f ms, p99 %.2f ms)
                embedded LocalBindingStore:  p50 %.4f ms, p99 %.4f ms, %.0f changes/s sustained (%d refused)
                ratio embedded/etcd: %.0fx the rate
                arithmetic on the measured etcd rate: %d agents x %d responders, lifetime 300 s refreshed every %.0f s:
                  shared store (each responder registers once): %d registrations per interval = %.1f/s,
                    %.1f%% of the measured rate: %s
                  today (each responder with every agent, each agent its own store): %d per interval = %.0f/s in all
                    (%.1f/s at each agent); the same pattern through one shared etcd would need %.0f%% of it: %s
                """,
                SEQUENTIAL, IN_FLIGHT, SUSTAINED.toSeconds(), Runtime.getRuntime().availableProcessors(),
                etcd.p50Ms, etcd.p99Ms, etcd.changesPerSecond, etcd.refused, onePut[0], onePut[1],
                local.p50Ms, local.p99Ms, local.changesPerSecond, local.refused,
                local.changesPerSecond / etcd.changesPerSecond,
                AGENTS, RESPONDERS, REFRESH_SECONDS,
                shared, sharedRate, 100 * sharedRate / etcd.changesPerSecond,
                sharedRate < etcd.changesPerSecond ? "sustained" : "NOT sustained",
                today, todayRate, todayRate / AGENTS, 100 * todayRate / etcd.changesPerSecond,
                todayRate < etcd.changesPerSecond ? "sustained" : "NOT sustained");
        System.out.print(out);
        Path file = Path.of("target", "store-figures.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
        // sane bounds only: these are measurements, not targets
        assertThat(etcd.p50Ms).isPositive().isLessThan(1_000);
        assertThat(etcd.p99Ms).isGreaterThanOrEqualTo(etcd.p50Ms);
        assertThat(etcd.changesPerSecond).isGreaterThan(1);
        assertThat(etcd.refused).isZero();
        assertThat(local.refused).isZero();
        assertThat(local.changesPerSecond).isGreaterThan(etcd.changesPerSecond);
    }

    static {
        try {
            Files.createDirectories(Path.of("target"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
