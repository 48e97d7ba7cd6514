package io.mga.api;

/**
 * The time source roles are given: monotonic nanoseconds with an arbitrary origin. The simulated network's
 * virtual clock and {@link #SYSTEM} both implement it; roles never read the system clock themselves. Compare
 * deadlines as {@code deadline - now <= 0}, never {@code deadline <= now}.
 */
@FunctionalInterface
public interface Clock {
    /** The JVM's monotonic clock, {@link System#nanoTime()}. */
    Clock SYSTEM = System::nanoTime;

    /** @return the current time in nanoseconds */
    long nanos();
}
