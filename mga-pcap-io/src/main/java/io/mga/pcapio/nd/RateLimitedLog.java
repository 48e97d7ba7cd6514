package io.mga.pcapio.nd;

import org.slf4j.Logger;

/**
 * At most one warning per interval for one kind of event, with a count of the ones held back: a flood of forged
 * Neighbor Discovery messages must not turn into a flood of log lines. Time is the caller's {@code now}.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private boolean logged;
    private long last;
    private long held;

    RateLimitedLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Logs a warning unless one was logged less than an interval ago.
     *
     * @param now the current time
     * @param message the message, with slf4j {@code {}} placeholders
     * @param args its arguments
     * @return true when it was logged
     */
    boolean warn(long now, String message, Object... args) {
        if (logged && now - last < intervalNanos) {
            held++;
            return false;
        }
        if (held > 0) {
            log.warn(message + " (and {} more like it held back)", append(args, held));
        } else {
            log.warn(message, args);
        }
        logged = true;
        last = now;
        held = 0;
        return true;
    }

    private static Object[] append(Object[] args, long n) {
        Object[] a = java.util.Arrays.copyOf(args, args.length + 1);
        a[args.length] = n;
        return a;
    }
}
