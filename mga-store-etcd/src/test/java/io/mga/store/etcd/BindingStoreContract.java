package io.mga.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Ipv6Address;
import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoredBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BindingStore} does, run against each implementation by a subclass that says how to open clients
 * of one fresh store and how time passes. Two clients of one store stand for two agents sharing it.
 */
abstract class BindingStoreContract {
    static final Ipv6Address ANYCAST = Ipv6Address.parse("2001:db8:aa::1");
    static final Ipv6Address OTHER_ANYCAST = Ipv6Address.parse("2001:db8:aa::2");
    static final Duration EVENT_WITHIN = Duration.ofSeconds(10);
    private final List<BindingStore> opened = new ArrayList<>();
    private final List<AutoCloseable> watches = new ArrayList<>();

    /** @return a new client of the store this test uses (fresh and empty for each test) */
    protected abstract BindingStore newClient();

    /** @return the wall clock the bindings' expiry is told in, Unix nanoseconds */
    protected abstract long unixNanos();

    /** Lets a lifetime pass: the embedded store's clock moves and it expires; etcd's leases run in real time. */
    protected abstract void letLapse(Duration lifetime);

    /** @return how long a lapsed binding may take to go */
    protected abstract Duration expiryWithin();

    /** @return the bound the clients were opened with */
    protected abstract int maxBindings();

