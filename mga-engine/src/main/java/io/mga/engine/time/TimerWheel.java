package io.mga.engine.time;

/**
 * Timers with actions, on an {@link IntTimerWheel} (hierarchical: scheduling, rescheduling and cancelling cost
 * O(1); a poll costs what expires and what cascades, never the number of timers pending). Each pending timer holds
 * one id of the underlying wheel; ids are reused once a timer has run or been cancelled, so the wheel's size follows
 * the pending timers, not the ones ever made. No thread, no system clock: the owner passes {@code now}.
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
        private int id = -1;

        private Timer(Action action) {
            this.action = action;
        }

        /** @return the deadline in nanoseconds */
        public long deadline() {
            return deadline;
        }

        /** @return true while the timer is scheduled and has not run or been cancelled */
        public boolean isPending() {
            return id >= 0;
        }
    }

    private final IntTimerWheel wheel;
    private final IntTimerWheel.Expiry fire = this::fire;
    private Timer[] byId = new Timer[16];
    private int[] free = new int[16];
    private int freeCount;
    private int nextId;

    /**
     * Creates an empty wheel.
     *
     * @param tickNanos the resolution by which timers are grouped, in nanoseconds; must be positive. A timer runs on
     *     the first poll at or after its exact deadline, which the owner arranges by polling at
     *     {@link #nextDeadline()}
     * @param nowNanos the current time
     * @throws IllegalArgumentException if {@code tickNanos} is not positive
     */
    public TimerWheel(long tickNanos, long nowNanos) {
        this.wheel = new IntTimerWheel(tickNanos, nowNanos, 16);
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
        reschedule(t, deadlineNanos);
        return t;
    }

    /**
     * Moves a timer to a new deadline (scheduling it again if it already ran or was cancelled).
     *
     * @param timer a timer from this wheel
     * @param deadlineNanos the new deadline
     */
    public void reschedule(Timer timer, long deadlineNanos) {
        if (timer.id < 0) {
            int id = freeCount > 0 ? free[--freeCount] : nextId++;
            if (id >= byId.length) {
                byId = java.util.Arrays.copyOf(byId, byId.length * 2);
            }
            byId[id] = timer;
            timer.id = id;
        }
        timer.deadline = deadlineNanos;
        wheel.schedule(timer.id, deadlineNanos);
    }

    /**
     * Cancels a timer; nothing happens if it already ran or was cancelled.
     *
     * @param timer a timer from this wheel, or null
     */
    public void cancel(Timer timer) {
        if (timer == null || timer.id < 0) {
            return;
        }
        wheel.cancel(timer.id);
        release(timer);
    }

    private void release(Timer t) {
        byId[t.id] = null;
        if (freeCount == free.length) {
            free = java.util.Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = t.id;
        t.id = -1;
    }

    private void fire(int id, long now) {
        Timer t = byId[id];
        release(t);
        t.action.onTimer(now);
    }

    /**
     * Runs every timer whose deadline is at or before {@code nowNanos}. Actions may schedule or cancel timers;
     * those they schedule at or before {@code nowNanos} run in the same call.
     *
     * @param nowNanos the current time
     * @return the number of timers run
     */
    public int poll(long nowNanos) {
        return wheel.poll(nowNanos, fire);
    }

    /**
     * Runs at most {@code limit} of the timers due at {@code nowNanos}; the rest stay due for the next poll.
     *
     * @param nowNanos the current time
     * @param limit the most timers to run, at least 1
     * @return the number of timers run
     */
    public int poll(long nowNanos, int limit) {
        return wheel.poll(nowNanos, fire, limit);
    }

    /**
     * When the owner should poll next: the earliest deadline, or an earlier time at which far timers move closer
     * (see {@link IntTimerWheel#nextDeadline()}). O(1) in the number of timers.
     *
     * @return a time in nanoseconds, or {@link Long#MAX_VALUE} when none is pending
     */
    public long nextDeadline() {
        return wheel.nextDeadline();
    }

    /** @return the number of pending timers */
    public int size() {
        return wheel.size();
    }
}
