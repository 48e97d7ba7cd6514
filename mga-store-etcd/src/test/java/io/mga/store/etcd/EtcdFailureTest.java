package io.mga.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoredBinding;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the etcd store does when the cluster fails, on a real 3-member cluster: the majority lost and given back; an
 * agent cut off (its only member stopped) while another agent, on the surviving majority, goes on writing; the
 * revision it would resume from compacted away meanwhile. Real time; every wait polls with a deadline.
 */
class EtcdFailureTest {
    private static final Ipv6Address ANYCAST = Ipv6Address.parse("2001:db8:bb::1");
    private static final Duration OP_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration PROBE = Duration.ofMillis(250);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final BlockingQueue<Object> PACE = new LinkedBlockingQueue<>();
    /** The bindings' expiry is told from this time, so that one binding made twice is equal. */
    private static final long T0 = now();
    private static EtcdCluster cluster;
    private static int tests;
    private final List<BindingStore> opened = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void start() throws IOException {
        cluster = new EtcdCluster(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restore() throws IOException {
        for (BindingStore s : opened) {
            s.close();
        }
        for (int i = 0; i < cluster.size(); i++) {
            cluster.start(i);
        }
        cluster.awaitHealthy();
    }

    private EtcdBindingStore open(List<URI> endpoints) throws IOException {
        if (prefix == null) {
            prefix = "/failure/" + ++tests;
        }
        EtcdBindingStore s = EtcdBindingStore.open(EtcdStoreConfig.of(endpoints).withKeyPrefix(prefix)
                .withTimeouts(OP_TIMEOUT, PROBE), EtcdFailureTest::now);
        opened.add(s);
        return s;
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static StoredBinding binding(int bid, int seq) {
        return new StoredBinding(new BindingKey(ANYCAST, bid), Ipv6Address.parse("2001:db8:9::" + (bid + 1)),
                "ar@example.net", 1, 0, seq, Duration.ofMinutes(5).toNanos(), T0 + Duration.ofMinutes(5).toNanos());
    }

    private static StoreResult await(java.util.concurrent.CompletionStage<StoreResult> f) throws Exception {
        return f.toCompletableFuture().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void poll(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within " + WITHIN).isNegative();
            try {
                PACE.poll(20, TimeUnit.MILLISECONDS); // the poll's pace: a queue nothing fills
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Writes through a store until one commits: the cluster may still be electing a leader. */
    private static long commitSoon(BindingStore s, StoredBinding b) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (true) {
            StoreResult r = await(s.put(b, BindingStore.ANY, null));
            if (r instanceof StoreResult.Committed c) {
                return c.revision();
            }
            assertThat(System.nanoTime() - deadline).as("a write commits within " + WITHIN + ": " + r).isNegative();
        }
    }

    private static StoreEvent next(BlockingQueue<StoreEvent> q) throws InterruptedException {
        StoreEvent e = q.poll(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("an event within " + WITHIN).isNotNull();
        return e;
    }

    private static StoreEvent nextChange(BlockingQueue<StoreEvent> q) throws InterruptedException {
        StoreEvent e = next(q);
        while (e instanceof StoreEvent.Connectivity) {
            e = next(q);
        }
        return e;
    }

    @Test
    void oneMemberLostLeavesAMajorityAndWritesGoOnCommitting() throws Exception {
        // issue 14's partition test, first step: one member of three isolated (stopped): the two left are a
        // majority, so a client with every endpoint goes on committing, stays connected and its watch delivers
        EtcdBindingStore a = open(cluster.endpoints());
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        a.watch(events::add);
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Snapshot.class);
        commitSoon(a, binding(1, 1));
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Put.class);
        cluster.stop(0);
        // the first write may meet the stopped member's endpoint or a leader election: commitSoon retries
        long rev = commitSoon(a, binding(2, 1));
        StoreEvent e = nextChange(events);
        while (!(e instanceof StoreEvent.Put p && p.revision() == rev)) {
            e = nextChange(events);
        }
        assertThat(((StoreEvent.Put) e).binding()).isEqualTo(binding(2, 1));
        for (int i = 3; i < 8; i++) {
            assertThat(await(a.put(binding(i, 1), BindingStore.ANY, null)))
                    .as("write %d with one member of three away", i).isInstanceOf(StoreResult.Committed.class);
        }
        poll("status says connected", () -> a.status().connected());
    }

    @Test
    void withoutAMajorityWritesAreUnavailableWithinTheTimeoutAndCommitWhenItIsBack() throws Exception {
        EtcdBindingStore a = open(cluster.endpoints());
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        a.watch(events::add);
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Snapshot.class);
        commitSoon(a, binding(1, 1));
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Put.class);

        cluster.stop(1);
        cluster.stop(2);
        long t0 = System.nanoTime();
        StoreResult r = await(a.put(binding(2, 1), BindingStore.ANY, null));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("majority lost: a write answered %s after %d ms (timeout %d ms)%n", r, tookMs,
                OP_TIMEOUT.toMillis());
        assertThat(r).isInstanceOf(StoreResult.Unavailable.class);
        assertThat(tookMs).isLessThan(OP_TIMEOUT.toMillis() + 1000);
        poll("status says disconnected", () -> !a.status().connected());
        assertThat(a.status().detail()).contains("last error");
        StoreEvent lost = nextUntilConnectivity(events);
        assertThat(((StoreEvent.Connectivity) lost).connected()).isFalse();

        cluster.start(1);
        cluster.start(2);
        long rev = commitSoon(a, binding(3, 1));
        poll("status says connected", () -> a.status().connected());
        // the watch tells the write made after the majority came back, and the store that it is reachable again
        // (in either order: the write's answer and its watch event come on two streams); the write refused
        // meanwhile may or may not have committed in the end: its answer said so
        boolean back = false;
        StoredBinding told = null;
        while (!back || told == null) {
            StoreEvent e = next(events);
            if (e instanceof StoreEvent.Connectivity c && c.connected()) {
                back = true;
            } else if (e instanceof StoreEvent.Put p && p.revision() == rev) {
                told = p.binding();
            }
        }
        assertThat(told).isEqualTo(binding(3, 1));
    }

    private static StoreEvent nextUntilConnectivity(BlockingQueue<StoreEvent> q) throws InterruptedException {
        StoreEvent e = next(q);
        while (!(e instanceof StoreEvent.Connectivity)) {
            e = next(q);
        }
        return e;
    }

    @Test
    void anAgentCutOffResumesFromItsRevisionAndMissesNoChange() throws Exception {
        EtcdBindingStore a = open(List.of(cluster.endpoint(2)));
        EtcdBindingStore b = open(List.of(cluster.endpoint(0), cluster.endpoint(1)));
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        a.watch(events::add);
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Snapshot.class);
        long first = commitSoon(b, binding(1, 1));
        assertThat(nextChange(events)).isEqualTo(new StoreEvent.Put(binding(1, 1), first));

        cluster.stop(2);
        poll("the cut-off agent says disconnected", () -> !a.status().connected());
        assertThat(await(a.put(binding(50, 1), BindingStore.ANY, null))).isInstanceOf(StoreResult.Unavailable.class);
        // the other agent, on the surviving majority, goes on: 20 registrations, then 5 deregistrations
        List<StoreEvent> made = new ArrayList<>();
        // the first may wait for an election if member 2 led
        made.add(new StoreEvent.Put(binding(2, 1), commitSoon(b, binding(2, 1))));
        for (int i = 3; i < 22; i++) {
            StoreResult r = await(b.put(binding(i, 1), BindingStore.ANY, null));
            made.add(new StoreEvent.Put(binding(i, 1), ((StoreResult.Committed) r).revision()));
        }
        for (int i = 2; i < 7; i++) {
            StoreResult r = await(b.remove(binding(i, 1).key(), BindingStore.ANY, null));
            made.add(new StoreEvent.Removed(binding(i, 1).key(), false, ((StoreResult.Committed) r).revision()));
        }

        cluster.start(2);
        List<StoreEvent> seen = new ArrayList<>();
        while (seen.size() < made.size()) {
            StoreEvent e = nextChange(events);
            assertThat(e).as("resumed, not resynchronised").isNotInstanceOf(StoreEvent.Snapshot.class);
            seen.add(e);
        }
        assertThat(seen).containsExactlyElementsOf(made);
        poll("the agent says connected again", () -> a.status().connected());
        poll("the agent's watch caught up", () -> a.status().appliedRevision() >= b.status().revision());
        assertThat(a.status().lag()).isZero();
    }

    @Test
    void aRevisionCompactedWhileCutOffBringsAFreshSnapshot() throws Exception {
        EtcdBindingStore a = open(List.of(cluster.endpoint(2)));
        EtcdBindingStore b = open(List.of(cluster.endpoint(0), cluster.endpoint(1)));
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        a.watch(events::add);
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Snapshot.class);
        commitSoon(b, binding(1, 1));
        commitSoon(b, binding(2, 1));
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Put.class);
        assertThat(nextChange(events)).isInstanceOf(StoreEvent.Put.class);

