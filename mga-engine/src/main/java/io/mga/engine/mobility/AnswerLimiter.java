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
    private final long perSourceInterval;
    private final long perSourceBurst;
    private final long totalInterval;
    private final long totalBurst;
    private final long key;
    private final long[] cells;
    private long total = Long.MIN_VALUE / 2;

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
        this.perSourceBurst = perSourceInterval * burst;
        this.totalBurst = totalInterval * burst;
        this.key = KeyedHash.mix(key);
        this.cells = new long[slots];
        java.util.Arrays.fill(cells, Long.MIN_VALUE / 2);
    }

    /**
     * Whether an answer to this source may go now; if so, it is counted.
     *
     * @param sourceHigh the high half of the source address (its /64)
     * @param now the role's time
     * @return true to answer, false to stay silent
     */
    public boolean allow(long sourceHigh, long now) {
        int i = (int) Math.floorMod(KeyedHash.mix(sourceHigh ^ key), (long) cells.length);
        long s = cells[i];
        if (s - now > perSourceBurst || total - now > totalBurst) {
            return false;
        }
        cells[i] = Math.max(s, now - perSourceBurst) + perSourceInterval;
        total = Math.max(total, now - totalBurst) + totalInterval;
        return true;
    }
}
