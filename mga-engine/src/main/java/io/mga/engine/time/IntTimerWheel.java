package io.mga.engine.time;

import java.util.Arrays;

/**
 * A hierarchical timing wheel whose timers are small non-negative {@code int} ids chosen by the owner (the slots of
 * a table, say), with no object per timer and no allocation once its arrays have grown to the largest id.
 *
 * <p>Eleven levels of 64 buckets: level 0 holds the timers due in the current 64 ticks, one bucket per tick; level
 * {@code L} holds those due later in the current span of 64<sup>L+1</sup> ticks, one bucket per 64<sup>L</sup>
 * ticks. A timer is placed on the lowest level whose span contains both it and the current tick. When time reaches
 * a higher-level bucket, its timers move down (a cascade), so each timer is moved at most ten times in its life and
 * usually two or three. A 64-bit occupancy mask per level lets {@link #poll} jump straight to the next non-empty
 * bucket, so a poll costs what expires and what cascades, never the number of timers pending or the time skipped.
 * Scheduling, rescheduling and cancelling cost O(1).
 *
 * <p>Deadlines are in nanoseconds on the owner's clock; a timer runs on the first {@link #poll} whose time is at or
 * after its deadline. No thread, no system clock: the owner passes {@code now}. Not thread-safe: it belongs to one
 * role and is used from that role's thread.
 */
public final class IntTimerWheel {

    /** Receives expired timers. */
    @FunctionalInterface
    public interface Expiry {
        /**
         * Called once for each timer that expires, after it has been removed from the wheel; the callback may
         * schedule or cancel any timer, including this one.
         *
         * @param id the timer's id
         * @param nowNanos the time passed to {@link IntTimerWheel#poll}
         */
        void expired(int id, long nowNanos);
    }

    private static final int BITS = 6;
    private static final int SLOTS = 1 << BITS;
    private static final int LEVELS = 11; // 66 bits of ticks: any non-negative long
    private static final int DUE = LEVELS * SLOTS;
    private static final int NONE = -1;

    private final long tickNanos;
    private final long originNanos;
    private final int[] heads = new int[DUE + 1];
    private final long[] occupied = new long[LEVELS];
    /** The earliest deadline in each level-0 bucket, valid unless its bit in {@link #minStale} is set. */
    private final long[] bucketMin = new long[SLOTS];
    private long minStale;
    private long currentTick;
    private int size;
    /** No timer is due before this time: a poll before it returns at once (a lower bound, kept by schedule). */
    private long quietUntil = Long.MIN_VALUE;

    private long[] deadline;
    private int[] next;
    private int[] prev;
    private int[] bucket;

    /**
     * Creates an empty wheel.
     *
     * @param tickNanos the resolution, in nanoseconds; must be positive. Deadlines stay exact: the tick decides only
     *     how timers are grouped
     * @param nowNanos the current time; deadlines before it count as due at once
     * @param initialCapacity how many ids to make room for at once (the arrays grow on demand)
     * @throws IllegalArgumentException if {@code tickNanos} is not positive or the capacity is negative
     */
    public IntTimerWheel(long tickNanos, long nowNanos, int initialCapacity) {
        if (tickNanos <= 0 || initialCapacity < 0) {
            throw new IllegalArgumentException("tick must be positive and capacity not negative");
        }
        this.tickNanos = tickNanos;
        this.originNanos = nowNanos;
        Arrays.fill(heads, NONE);
        int cap = Math.max(16, initialCapacity);
        deadline = new long[cap];
        next = new int[cap];
        prev = new int[cap];
        bucket = new int[cap];
        Arrays.fill(bucket, NONE);
    }

