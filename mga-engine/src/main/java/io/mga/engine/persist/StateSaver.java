package io.mga.engine.persist;

import io.mga.engine.AgentState;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link StateFile} up to date with a running agent, off the agent's thread: {@link #changed()} (from the
 * agent's event listener, any thread) marks the state dirty; a writer thread of its own then waits out the
 * coalescing interval since its last write, asks the role thread for a snapshot (a task submitted to it, so the
 * snapshot is taken between packets, never while the cache changes) and writes that immutable snapshot. A burst
 * of registrations thus costs one snapshot and one write per interval, and the file lags the agent by at most the
 * interval plus one write. A failed write is logged (at most one line a minute) and retried a second later.
 */
public final class StateSaver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateSaver.class);
    private static final long FAILURE_LOG_INTERVAL = 60_000_000_000L;
    private static final long RETRY_NANOS = 1_000_000_000L;

    /** The role thread, as the saver reaches it. */
    @FunctionalInterface
    public interface RoleThread {
        /**
         * @param task run on the role thread with its current time
         * @return false if it was not queued (the role stopped, or its queue is full)
         */
        boolean submit(LongConsumer task);
    }

    private final StateFile file;
    private final LongFunction<AgentState> snapshot;
    private final RoleThread role;
    private final long intervalNanos;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Object writeLock = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private long lastFailureLog = Long.MIN_VALUE;

    private StateSaver(StateFile file, LongFunction<AgentState> snapshot, RoleThread role, long intervalNanos) {
        this.file = file;
        this.snapshot = snapshot;
        this.role = role;
        this.intervalNanos = intervalNanos;
        this.thread = new Thread(this::run, "mga-state-writer");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the writer thread.
     *
     * @param file where
     * @param snapshot takes the agent's state, on the role thread (e.g. {@code agent::snapshot})
     * @param role submits tasks to the role thread (e.g. {@code liveInterface::submit})
     * @param intervalNanos the coalescing interval: the least time between two writes
     * @return the saver
     * @throws IllegalArgumentException if the interval is negative
     */
    public static StateSaver start(StateFile file, LongFunction<AgentState> snapshot, RoleThread role,
            long intervalNanos) {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("the interval must not be negative");
        }
        StateSaver s = new StateSaver(Objects.requireNonNull(file, "file"), Objects.requireNonNull(snapshot, "snapshot"),
                Objects.requireNonNull(role, "role"), intervalNanos);
        s.thread.start();
        return s;
    }

    /** The agent's bindings changed: a write follows within the interval. Thread-safe, allocation-free. */
    public void changed() {
        if (!dirty.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    /** @return states written */
    public long writes() {
        return writes.get();
    }

    /** @return writes that failed */
    public long failures() {
        return failures.get();
    }

    /**
     * Takes a snapshot now and writes it, on the caller's thread (not the role thread: it waits for it).
     *
     * @param timeoutMillis how long to wait for the role thread's snapshot
     * @return true if written; false if the role thread did not answer (stopped) or the write failed
     */
    public boolean flush(long timeoutMillis) {
        dirty.set(false);
        return save(timeoutMillis);
    }

    private void run() {
        long last = System.nanoTime() - intervalNanos;
        while (running) {
            if (!dirty.get()) {
                LockSupport.park(this);
                continue;
            }
            long wait;
            while (running && (wait = last + intervalNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, wait);
            }
            if (!running) {
                break;
            }
            dirty.set(false); // what changes from here on is in this snapshot, or marks the state dirty again
            boolean saved = save(5_000);
            last = System.nanoTime();
            if (!saved && running) {
                dirty.set(true); // again, after a second rather than the interval: a full disk is not hammered
                last += RETRY_NANOS - intervalNanos;
            }
        }
    }

    private boolean save(long timeoutMillis) {
        CompletableFuture<AgentState> f = new CompletableFuture<>();
        if (!role.submit(now -> {
            try {
                f.complete(snapshot.apply(now));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        })) {
            return false;
        }
        AgentState s;
        try {
            s = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            failed(e);
            return false;
        }
        synchronized (writeLock) {
            try {
                file.write(s);
                writes.incrementAndGet();
                return true;
            } catch (IOException | RuntimeException e) {
                failed(e);
                return false;
            }
        }
    }

    private void failed(Exception e) {
        failures.incrementAndGet();
        long now = System.nanoTime();
        synchronized (this) {
            if (lastFailureLog != Long.MIN_VALUE && now - lastFailureLog < FAILURE_LOG_INTERVAL) {
                return;
            }
            lastFailureLog = now;
        }
        LOG.warn("cannot save the agent's state to {}: {} ({} failures so far; retried every second)", file.path(),
                e.getMessage(), failures.get());
    }

    /** Stops the writer thread (a write under way completes). Idempotent. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (thread != Thread.currentThread()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
