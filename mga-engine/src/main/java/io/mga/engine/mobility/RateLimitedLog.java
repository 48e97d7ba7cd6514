package io.mga.engine.mobility;

import org.slf4j.Logger;

/**
 * A log line that hostile input can provoke, bounded: at most one line per interval, each saying how many were
 * suppressed since the last one. Driven by the role's time; single-threaded (one per kind of line per role).
 */
public final class RateLimitedLog {
    private final long intervalNanos;
    private long last = Long.MIN_VALUE;
    private long suppressed;

    /** @param intervalNanos the least time between two lines */
    public RateLimitedLog(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /**
     * Logs at WARN unless a line went out less than the interval ago (then counts it).
     *
     * @param log the logger
     * @param now the role's time
     * @param format an slf4j format
     * @param args its arguments
     * @return true when the line was written
     */
    public boolean warn(Logger log, long now, String format, Object... args) {
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            suppressed++;
            return false;
        }
        last = now;
        if (suppressed > 0) {
            log.warn(format + " ({} like it suppressed)", append(args, suppressed));
            suppressed = 0;
        } else {
            log.warn(format, args);
        }
        return true;
    }

    /** @return lines suppressed since the last one written */
    public long suppressed() {
        return suppressed;
    }

    private static Object[] append(Object[] args, Object extra) {
        Object[] a = java.util.Arrays.copyOf(args, args.length + 1);
        a[args.length] = extra;
        return a;
    }
}
