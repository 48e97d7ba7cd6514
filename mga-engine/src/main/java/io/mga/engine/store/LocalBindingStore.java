package io.mga.engine.store;

import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoreStatus;
import io.mga.api.store.StoredBinding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The embedded {@link BindingStore}: one agent's bindings in its own memory, bounded. Every write completes at once,
 * on the caller's thread, and its event reaches the watch before the write returns; lapsed bindings go when
 * {@link #expire} is called, and before every write and watch. Revisions count writes from 1. Thread-safe (one
 * lock); nothing here blocks.
 *
 * <p>Expiry costs O(log n) per binding that lapses, not a scan: the deadlines sit in a min-heap. Each binding has
 * one deadline there that it tracks, at or before its expiry. A refresh that moves the expiry later (the common
 * write) leaves the heap alone: when the tracked deadline comes up, a binding that has not lapsed yet goes back in
 * at its present expiry. (A scan of every binding on every write made the millionth registration cost a million
 * steps: the data-path benchmark's set-up of a million bindings did not finish in 20 minutes; a deadline pushed on
 * every write cost the agent's registrations some 5%.) Only a write that brings the expiry earlier, or a binding
 * removed and written again, adds a deadline; the one left behind is skipped when it comes up. Past
 * {@code 2 * maxBindings + 1024} deadlines the heap is rebuilt from the bindings, so writes of one binding over and
 * over cannot grow it.
 */
public final class LocalBindingStore implements BindingStore {
    private final LongSupplier unixNanos;
    private final int maxBindings;
    private final int maxMarks;
    private final Map<BindingKey, Entry> bindings = new HashMap<>();
    private final Map<Long, Long> marks = new HashMap<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));
    private Consumer<StoreEvent> listener;
    private long revision;

    /** A binding, the revision it was written at, and the deadline of the heap it tracks (at most its expiry). */
    private record Entry(StoredBinding binding, long revision, long tracked) { }

    /** A time at which the binding of {@code key} is looked at: it lapses then, or goes back in at its expiry. */
    private record Deadline(long at, BindingKey key) { }

    /**
     * @param unixNanos the wall clock (Unix nanoseconds) lifetimes are told in
     * @param maxBindings how many bindings it holds at most (a put beyond: {@link StoreResult.Unavailable})
     * @param maxMarks how many SPIs' replay marks it holds at most (the agent's configured SPIs)
     */
    public LocalBindingStore(LongSupplier unixNanos, int maxBindings, int maxMarks) {
        this.unixNanos = Objects.requireNonNull(unixNanos, "unixNanos");
        if (maxBindings <= 0 || maxMarks <= 0) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxBindings = maxBindings;
        this.maxMarks = maxMarks;
    }

    @Override
    public CompletionStage<StoreResult> put(StoredBinding binding, long expectedRevision, ReplayMark mark) {
        Objects.requireNonNull(binding, "binding");
        StoreResult r;
        Consumer<StoreEvent> l;
        StoreEvent e = null;
        synchronized (this) {
            expire(unixNanos.getAsLong());
            Entry at = bindings.get(binding.key());
            r = check(at, expectedRevision, mark);
            if (r == null && at == null && bindings.size() >= maxBindings) {
                r = new StoreResult.Unavailable("the store holds " + maxBindings + " bindings");
            }
            if (r == null) {
                remember(mark);
                revision++;
                long expires = binding.expiresAtUnixNanos();
                // the deadline tracked so far still comes first: no new one (a refresh that moves the expiry later)
                boolean keep = at != null && at.tracked() - expires <= 0;
                bindings.put(binding.key(), new Entry(binding, revision, keep ? at.tracked() : expires));
                if (!keep) {
                    deadline(binding.key(), expires);
                }
                e = new StoreEvent.Put(binding, revision);
                r = new StoreResult.Committed(revision);
            }
            l = listener;
        }
        tell(l, e);
        return CompletableFuture.completedFuture(r);
    }

    @Override
    public CompletionStage<StoreResult> remove(BindingKey key, long expectedRevision, ReplayMark mark) {
        Objects.requireNonNull(key, "key");
        StoreResult r;
        Consumer<StoreEvent> l;
        StoreEvent e = null;
        synchronized (this) {
            expire(unixNanos.getAsLong());
            Entry at = bindings.get(key);
            r = check(at, expectedRevision, mark);
            if (r == null) {
                remember(mark);
                if (at != null) {
                    revision++;
                    bindings.remove(key);
                    e = new StoreEvent.Removed(key, false, revision);
                }
                r = new StoreResult.Committed(revision);
            }
            l = listener;
        }
        tell(l, e);
        return CompletableFuture.completedFuture(r);
    }

    /** The conditions of a write, or null when they hold. */
    private StoreResult check(Entry at, long expectedRevision, ReplayMark mark) {
        if (mark != null) {
            Long last = marks.get(mark.spi());
            if (last != null && Long.compareUnsigned(mark.timestamp(), last) <= 0) {
                return new StoreResult.Conflict(StoreResult.Reason.STALE_TIMESTAMP, revision);
            }
            if (last == null && marks.size() >= maxMarks) {
                return new StoreResult.Unavailable("the store holds " + maxMarks + " SPIs' replay marks");
            }
        }
        long seen = at == null ? 0 : at.revision();
        if (expectedRevision != BindingStore.ANY && expectedRevision != seen) {
            return new StoreResult.Conflict(StoreResult.Reason.BINDING_CHANGED, revision);
        }
        return null;
    }

    private void remember(ReplayMark mark) {
        if (mark != null) {
            marks.put(mark.spi(), mark.timestamp());
        }
    }

    /**
     * Drops the bindings lapsed at a time, each reported to the watch as {@link StoreEvent.Removed} with
     * {@code expired} true.
     *
     * @param nowUnixNanos the wall-clock time
     * @return how many went
     */
    public int expire(long nowUnixNanos) {
        List<StoreEvent> gone = null;
        Consumer<StoreEvent> l;
        synchronized (this) {
            Deadline d;
            while ((d = deadlines.peek()) != null && d.at() - nowUnixNanos <= 0) {
                deadlines.poll();
                Entry x = bindings.get(d.key());
                if (x == null || x.tracked() != d.at()) {
                    continue; // a deadline left behind: its binding went, or tracks an earlier one
                }
                long expires = x.binding().expiresAtUnixNanos();
                if (expires - nowUnixNanos > 0) {
                    // refreshed since this deadline was set: back in at the present expiry
                    bindings.put(d.key(), new Entry(x.binding(), x.revision(), expires));
                    deadline(d.key(), expires);
                    continue;
                }
                bindings.remove(d.key());
                revision++;
                if (gone == null) {
                    gone = new ArrayList<>();
                }
                gone.add(new StoreEvent.Removed(d.key(), true, revision));
            }
            l = listener;
        }
        if (gone == null) {
            return 0;
        }
        for (StoreEvent e : gone) {
            tell(l, e);
        }
        return gone.size();
    }

    /**
     * Adds the deadline an entry just put tracks; past the heap's bound, rebuilds the heap from the bindings (that
     * entry among them) instead.
     */
    private void deadline(BindingKey key, long at) {
        deadlines.add(new Deadline(at, key));
        if (deadlines.size() > 2 * maxBindings + 1024) {
            deadlines.clear();
            for (Map.Entry<BindingKey, Entry> e : bindings.entrySet()) {
                Entry x = e.getValue();
                long t = x.binding().expiresAtUnixNanos();
                deadlines.add(new Deadline(t, e.getKey()));
                e.setValue(new Entry(x.binding(), x.revision(), t));
            }
        }
    }

    /** @return the deadlines in the heap (for tests: refreshes that move an expiry later add none) */
    int queuedDeadlines() {
        synchronized (this) {
            return deadlines.size();
        }
    }

    @Override
    public AutoCloseable watch(Consumer<StoreEvent> l) {
        Objects.requireNonNull(l, "listener");
        StoreEvent.Snapshot s;
        expire(unixNanos.getAsLong());
        synchronized (this) {
            if (listener != null) {
                throw new IllegalStateException("one watch per store");
            }
            List<StoredBinding> all = new ArrayList<>(bindings.size());
            for (Entry x : bindings.values()) {
                all.add(x.binding());
            }
            s = new StoreEvent.Snapshot(all, revision);
            listener = l;
        }
        l.accept(s);
        return () -> {
            synchronized (this) {
                if (listener == l) {
                    listener = null;
                }
            }
        };
    }

    private static void tell(Consumer<StoreEvent> l, StoreEvent e) {
        if (l != null && e != null) {
            l.accept(e);
        }
    }

    @Override
    public synchronized StoreStatus status() {
        return new StoreStatus("local", true, revision, revision, bindings.size() + " bindings");
    }

    @Override
    public void close() {
        synchronized (this) {
            listener = null;
        }
    }
}
