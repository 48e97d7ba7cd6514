package io.mga.pcapio.runner;

import io.mga.api.Clock;
import io.mga.api.PacketHandler;
import io.mga.api.Role;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns a {@link Role}'s thread (the duty-cycle idea of Agrona's {@code AgentRunner}). Each cycle reads the injected
 * clock once and, with that {@code now}, runs the submitted tasks, hands the queued packets to the role (one
 * through {@code receive}, several through {@code receiveBurst}) and calls {@code doWork(now)}. When a cycle found
 * nothing to do, the thread parks until the role's {@link Role#nextDeadline()} (at most {@code maxPark}), or
 * until a packet or a task arrives: an idle role costs a wake-up per {@code maxPark}, not a polling loop.
 *
 * <p>Other threads talk to the role only through {@link #offer} (packets, copied into a bounded ring; full means
 * dropped and counted) and {@link #submit} (tasks, in a bounded queue). Both are thread-safe.
 *
 * <p>A role is not expected to throw (bad packets are dropped and counted by the role). If anything on the role
 * thread throws anyway (the role, a task), the runner stops: it logs the failure, calls the {@code onFailure}
 * callback on the dying thread, and completes {@link #termination()} exceptionally, so that the embedder can close
 * the rest and exit (the CLI exits with a non-zero status for its supervisor). It never exits the JVM itself.
 *
 * <p>Invoker mode: without {@link #start()}, the embedder may call {@link #doCycle()} from its own loop (tests do,
 * with a virtual clock).
 */
public final class RoleRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleRunner.class);
    private static final int TASKS_PER_CYCLE = 64;

    private final Role role;
    private final Clock clock;
    private final String name;
    private final long maxParkNanos;
    private final Consumer<Throwable> onFailure;
    private final PacketRing ring;
    private final PacketRing sideRing;
    private final PacketHandler side;
    private final BlockingQueue<LongConsumer> tasks;
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final Counters counters = new Counters();
    private final Source source;
    private final int maxBurst;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Thread thread;
    private long lastNow;

    /** Counters, safe to read from any thread. */
    public static final class Counters {
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong tasks = new AtomicLong();
        private final AtomicLong cycles = new AtomicLong();
        private final AtomicLong parks = new AtomicLong();

        private Counters() {
        }

        /** @return packets handed to the role */
        public long received() {
            return received.get();
        }

        /**
         * @return packets refused by {@link #offer} (or {@link #offerSide}) because the ring was full (or they
         *     could never fit)
         */
        public long dropped() {
            return dropped.get();
        }

        /** @return tasks run */
        public long tasks() {
            return tasks.get();
        }

        /** @return duty cycles run */
        public long cycles() {
            return cycles.get();
        }

        /** @return times the thread parked because a cycle found nothing to do */
        public long parks() {
            return parks.get();
        }
    }

    private RoleRunner(Builder b) {
        this.role = b.role;
        this.clock = b.clock;
        this.name = b.name;
        this.maxParkNanos = b.maxParkNanos;
        this.onFailure = b.onFailure;
        this.ring = new PacketRing(b.queueBytes, b.maxBurst);
        this.side = b.side;
        this.sideRing = b.side == null ? null : new PacketRing(b.sideBytes, b.maxBurst);
        this.tasks = new ArrayBlockingQueue<>(b.maxTasks);
        this.source = b.source;
        this.maxBurst = b.maxBurst;
    }

    /**
     * An input the role thread reads itself, e.g. its interface's capture ({@code PcapPort.inline()}): each cycle
     * first {@link #pump pumps} it (it hands what it reads to {@link RoleRunner#offer}, on the role thread), and
     * the idle thread waits in {@link #await} instead of parking, so that one thread both reads the packets and
     * runs the role, with no hand-off between two threads per packet.
     */
    public interface Source {
        /**
         * Reads what is waiting, without blocking (role thread).
         *
         * @param max most packets read
         * @return packets read, 0 when none was waiting
         */
        int pump(int max);

        /**
         * Waits for input or a {@link #wakeup()}, at most {@code nanos} (role thread).
         *
         * @param nanos the longest wait
         */
        void await(long nanos);

        /** Ends a wait in {@link #await}, or makes the next one return at once (any thread). */
        void wakeup();
    }

    /**
     * @param role the role to run
     * @return a builder
     */
    public static Builder builder(Role role) {
        return new Builder(role);
    }

    /** Configures a {@link RoleRunner}. */
    public static final class Builder {
        private final Role role;
        private Clock clock = Clock.SYSTEM;
        private String name = "mga-role";
        private int queueBytes = 4 << 20;
        private int maxBurst = 64;
        private int maxTasks = 1024;
        private long maxParkNanos = 1_000_000_000L;
        private Consumer<Throwable> onFailure = t -> { };
        private PacketHandler side;
        private int sideBytes;
        private Source source;

        private Builder(Role role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        /**
         * @param c the clock read once per cycle and passed to the role (default the system's monotonic clock).
         *     With a thread of its own ({@link RoleRunner#start()}), the clock must run at the pace of real time:
         *     the runner parks for {@code deadline - now} of it
         * @return this builder
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * @param threadName the role thread's name (default {@code mga-role})
         * @return this builder
         */
        public Builder name(String threadName) {
            this.name = Objects.requireNonNull(threadName, "name");
            return this;
        }

        /**
         * @param octets room for queued packets, rounded up to a power of two (default 4 MiB); a packet takes its
         *     length plus 4, rounded up to 8
         * @return this builder
         */
        public Builder queueBytes(int octets) {
            if (octets < 64 || octets > 1 << 30) {
                throw new IllegalArgumentException("queueBytes must be 64 to 2^30, got " + octets);
            }
            this.queueBytes = octets;
            return this;
        }

        /**
         * @param packets most packets handed to the role in one {@code receiveBurst} (default 64)
         * @return this builder
         */
        public Builder maxBurst(int packets) {
            if (packets < 1) {
                throw new IllegalArgumentException("maxBurst must be 1 or more, got " + packets);
            }
            this.maxBurst = packets;
            return this;
        }

        /**
         * @param n most tasks waiting for the role thread (default 1024)
         * @return this builder
         */
        public Builder maxTasks(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxTasks must be 1 or more, got " + n);
            }
            this.maxTasks = n;
            return this;
        }

        /**
         * @param nanos the longest the idle thread parks even when the role has no deadline (default 1 s)
         * @return this builder
         */
        public Builder maxParkNanos(long nanos) {
            if (nanos < 1) {
                throw new IllegalArgumentException("maxParkNanos must be positive, got " + nanos);
            }
            this.maxParkNanos = nanos;
            return this;
        }

        /**
         * @param callback called once, on the dying role thread, with what it threw (before {@link
         *     RoleRunner#termination()} completes); what the callback throws is logged and ignored
         * @return this builder
         */
        public Builder onFailure(Consumer<Throwable> callback) {
            this.onFailure = Objects.requireNonNull(callback, "onFailure");
            return this;
        }

        /**
         * A second input of the role thread, with a ring of its own: packets {@link RoleRunner#offerSide offered}
         * there go to {@code handler} (on the role thread, in the same cycles as the role's), e.g. what a host
         * delivery's TUN device reads, for the responder's {@code fromHost}.
         *
         * @param handler takes the side packets
         * @param octets the side ring's room, rounded up to a power of two
         * @return this builder
         */
        public Builder sideInput(PacketHandler handler, int octets) {
            if (octets < 64 || octets > 1 << 30) {
                throw new IllegalArgumentException("side queue must be 64 to 2^30 octets, got " + octets);
            }
            this.side = Objects.requireNonNull(handler, "handler");
            this.sideBytes = octets;
            return this;
        }

        /**
         * An input the role thread reads itself (see {@link Source}); packets it offers go through the same ring.
         *
         * @param s the source
         * @return this builder
         */
        public Builder source(Source s) {
            this.source = Objects.requireNonNull(s, "source");
            return this;
        }

        /** @return the runner, not started */
        public RoleRunner build() {
            return new RoleRunner(this);
        }
    }

    /**
     * Starts the role thread (a non-daemon thread: a running role keeps the JVM alive until {@link #close()}).
     *
     * @return this runner
     * @throws IllegalStateException if it was started or stopped before
     */
    public synchronized RoleRunner start() {
        if (thread != null || !running) {
            throw new IllegalStateException("the runner " + name + " was already started or stopped");
        }
        Thread t = new Thread(this::run, name);
        thread = t;
        t.start();
        return this;
    }

    /** @return the counters */
    public Counters counters() {
        return counters;
    }

    /** @return true until the runner stopped (closed or failed) */
    public boolean isRunning() {
        return running;
    }

    /**
     * Completes when the runner has stopped: normally after {@link #close()}, exceptionally with what the role
     * thread threw. A copy: completing it does not affect the runner.
     *
     * @return the future
     */
    public CompletableFuture<Void> termination() {
        return termination.copy();
    }

    /**
     * Queues a packet for the role (copied; the caller may reuse its buffer). Thread-safe.
     *
     * @param packet the buffer
     * @param offset index of the packet's first octet
     * @param length its octets
     * @return false when it was dropped: the ring was full (counted), or the runner has stopped (not counted)
     */
    public boolean offer(byte[] packet, int offset, int length) {
        if (!running) {
            return false;
        }
        if (!ring.offer(packet, offset, length)) {
            counters.dropped.incrementAndGet();
            return false;
        }
        wake();
        return true;
    }

    /**
     * Queues a packet for the side input (see {@link Builder#sideInput}); copied. Thread-safe.
     *
     * @param packet the buffer
     * @param offset index of the packet's first octet
     * @param length its octets
     * @return false when it was dropped: no side input, the ring was full (counted), or the runner has stopped
     */
    public boolean offerSide(byte[] packet, int offset, int length) {
        if (!running || sideRing == null) {
            return false;
        }
        if (!sideRing.offer(packet, offset, length)) {
            counters.dropped.incrementAndGet();
            return false;
        }
        wake();
        return true;
    }

    /**
     * Runs a task on the role thread in the next cycle, with that cycle's {@code now}: the way other threads touch
     * the role, e.g. {@code runner.submit(responder::start)}. Thread-safe.
     *
     * @param task the task; if it throws, the runner stops as if the role had thrown
     * @return false when it was not queued (too many pending, or the runner stopped)
     */
    public boolean submit(LongConsumer task) {
        Objects.requireNonNull(task, "task");
        if (!running || !tasks.offer(task)) {
            return false;
        }
        wake();
        return true;
    }

    /**
     * One duty cycle on the caller's thread (invoker mode; not while the runner's own thread runs): reads the
     * clock, runs pending tasks, hands queued packets to the role, calls {@code doWork}. What the role throws
     * stops the runner (as on its own thread) and is rethrown.
     *
     * @return the work done: tasks run, packets handed over and timers run (0 when idle)
     * @throws IllegalStateException if the runner's own thread is running, or the runner stopped
     */
    public int doCycle() {
        if (thread != null && Thread.currentThread() != thread) {
            throw new IllegalStateException("the runner " + name + " has its own thread");
        }
        if (!running) {
            throw new IllegalStateException("the runner " + name + " has stopped");
        }
        try {
            return cycle();
        } catch (RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /**
     * When the idle thread would wake up next, given the last cycle's time: the role's next deadline, or the last
     * cycle's time plus {@code maxPark}, whichever is first.
     *
     * @return a time of the runner's clock
     */
    public long nextWakeUp() {
        long d = role.nextDeadline();
        long cap = lastNow + maxParkNanos;
        if (d == Long.MIN_VALUE) {
            return lastNow; // "due now", as a timer wheel answers after a callback threw
        }
        return d == Long.MAX_VALUE || cap - d < 0 ? cap : d;
    }

    private int cycle() {
        long now = clock.nanos();
        lastNow = now;
        int work = 0;
        if (source != null) {
            work += source.pump(maxBurst);
        }
        for (int i = 0; i < TASKS_PER_CYCLE; i++) {
            LongConsumer task = tasks.poll();
            if (task == null) {
                break;
            }
            task.accept(now);
            counters.tasks.incrementAndGet();
            work++;
        }
        int n = ring.drain(role, now);
        if (sideRing != null) {
            n += sideRing.drain(side, now);
        }
        if (n > 0) {
            counters.received.addAndGet(n);
            work += n;
        }
        work += role.doWork(now);
        counters.cycles.incrementAndGet();
        return work;
    }

    private void run() {
        try {
            while (running) {
                if (cycle() > 0) {
                    continue;
                }
                long wait = nextWakeUp() - lastNow;
                if (wait <= 0) {
                    Thread.onSpinWait(); // a deadline is due: the next cycle runs it
                    continue;
                }
                parked = true;
                // re-checked after announcing the park: a producer either sees parked and unparks us, or its
                // packet (or task) is seen here (both sides write, then read, a volatile)
                if (running && ring.isEmpty() && (sideRing == null || sideRing.isEmpty()) && tasks.isEmpty()) {
                    counters.parks.incrementAndGet();
                    if (source != null) {
                        source.await(wait);
                    } else {
                        LockSupport.parkNanos(this, wait);
                    }
                }
                parked = false;
            }
        } catch (Throwable t) {
            fail(t);
            return;
        }
        termination.complete(null);
    }

    private void wake() {
        Thread t = thread;
        if (parked && t != null) {
            if (source != null) {
                source.wakeup();
            } else {
                LockSupport.unpark(t);
            }
        }
    }

    private void fail(Throwable t) {
        if (termination.isDone()) {
            return;
        }
        running = false;
        LOG.error("role thread {} ({}) stopped on an uncaught exception", name, role, t);
        try {
            onFailure.accept(t);
        } catch (Throwable x) {
            LOG.error("onFailure callback of {} threw", name, x);
        }
        termination.completeExceptionally(t);
    }

    /**
     * Stops the role thread after its current cycle and waits for it (at most 5 s; called on the role thread
     * itself, it does not wait). Tasks still queued are not run. Idempotent.
     */
    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            termination.complete(null);
            return;
        }
        LockSupport.unpark(t);
        if (source != null) {
            source.wakeup();
        }
        if (t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("role thread {} still busy 5 s after close()", name);
            }
        }
    }
}
