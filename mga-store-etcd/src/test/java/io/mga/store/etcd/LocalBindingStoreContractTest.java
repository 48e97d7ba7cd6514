package io.mga.store.etcd;

import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoreStatus;
import io.mga.api.store.StoredBinding;
import io.mga.engine.store.LocalBindingStore;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against the embedded store, in virtual time. Its "two agents" are two handles on one
 * {@link LocalBindingStore} in one process: the only way agents share an embedded store.
 */
class LocalBindingStoreContractTest extends BindingStoreContract {
    private static final int MAX = 8;
    private final AtomicLong clock = new AtomicLong(1_796_000_000_000_000_000L);
    private LocalBindingStore store;

    @BeforeEach
    void fresh() {
        store = new LocalBindingStore(clock::get, MAX, 64);
    }

    @Override
    protected BindingStore newClient() {
        LocalBindingStore s = store;
        return new BindingStore() {
            @Override
            public CompletionStage<StoreResult> put(StoredBinding b, long expected, ReplayMark mark) {
                return s.put(b, expected, mark);
            }

            @Override
            public CompletionStage<StoreResult> remove(BindingKey key, long expected, ReplayMark mark) {
                return s.remove(key, expected, mark);
            }

            @Override
            public AutoCloseable watch(Consumer<StoreEvent> listener) {
                return s.watch(listener);
            }

            @Override
            public StoreStatus status() {
                return s.status();
            }

            @Override
            public void close() {
                // the handle goes; the store stays for the other handle
            }
        };
    }

    @Override
    protected long unixNanos() {
        return clock.get();
    }

    @Override
    protected void letLapse(Duration lifetime) {
        store.expire(clock.addAndGet(lifetime.toNanos() + 1));
    }

    @Override
    protected Duration expiryWithin() {
        return Duration.ofMillis(1);
    }

    @Override
    protected int maxBindings() {
        return MAX;
    }
}
