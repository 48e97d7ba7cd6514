package io.mga.engine;

import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoreStatus;
import io.mga.api.store.StoredBinding;
import io.mga.engine.store.LocalBindingStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One {@link LocalBindingStore} shared by several agents, for tests: each agent opens its own {@link #view()}
 * (the embedded store has one watch; a view fans its events out), as agents open one etcd cluster. A view can be
 * made to answer later ({@link View#deferred}: its answers and events wait for {@link #release()}, in order, as
 * a remote store's do) and the store can be cut off ({@link #down}: every write answers Unavailable and every
 * view hears a {@link StoreEvent.Connectivity} change).
 */
final class SharedStore {
    private final LocalBindingStore inner;
    private final List<View> views = new ArrayList<>();
    private final Map<BindingKey, StoredBinding> held = new LinkedHashMap<>();
    private final List<Runnable> waiting = new ArrayList<>();
    private long revision;
    private boolean down;

    SharedStore(LongSupplier unixNanos) {
        inner = new LocalBindingStore(unixNanos, 100_000, 1024);
        inner.watch(this::fan);
    }

    private void fan(StoreEvent e) {
        if (e instanceof StoreEvent.Put p) {
            held.put(p.binding().key(), p.binding());
            revision = p.revision();
        } else if (e instanceof StoreEvent.Removed r) {
            held.remove(r.key());
            revision = r.revision();
        }
        for (View v : views) {
            v.tell(e);
        }
    }

    /** @return a new agent's connection to the store */
    View view() {
        View v = new View();
        views.add(v);
        return v;
    }

    /** Cuts the store off (or heals it): every view hears it. */
    void down(boolean d) {
        down = d;
        for (View v : views) {
            v.tell(new StoreEvent.Connectivity(!d, d ? "cut off (test)" : "healed (test)"));
        }
    }

    /** @return how many answers and events wait */
    int waiting() {
        return waiting.size();
    }

    /** Delivers everything the deferred views hold, in the order it happened. */
    void release() {
        List<Runnable> now = new ArrayList<>(waiting);
        waiting.clear();
        now.forEach(Runnable::run);
    }

    /** Writes straight into the store, as another agent would. */
    StoreResult put(StoredBinding b) {
        return inner.put(b, BindingStore.ANY, null).toCompletableFuture().join();
    }

    /** One agent's connection. */
    final class View implements BindingStore {
        /** True: answers and events wait for {@link SharedStore#release()}. */
        boolean deferred;
        private Consumer<StoreEvent> listener;

        private void tell(StoreEvent e) {
            Consumer<StoreEvent> l = listener;
            if (l == null) {
                return;
            }
            if (deferred) {
                waiting.add(() -> l.accept(e));
            } else {
                l.accept(e);
            }
        }

        private CompletionStage<StoreResult> answer(StoreResult r) {
            if (!deferred) {
                return CompletableFuture.completedFuture(r);
            }
            CompletableFuture<StoreResult> f = new CompletableFuture<>();
            waiting.add(() -> f.complete(r));
            return f;
        }

        @Override
        public CompletionStage<StoreResult> put(StoredBinding binding, long expectedRevision, ReplayMark mark) {
            if (down) {
                return answer(new StoreResult.Unavailable("cut off (test)"));
            }
            return answer(inner.put(binding, expectedRevision, mark).toCompletableFuture().join());
        }

        @Override
        public CompletionStage<StoreResult> remove(BindingKey key, long expectedRevision, ReplayMark mark) {
            if (down) {
                return answer(new StoreResult.Unavailable("cut off (test)"));
            }
            return answer(inner.remove(key, expectedRevision, mark).toCompletableFuture().join());
        }

        @Override
        public AutoCloseable watch(Consumer<StoreEvent> l) {
            listener = l;
            tell(new StoreEvent.Snapshot(List.copyOf(held.values()), revision));
            return () -> listener = null;
        }

        @Override
        public StoreStatus status() {
            StoreStatus s = inner.status();
            return new StoreStatus("shared-test", !down, s.revision(), s.appliedRevision(), s.detail());
        }

        @Override
        public void close() {
            listener = null;
        }
    }
}