    /**
     * Makes room for ids below {@code capacity}, so that later calls with such ids do not allocate.
     *
     * @param capacity one more than the largest id the owner will use
     */
    public void ensureCapacity(int capacity) {
        int old = bucket.length;
        if (capacity <= old) {
            return;
        }
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity, (long) old * 3 / 2));
        deadline = Arrays.copyOf(deadline, cap);
        next = Arrays.copyOf(next, cap);
        prev = Arrays.copyOf(prev, cap);
        bucket = Arrays.copyOf(bucket, cap);
        Arrays.fill(bucket, old, cap, NONE);
    }

    /** @return how many ids the wheel has room for without growing */
    public int capacity() {
        return bucket.length;
    }

    /**
     * Schedules timer {@code id}, or moves it to the new deadline if it is pending.
     *
     * @param id the timer, 0 or more (the arrays grow to hold it)
     * @param deadlineNanos when it should run
     * @throws IllegalArgumentException if {@code id} is negative
     */
    public void schedule(int id, long deadlineNanos) {
        if (id < 0) {
            throw new IllegalArgumentException("timer ids are not negative");
        }
        ensureCapacity(id + 1);
        if (bucket[id] != NONE) {
            unlink(id);
        } else {
            size++;
        }
        insert(id, deadlineNanos);
        if (deadlineNanos < quietUntil) {
            quietUntil = deadlineNanos;
        }
    }

    /**
     * Cancels timer {@code id}; nothing happens if it is not pending.
     *
     * @param id the timer
     */
    public void cancel(int id) {
        if (id >= 0 && id < bucket.length && bucket[id] != NONE) {
            unlink(id);
            bucket[id] = NONE;
            size--;
        }
    }

    /**
     * Tells whether a timer is scheduled and has neither run nor been cancelled.
     *
     * @param id the timer
     * @return true while pending
     */
    public boolean isPending(int id) {
        return id >= 0 && id < bucket.length && bucket[id] != NONE;
    }

    /**
     * The deadline a timer was last scheduled for.
     *
     * @param id a timer that is or was scheduled
     * @return the deadline in nanoseconds
     */
    public long deadline(int id) {
        return deadline[id];
    }

    /** @return the number of pending timers */
    public int size() {
        return size;
    }

    private long tickOf(long nanos) {
        long rel = nanos - originNanos;
        if (((nanos ^ originNanos) & (nanos ^ rel)) < 0) { // the subtraction overflowed
            rel = nanos > originNanos ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return Math.floorDiv(rel, tickNanos);
    }

    private void insert(int id, long when) {
        deadline[id] = when;
        long tick = Math.max(tickOf(when), currentTick);
        long diff = tick ^ currentTick;
        // the lowest level whose span holds both: the level of the highest bit in which they differ
        int level = diff == 0 ? 0 : (63 - Long.numberOfLeadingZeros(diff)) / BITS;
        int slot = (int) (tick >>> (level * BITS)) & (SLOTS - 1);
        if (level == 0) {
            long bit = 1L << slot;
            if ((occupied[0] & bit) == 0) {
                bucketMin[slot] = when;
                minStale &= ~bit;
            } else if (when - bucketMin[slot] < 0) {
                bucketMin[slot] = when;
            }
        }
        link(id, level * SLOTS + slot);
    }

    private void link(int id, int b) {
        int h = heads[b];
        next[id] = h;
        prev[id] = NONE;
        if (h != NONE) {
            prev[h] = id;
        }
        heads[b] = id;
        bucket[id] = b;
        if (b < DUE) {
            occupied[b >>> BITS] |= 1L << (b & (SLOTS - 1));
        }
    }

    private void unlink(int id) {
        int b = bucket[id];
        int p = prev[id];
        int n = next[id];
        if (p != NONE) {
            next[p] = n;
        } else {
            heads[b] = n;
        }
        if (n != NONE) {
            prev[n] = p;
        }
        if (b < DUE) {
            int level = b >>> BITS;
            long bit = 1L << (b & (SLOTS - 1));
            if (heads[b] == NONE) {
                occupied[level] &= ~bit;
            } else if (level == 0 && deadline[id] == bucketMin[b]) {
                minStale |= bit;
            }
        }
    }

    /** The earliest non-empty bucket at or after the current tick, as level * 64 + slot, or -1. */
    private int nextBucket() {
        for (int level = 0; level < LEVELS; level++) {
            long bits = occupied[level];
            if (bits == 0) {
                continue;
            }
            int cur = (int) (currentTick >>> (level * BITS)) & (SLOTS - 1);
            // level 0 includes the current tick; higher levels start after the bucket holding it
            long ahead = level == 0 ? bits & (-1L << cur) : cur == SLOTS - 1 ? 0 : bits & (-1L << (cur + 1));
            // behind the current position cannot happen; if it did, handling it at once is the safe answer
            return level * SLOTS + Long.numberOfTrailingZeros(ahead != 0 ? ahead : bits);
        }
        return NONE;
    }

    private long bucketStart(int b) {
        int level = b >>> BITS;
        int shift = (level + 1) * BITS;
        long base = shift >= 64 ? 0 : (currentTick >>> shift) << shift;
        return Math.max(currentTick, base + ((long) (b & (SLOTS - 1)) << (level * BITS)));
    }

    /** Moves every timer due by {@code now} to the due list, cascading higher buckets down on the way. */
    private void advance(long target, long now) {
        while (true) {
            int b = nextBucket();
            if (b == NONE) {
                currentTick = target;
                return;
            }
            long start = bucketStart(b);
            if (start > target) {
                currentTick = target;
                return;
            }
            currentTick = start;
            int id = heads[b];
            if (b < SLOTS) {
                boolean all = start < target;
                while (id != NONE) {
                    int n = next[id];
                    if (all || deadline[id] - now <= 0) {
                        unlink(id);
                        link(id, DUE);
                    }
                    id = n;
                }
                if (!all) {
                    return; // the current tick: what is left is due later in it
                }
            } else {
                heads[b] = NONE;
                occupied[b >>> BITS] &= ~(1L << (b & (SLOTS - 1)));
                while (id != NONE) {
                    int n = next[id];
                    insert(id, deadline[id]);
                    id = n;
                }
            }
        }
    }

    /**
     * Runs every timer whose deadline is at or before {@code nowNanos}, in no particular order; timers the callback
     * schedules at or before {@code nowNanos} run in the same call. Time never goes backwards: an earlier
     * {@code nowNanos} than a previous poll's runs only what is due by it.
     *
     * @param nowNanos the current time
     * @param expiry receives each expired timer
     * @return the number of timers run
     */
    public int poll(long nowNanos, Expiry expiry) {
        return poll(nowNanos, expiry, Integer.MAX_VALUE);
    }

    /**
     * Runs at most {@code limit} of the timers due at {@code nowNanos} (Agrona's expiry limit): a duty cycle's
     * work stays bounded when many timers fall due together; what is left stays due, {@link #nextDeadline()}
     * answers a time already past, and the next poll goes on with it.
     *
     * @param nowNanos the current time
     * @param expiry receives each expired timer
     * @param limit the most timers to run, at least 1
     * @return the number of timers run
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public int poll(long nowNanos, Expiry expiry, int limit) {
        if (nowNanos < quietUntil && limit > 0) {
            return 0; // the common case on a data path that polls per packet: nothing can be due yet (small, inlined)
        }
        return pollDue(nowNanos, expiry, limit);
    }

    private int pollDue(long nowNanos, Expiry expiry, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("an expiry limit is at least 1, got " + limit);
        }
        long target = Math.max(tickOf(nowNanos), currentTick);
        int ran = 0;
        while (true) {
            advance(target, nowNanos);
            if (heads[DUE] == NONE) {
                quietUntil = earliest();
                return ran;
            }
            while (heads[DUE] != NONE) {
                if (ran == limit) {
                    quietUntil = Long.MIN_VALUE; // due timers are left: the next poll must not skip them
                    return ran;
                }
                int id = heads[DUE];
                unlink(id);
                bucket[id] = NONE;
                size--;
                ran++;
                expiry.expired(id, nowNanos);
            }
        }
    }

    /**
     * When the owner should poll next: the earliest pending deadline, or, when the earliest timers are still on a
     * higher level, the earlier time at which they move down (a poll then runs nothing and the next call answers
     * exactly). Costs O(1), plus one scan of a level-0 bucket after its earliest timer was cancelled.
     *
     * @return a time in nanoseconds, or {@link Long#MAX_VALUE} when nothing is pending
     */
    public long nextDeadline() {
        // every pending deadline is at or after quietUntil (schedule keeps it so), and a bucket's start computed
        // from a current tick that a skipped poll left behind may lie before it: never answer earlier
        return Math.max(earliest(), quietUntil);
    }

    private long earliest() {
        if (heads[DUE] != NONE) {
            return Long.MIN_VALUE; // a callback threw during a poll: what it left is due now
        }
        int b = nextBucket();
        if (b == NONE) {
            return Long.MAX_VALUE;
        }
        if (b < SLOTS) {
            long bit = 1L << b;
            if ((minStale & bit) != 0) {
                long min = deadline[heads[b]];
                for (int id = heads[b]; id != NONE; id = next[id]) {
                    if (deadline[id] - min < 0) {
                        min = deadline[id];
                    }
                }
                bucketMin[b] = min;
                minStale &= ~bit;
            }
            return bucketMin[b];
        }
        long start = bucketStart(b);
        long nanos = start > Long.MAX_VALUE / tickNanos ? Long.MAX_VALUE : start * tickNanos;
        long t = originNanos + nanos;
        return ((originNanos ^ t) & (nanos ^ t)) < 0 ? Long.MAX_VALUE : t;
    }
}
