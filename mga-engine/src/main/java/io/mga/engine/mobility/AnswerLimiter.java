package io.mga.engine.mobility;

import io.mga.engine.hash.KeyedHash;

/**
 * Bounds the answers a role gives to input it could not authenticate (RFC 6275 §9.3.3 asks for rate limits on
 * Binding Errors; the same holds for a BA 146 and any other answer an unauthenticated packet can draw): per source
 * /64 and in total, each a generic cell rate (a token bucket kept as one "theoretical arrival time"). The
 * per-source cells sit in a fixed table indexed by a keyed hash of the source's /64, so a flood of sources shares
 * cells instead of growing memory, and cannot aim at one. Single-threaded; allocation-free.
 */
public final class AnswerLimiter {
    /** A cell never used: the first answer it sees starts it at the time of that answer. */
    private static final long UNUSED = Long.MIN_VALUE;
    private final long perSourceInterval;
    private final long perSourceTolerance;
    private final long totalInterval;
    private final long totalTolerance;
    private final long key;
    private final long[] cells;
    private long total = UNUSED;

    /**
     * @param perSourceIntervalNanos the time between two answers to one source /64, in the long run (positive)
     * @param totalIntervalNanos the time between two answers in all, in the long run (positive)
     * @param burst how many may go at once before the rates apply (at least 1)
     * @param slots the size of the per-source table (a power of two is not required)
     * @param key the table's hash secret
     */
    public AnswerLimiter(long perSourceIntervalNanos, long totalIntervalNanos, int burst, int slots, long key) {
        if (perSourceIntervalNanos < 1 || totalIntervalNanos < 1 || burst < 1 || slots < 1) {
            throw new IllegalArgumentException("intervals, burst and slots must be positive");
        }
        this.perSourceInterval = perSourceIntervalNanos;
        this.totalInterval = totalIntervalNanos;
        this.perSourceTolerance = perSourceIntervalNanos * (burst - 1);
        this.totalTolerance = totalIntervalNanos * (burst - 1);
        this.key = KeyedHash.mix(key);
        this.cells = new long[slots];
        java.util.Arrays.fill(cells, UNUSED);
    }

    /**
     * Whether an answer to this source may go now; if so, it is counted. Each cell is a "theoretical arrival time"
     * (the generic cell rate algorithm): an answer goes if that time is at most the tolerance ahead of now, and
     * then moves it one interval on, so that {@code burst} answers can go at once and then one per interval.
     *
     * @param sourceHigh the high half of the source address (its /64)
     * @param now the role's time
     * @return true to answer, false to stay silent
     */
    public boolean allow(long sourceHigh, long now) {
        int i = (int) Math.floorMod(KeyedHash.mix(sourceHigh ^ key), (long) cells.length);
        long s = cells[i];
        if (s != UNUSED && s - now > perSourceTolerance || total != UNUSED && total - now > totalTolerance) {
            return false;
        }
        cells[i] = (s == UNUSED || s - now < 0 ? now : s) + perSourceInterval;
        total = (total == UNUSED || total - now < 0 ? now : total) + totalInterval;
        return true;
    }
}
