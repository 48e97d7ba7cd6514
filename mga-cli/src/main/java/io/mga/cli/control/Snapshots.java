package io.mga.cli.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

/**
 * Takes snapshots on the role's thread: a task on the role's queue makes the snapshot with that cycle's time and
 * hands it back; no other thread reads the engine's tables. A snapshot younger than the given age is reused, so
 * that a scrape that reads many metrics asks the role once. Thread-safe.
 */
public final class Snapshots {
    private final Predicate<java.util.function.LongConsumer> submit;
    private final LongFunction<Snapshot> make;
    private final LongUnaryOperator monotonic;
    private Snapshot last;
    private long lastAt;

    /**
     * @param submit queues a task on the role's thread ({@code LiveInterface::submit}); false if it was not queued
     * @param make makes the snapshot, on the role's thread, from the cycle's time
     * @param monotonic the caller side's clock in nanoseconds (argument ignored), for the age of snapshots
     */
    public Snapshots(Predicate<java.util.function.LongConsumer> submit, LongFunction<Snapshot> make,
            LongUnaryOperator monotonic) {
        this.submit = submit;
        this.make = make;
        this.monotonic = monotonic;
    }

    /**
     * @param maxAge how old a reused snapshot may be (zero: always a new one)
     * @param timeout how long to wait for the role's thread
     * @return the snapshot
     * @throws TimeoutException if the role's thread did not answer in time, or is not running
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized Snapshot get(Duration maxAge, Duration timeout) throws TimeoutException, InterruptedException {
        long now = monotonic.applyAsLong(0);
        if (last != null && now - lastAt <= maxAge.toNanos()) {
            return last;
        }
        CompletableFuture<Snapshot> f = new CompletableFuture<>();
        if (!submit.test(t -> {
            try {
                f.complete(make.apply(t));
            } catch (RuntimeException e) { // never let a snapshot stop the role
                f.completeExceptionally(e);
            }
        })) {
            throw new TimeoutException("the role is not running or its queue is full");
        }
        try {
            last = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new TimeoutException("the role failed to make a snapshot: " + e.getCause().getMessage());
        }
        lastAt = now;
        return last;
    }
}