    protected final BindingStore client() {
        BindingStore s = newClient();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable w : watches) {
            w.close();
        }
        for (BindingStore s : opened) {
            s.close();
        }
    }

    StoredBinding binding(Ipv6Address anycast, int bid, String careOf, int seq, Duration lifetime) {
        return new StoredBinding(new BindingKey(anycast, bid), Ipv6Address.parse(careOf), "ar" + bid + "@example.net",
                100, 0, seq, lifetime.toNanos(), unixNanos() + lifetime.toNanos());
    }

    StoredBinding binding(int bid, int seq) {
        return binding(ANYCAST, bid, "2001:db8:1::" + Integer.toHexString(bid + 1), seq, Duration.ofSeconds(60));
    }

    static StoreResult await(java.util.concurrent.CompletionStage<StoreResult> f) {
        try {
            return f.toCompletableFuture().get(EVENT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer within " + EVENT_WITHIN, e);
        }
    }

    static long committed(StoreResult r) {
        assertThat(r).isInstanceOf(StoreResult.Committed.class);
        return ((StoreResult.Committed) r).revision();
    }

    static void conflict(StoreResult r, StoreResult.Reason why) {
        assertThat(r).isInstanceOf(StoreResult.Conflict.class);
        assertThat(((StoreResult.Conflict) r).reason()).isEqualTo(why);
    }

    /** The events a watch delivered, waited for with a deadline. */
    final class Events {
        final BlockingQueue<StoreEvent> queue = new LinkedBlockingQueue<>();

        Events(BindingStore store) {
            watches.add(store.watch(queue::add));
        }

        StoreEvent next() {
            try {
                StoreEvent e = queue.poll(EVENT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(e).as("an event within " + EVENT_WITHIN).isNotNull();
                return e;
            } catch (InterruptedException x) {
                throw new AssertionError(x);
            }
        }

        /** The next event that is not a connectivity change. */
        StoreEvent nextChange() {
            StoreEvent e = next();
            while (e instanceof StoreEvent.Connectivity) {
                e = next();
            }
            return e;
        }

        <T extends StoreEvent> T next(Class<T> type) {
            StoreEvent e = nextChange();
            assertThat(e).isInstanceOf(type);
            return type.cast(e);
        }

        /** Skips to the first event that matches, within the deadline. */
        StoreEvent until(Predicate<StoreEvent> p, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("the awaited event within " + within).isPositive();
                try {
                    StoreEvent e = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (e != null && p.test(e)) {
                        return e;
                    }
                } catch (InterruptedException x) {
                    throw new AssertionError(x);
                }
            }
        }
    }

    @Test
    void aPutCommitsOnlyAtTheRevisionTheCallerSaw() {
        BindingStore s = client();
        long r1 = committed(await(s.put(binding(1, 1), 0, null)));
        conflict(await(s.put(binding(1, 2), 0, null)), StoreResult.Reason.BINDING_CHANGED);
        long r2 = committed(await(s.put(binding(1, 2), r1, null)));
        assertThat(r2).isGreaterThan(r1);
        conflict(await(s.put(binding(1, 3), r1, null)), StoreResult.Reason.BINDING_CHANGED);
        long r3 = committed(await(s.put(binding(1, 3), BindingStore.ANY, null)));
        assertThat(r3).isGreaterThan(r2);
    }

    @Test
    void aRemoveCommitsOnTheSameConditions() {
        BindingStore s = client();
        long r1 = committed(await(s.put(binding(2, 1), 0, null)));
        conflict(await(s.remove(binding(2, 1).key(), r1 + 1000, null)), StoreResult.Reason.BINDING_CHANGED);
        conflict(await(s.remove(binding(2, 1).key(), 0, null)), StoreResult.Reason.BINDING_CHANGED);
        committed(await(s.remove(binding(2, 1).key(), r1, null)));
        // gone: a put that expects none commits, and removing what is not there commits and changes nothing
        committed(await(s.remove(binding(2, 1).key(), 0, null)));
        committed(await(s.remove(binding(2, 1).key(), BindingStore.ANY, null)));
        committed(await(s.put(binding(2, 2), 0, null)));
    }

    @Test
    void aMarkCommitsOnlyWhenNewerUnsignedUnderItsSpi() {
        BindingStore s = client();
        committed(await(s.put(binding(3, 1), 0, new ReplayMark(7, 10))));
        conflict(await(s.put(binding(4, 1), 0, new ReplayMark(7, 10))), StoreResult.Reason.STALE_TIMESTAMP);
        conflict(await(s.put(binding(4, 1), 0, new ReplayMark(7, 9))), StoreResult.Reason.STALE_TIMESTAMP);
        // another SPI has its own mark
        committed(await(s.put(binding(4, 1), 0, new ReplayMark(8, 9))));
        committed(await(s.put(binding(5, 1), 0, new ReplayMark(7, 11))));
        // unsigned: 0x8000... is newer than 11, and -1 (0xffff...) newest of all
        committed(await(s.put(binding(6, 1), 0, new ReplayMark(7, Long.MIN_VALUE))));
        conflict(await(s.put(binding(7, 1), 0, new ReplayMark(7, 12))), StoreResult.Reason.STALE_TIMESTAMP);
        committed(await(s.put(binding(7, 1), 0, new ReplayMark(7, -1L))));
        // a removal's mark too, and a refused removal leaves the binding
        conflict(await(s.remove(binding(3, 1).key(), BindingStore.ANY, new ReplayMark(7, 5))),
                StoreResult.Reason.STALE_TIMESTAMP);
        conflict(await(s.put(binding(3, 2), 0, null)), StoreResult.Reason.BINDING_CHANGED);
    }

    @Test
    void aStaleMarkIsToldBeforeAChangedBinding() {
        BindingStore s = client();
        committed(await(s.put(binding(9, 1), 0, new ReplayMark(3, 100))));
        conflict(await(s.put(binding(9, 2), 0, new ReplayMark(3, 100))), StoreResult.Reason.STALE_TIMESTAMP);
        conflict(await(s.put(binding(9, 2), 0, new ReplayMark(3, 101))), StoreResult.Reason.BINDING_CHANGED);
        // the refused write left the mark where it was: 101 is still fresh
        committed(await(s.put(binding(9, 2), BindingStore.ANY, new ReplayMark(3, 101))));
    }

    @Test
    void aBindingUpdateAcceptedThroughOneAgentIsStaleThroughAnother() {
        BindingStore a = client();
        BindingStore b = client();
        committed(await(a.put(binding(10, 1), 0, new ReplayMark(42, 0x1234_5678_9abcL))));
        // the same BU replayed to the second agent, whatever revision it expects
        conflict(await(b.put(binding(10, 1), BindingStore.ANY, new ReplayMark(42, 0x1234_5678_9abcL))),
                StoreResult.Reason.STALE_TIMESTAMP);
        conflict(await(b.remove(binding(10, 1).key(), BindingStore.ANY, new ReplayMark(42, 0x1234_5678_9abcL))),
                StoreResult.Reason.STALE_TIMESTAMP);
        // the responder's next BU, newer, through the second agent
        committed(await(b.put(binding(10, 2), BindingStore.ANY, new ReplayMark(42, 0x1234_5678_9abdL))));
        conflict(await(a.put(binding(10, 3), BindingStore.ANY, new ReplayMark(42, 0x1234_5678_9abdL))),
                StoreResult.Reason.STALE_TIMESTAMP);
    }

    @Test
    void aWatchStartsWithASnapshotThenTellsEveryChangeInRevisionOrder() {
        BindingStore a = client();
        BindingStore b = client();
        StoredBinding one = binding(11, 1);
        StoredBinding two = binding(OTHER_ANYCAST, 12, "2001:db8:2::1", 1, Duration.ofSeconds(60));
        committed(await(a.put(one, 0, null)));
        long r2 = committed(await(a.put(two, 0, null)));
        Events ev = new Events(b);
        StoreEvent.Snapshot snap = ev.next(StoreEvent.Snapshot.class);
        assertThat(snap.bindings()).containsExactlyInAnyOrder(one, two);
        assertThat(snap.revision()).isGreaterThanOrEqualTo(r2);
        // the second client sees the first one's writes, each at the revision its commit reported
        StoredBinding three = binding(13, 1);
        long r3 = committed(await(a.put(three, 0, null)));
        StoredBinding oneAgain = binding(11, 2);
        long r4 = committed(await(a.put(oneAgain, BindingStore.ANY, null)));
        long r5 = committed(await(a.remove(two.key(), BindingStore.ANY, null)));
        assertThat(ev.next(StoreEvent.Put.class)).isEqualTo(new StoreEvent.Put(three, r3));
        assertThat(ev.next(StoreEvent.Put.class)).isEqualTo(new StoreEvent.Put(oneAgain, r4));
        assertThat(ev.next(StoreEvent.Removed.class)).isEqualTo(new StoreEvent.Removed(two.key(), false, r5));
        assertThat(r3).isLessThan(r4);
        assertThat(r4).isLessThan(r5);
        // the revision a Put told is the one a conditional write expects
        committed(await(b.put(binding(13, 2), r3, null)));
    }

    @Test
    void aBindingLapsesAfterItsLifetime() {
        BindingStore a = client();
        Events ev = new Events(a);
        ev.next(StoreEvent.Snapshot.class);
        StoredBinding brief = binding(ANYCAST, 14, "2001:db8:3::1", 1, Duration.ofSeconds(1));
        long r = committed(await(a.put(brief, 0, null)));
        assertThat(ev.next(StoreEvent.Put.class).revision()).isEqualTo(r);
        long t0 = System.nanoTime();
        letLapse(Duration.ofSeconds(1));
        StoreEvent gone = ev.until(e -> e instanceof StoreEvent.Removed, expiryWithin());
        assertThat(((StoreEvent.Removed) gone).key()).isEqualTo(brief.key());
        assertThat(((StoreEvent.Removed) gone).expired()).as("an expiry, not a deregistration").isTrue();
        lapsed(Duration.ofNanos(System.nanoTime() - t0));
        // gone from the store: a write that expects none commits
        committed(await(a.put(binding(14, 2), 0, null)));
    }

    /** Lets a subclass record how long the expiry took in real time. */
    protected void lapsed(Duration took) {
    }

    @Test
    void aStoreHoldsAtMostItsBoundOfBindings() {
        BindingStore a = client();
        Events ev = new Events(a);
        ev.next(StoreEvent.Snapshot.class);
        for (int i = 0; i < maxBindings(); i++) {
            committed(await(a.put(binding(100 + i, 1), 0, null)));
            ev.next(StoreEvent.Put.class);
        }
        StoreResult over = await(a.put(binding(100 + maxBindings(), 1), 0, null));
        assertThat(over).isInstanceOf(StoreResult.Unavailable.class);
        assertThat(((StoreResult.Unavailable) over).why()).contains(Integer.toString(maxBindings()));
        // a binding it holds can still be refreshed, and one removed makes room
        committed(await(a.put(binding(100, 2), BindingStore.ANY, null)));
        committed(await(a.remove(binding(101, 1).key(), BindingStore.ANY, null)));
        ev.next(StoreEvent.Put.class);
        ev.next(StoreEvent.Removed.class);
        committed(await(a.put(binding(100 + maxBindings(), 1), 0, null)));
    }
}
