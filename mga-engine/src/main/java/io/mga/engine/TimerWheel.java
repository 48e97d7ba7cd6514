package io.mga.engine;

/**
 * A hashed timing wheel polled with the current time: timers are kept in {@code slots} buckets of
 * {@code tickNanos} each, and {@link #poll} runs those whose deadline has come. Scheduling and cancelling cost
 * O(1); polling costs what expires plus the buckets passed over (at most one sweep of the wheel however far time
 * jumps), not the number of timers. No thread, no system clock: the owner passes {@code now}.
 *
 * <p>Not thread-safe: it belongs to one role and is used from that role's thread.
 */
public final class TimerWheel {

    /** What runs when a timer expires. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the timer's work.
         *
         * @param nowNanos the time passed to {@link TimerWheel#poll}
         */
        void onTimer(long nowNanos);
    }

    /** A scheduled timer; {@link TimerWheel#cancel(Timer)} stops it from running. */
    public static final class Timer {
        private final Action action;
        private long deadline;
        private Timer next;
        private Timer prev;
        private int slot = -1;

        private Timer(Action action) {
            this.action = action;
        }

        /** @return the deadline in nanoseconds */
        public long deadline() {
            return deadline;
        }

        /** @return true while the timer is scheduled and has not run or been cancelled */
        public boolean isPending() {
            return slot >= 0;
        }
    }

    private final long tickNanos;
    private final Timer[] heads;
    private final int mask;
    private long currentTick;
    private int size;

    /**
     * Creates an empty wheel.
     *
     * @param tickNanos the resolution: a timer runs on the first poll at or after its deadline, which the owner
     *     arranges by polling at {@link #nextDeadline()}; must be positive
     * @param slots number of buckets, a power of two
     * @param nowNanos the current time
     */
    public TimerWheel(long tickNanos, int slots, long nowNanos) {
        if (tickNanos <= 0 || slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("tick must be positive and slots a power of two");
        }
        this.tickNanos = tickNanos;
        this.heads = new Timer[slots];
        this.mask = slots - 1;
        this.currentTick = Math.floorDiv(nowNanos, tickNanos);
    }

    /**
     * Schedules an action.
     *
     * @param deadlineNanos when it should run
     * @param action what to run
     * @return the timer, for cancelling or rescheduling
     */
    public Timer schedule(long deadlineNanos, Action action) {
        Timer t = new Timer(java.util.Objects.requireNonNull(action, "action"));
        insert(t, deadlineNanos);
        return t;
    }

    /**
     * Moves a timer to a new deadline (scheduling it again if it already ran or was cancelled).
     *
     * @param timer a timer from this wheel
     * @param deadlineNanos the new deadline
     */
    public void reschedule(Timer timer, long deadlineNanos) {
        cancel(timer);
        insert(timer, deadlineNanos);
    }

    /**
     * Cancels a timer; nothing happens if it already ran or was cancelled.
     *
     * @param timer a timer from this wheel, or null
     */
    public void cancel(Timer timer) {
        if (timer == null || timer.slot < 0) {
            return;
        }
        if (timer.prev != null) {
            timer.prev.next = timer.next;
        } else {
            heads[timer.slot] = timer.next;
        }
        if (timer.next != null) {
            timer.next.prev = timer.prev;
        }
        timer.next = null;
        timer.prev = null;
        timer.slot = -1;
        size--;
    }

    private void insert(Timer t, long deadline) {
        t.deadline = deadline;
        long tick = Math.max(Math.floorDiv(deadline, tickNanos), currentTick);
        int s = (int) (tick & mask);
        t.slot = s;
        t.prev = null;
        t.next = heads[s];
        if (heads[s] != null) {
            heads[s].prev = t;
        }
        heads[s] = t;
        size++;
    }

    /**
     * Runs every timer whose deadline is at or before {@code nowNanos}. Actions may schedule or cancel timers.
     *
     * @param nowNanos the current time
     * @return the number of timers run
     */
    public int poll(long nowNanos) {
        long nowTick = Math.floorDiv(nowNanos, tickNanos);
        int ran = 0;
        long ticks = nowTick - currentTick;
        int buckets = ticks >= heads.length ? heads.length : (int) ticks + 1;
        for (int i = 0; i < buckets; i++) {
            int s = (int) ((currentTick + i) & mask);
            Timer t = heads[s];
            while (t != null) {
                Timer next = t.next;
                if (t.deadline - nowNanos <= 0) {
                    cancel(t);
                    t.action.onTimer(nowNanos);
                    ran++;
                    // the action may have changed this bucket: restart it
                    next = heads[s];
                }
                t = next;
            }
        }
        currentTick = nowTick;
        return ran;
    }

    /**
     * The earliest deadline among pending timers (a scan of the buckets, O(slots + timers)).
     *
     * @return the deadline, or {@link Long#MAX_VALUE} when none is pending
     */
    public long nextDeadline() {
        long best = Long.MAX_VALUE;
        boolean found = false;
        for (Timer h : heads) {
            for (Timer t = h; t != null; t = t.next) {
                if (!found || t.deadline - best < 0) {
                    best = t.deadline;
                    found = true;
                }
            }
        }
        return best;
    }

    /** @return the number of pending timers */
    public int size() {
        return size;
    }
}
