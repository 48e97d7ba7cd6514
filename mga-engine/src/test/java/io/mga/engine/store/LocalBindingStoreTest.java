package io.mga.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoredBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded store's expiry, in virtual time: a deadline of a binding written again, or removed, since does not
 * take it; a refresh that moves the expiry later adds no deadline, one that brings it earlier lapses then; the heap
 * of deadlines is rebuilt rather than grown by writes of one binding; and a write costs no scan of every binding (the contract itself is checked against both stores in mga-store-etcd).
 */
class LocalBindingStoreTest {
    static final long S = 1_000_000_000L;
    final AtomicLong clock = new AtomicLong(1_796_000_000L * S);
    final List<StoreEvent> events = new ArrayList<>();

    StoredBinding binding(int anycast, int bid, long lifetimeSeconds) {
        return new StoredBinding(new BindingKey(new Ipv6Address(0x20010db8000a0000L, anycast), bid),
                Ipv6Address.parse("2001:db8:1::100"), "ar@example.net", 100, 0, 1, lifetimeSeconds * S,
                clock.get() + lifetimeSeconds * S);
    }

    static boolean committed(StoreResult r) {
        return r instanceof StoreResult.Committed;
    }

    long expired() {
        return events.stream().filter(e -> e instanceof StoreEvent.Removed r && r.expired()).count();
    }

    @Test
    void aBindingWrittenAgainOutlivesItsFirstDeadline() {
        LocalBindingStore store = new LocalBindingStore(clock::get, 16, 4);
        store.watch(events::add);
        store.put(binding(1, 1, 10), BindingStore.ANY, null);
        store.put(binding(1, 1, 20), BindingStore.ANY, null);
        assertThat(store.expire(clock.get() + 15 * S)).isZero();
        assertThat(store.status().detail()).isEqualTo("1 bindings");
        assertThat(store.expire(clock.get() + 21 * S)).isEqualTo(1);
        assertThat(expired()).isEqualTo(1);
        assertThat(store.status().detail()).isEqualTo("0 bindings");
    }

    @Test
    void refreshesThatMoveTheExpiryLaterAddNoDeadlineAndTheLastOneHolds() {
        LocalBindingStore store = new LocalBindingStore(clock::get, 16, 4);
        store.watch(events::add);
        for (int i = 0; i < 1_000; i++) {
            clock.addAndGet(S / 10);
            store.put(binding(1, 1, 10), BindingStore.ANY, null);
        }
        assertThat(store.queuedDeadlines()).isEqualTo(1);
        // the first deadline (10 s after the first write) comes up, finds the binding refreshed and requeues it
        assertThat(store.expire(clock.get() + 9 * S)).isZero();
        assertThat(store.queuedDeadlines()).isEqualTo(1);
        assertThat(store.expire(clock.get() + 10 * S - 1)).isZero();
        assertThat(store.expire(clock.get() + 10 * S)).isEqualTo(1);
        assertThat(store.queuedDeadlines()).isZero();
        assertThat(expired()).isEqualTo(1);
    }

    @Test
    void aWriteThatBringsTheExpiryEarlierLapsesThen() {
        LocalBindingStore store = new LocalBindingStore(clock::get, 16, 4);
        store.watch(events::add);
        store.put(binding(1, 1, 100), BindingStore.ANY, null);
        store.put(binding(1, 1, 5), BindingStore.ANY, null);
        assertThat(store.expire(clock.get() + 5 * S - 1)).isZero();
        assertThat(store.expire(clock.get() + 5 * S)).isEqualTo(1);
        // the first write's deadline, left behind, tells nothing when it comes up
        assertThat(store.expire(clock.get() + 101 * S)).isZero();
        assertThat(expired()).isEqualTo(1);
        assertThat(store.queuedDeadlines()).isZero();
    }

    @Test
    void aRemovedBindingsDeadlineTellsNothing() {
        LocalBindingStore store = new LocalBindingStore(clock::get, 16, 4);
        store.watch(events::add);
        store.put(binding(1, 1, 10), BindingStore.ANY, null);
        store.remove(new BindingKey(new Ipv6Address(0x20010db8000a0000L, 1), 1), BindingStore.ANY, null);
        assertThat(store.expire(clock.get() + 11 * S)).isZero();
        assertThat(expired()).isZero();
    }

    @Test
    void writesOfOneBindingOverAndOverDoNotGrowTheHeapOrLoseTheLastDeadline() {
        LocalBindingStore store = new LocalBindingStore(clock::get, 4, 4);
        store.watch(events::add);
        for (int i = 0; i < 10_000; i++) {
            assertThat(committed(store.put(binding(1, 1, 100 + i % 7), BindingStore.ANY, null)
                    .toCompletableFuture().join())).isTrue();
        }
        // the last write asked for 100 + 9999 % 7 = 103 s
        assertThat(store.expire(clock.get() + 102 * S)).isZero();
        assertThat(store.expire(clock.get() + 104 * S)).isEqualTo(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nearlyAMillionBindingsAreWrittenAndLapseWithoutAScanPerWrite() {
        int n = 960_000; // lifetimes of 60 to 119 s, 16,000 bindings each
        LocalBindingStore store = new LocalBindingStore(clock::get, n, 4);
        for (int i = 0; i < n; i++) {
            store.put(binding(i, 1, 60 + i % 60), BindingStore.ANY, null);
        }
        assertThat(store.status().detail()).isEqualTo(n + " bindings");
        store.watch(events::add);
        assertThat(store.expire(clock.get() + 90 * S - 1)).isEqualTo(n / 2); // 60 to 89 s
        assertThat(store.expire(clock.get() + 120 * S)).isEqualTo(n / 2);
        assertThat(expired()).isEqualTo(n);
    }
}