        cluster.stop(2);
        poll("the cut-off agent says disconnected", () -> !a.status().connected());
        commitSoon(b, binding(3, 1));
        long last = ((StoreResult.Committed) await(b.remove(binding(1, 1).key(), BindingStore.ANY, null)))
                .revision();
        try (Client raw = Client.builder().endpoints(cluster.endpoint(0), cluster.endpoint(1)).build()) {
            raw.getKVClient().compact(last).get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        }

        cluster.start(2);
        StoreEvent e = nextChange(events);
        assertThat(e).isInstanceOf(StoreEvent.Snapshot.class);
        StoreEvent.Snapshot s = (StoreEvent.Snapshot) e;
        assertThat(s.revision()).isGreaterThanOrEqualTo(last);
        assertThat(s.bindings()).containsExactlyInAnyOrder(binding(2, 1), binding(3, 1));
    }

    @Test
    void valuesThatAreNotBindingsAreSkippedAndCounted() throws Exception {
        EtcdBindingStore a = open(cluster.endpoints());
        String bindings = prefix + "/bindings/";
        StoredBinding good = binding(1, 1);
        commitSoon(a, good);
        try (Client raw = Client.builder().endpoints(cluster.endpoints().toArray(new URI[0])).build()) {
            put(raw, bindings + "2001:db8:bb::1/7", "garbage");
            put(raw, bindings + "2001:DB8:bb::1/8", new String(BindingCodec.encode(binding(8, 1)),
                    java.nio.charset.StandardCharsets.UTF_8));
            put(raw, bindings + "not-an-address/1", "{}");
            BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
            a.watch(events::add);
            StoreEvent.Snapshot snap = (StoreEvent.Snapshot) nextChange(events);
            assertThat(snap.bindings()).containsExactly(good);
            put(raw, bindings + "2001:db8:bb::1/9", "{\"v\":1}");
            long r = commitSoon(a, binding(2, 1));
            assertThat(nextChange(events)).isEqualTo(new StoreEvent.Put(binding(2, 1), r));
            // a binding overwritten by what is not one goes from the copy
            put(raw, bindings + "2001:db8:bb::1/2", "garbage");
            StoreEvent gone = nextChange(events);
            assertThat(gone).isInstanceOf(StoreEvent.Removed.class);
            assertThat(((StoreEvent.Removed) gone).key()).isEqualTo(binding(2, 1).key());
        }
        assertThat(a.status().detail()).contains("5 bad values skipped");
    }

    private static void put(Client raw, String key, String value) throws Exception {
        raw.getKVClient().put(io.etcd.jetcd.ByteSequence.from(key, java.nio.charset.StandardCharsets.UTF_8),
                io.etcd.jetcd.ByteSequence.from(value, java.nio.charset.StandardCharsets.UTF_8))
                .get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }
}
