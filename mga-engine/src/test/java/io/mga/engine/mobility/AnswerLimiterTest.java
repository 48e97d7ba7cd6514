package io.mga.engine.mobility;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The answer limiter lets exactly its burst through at once, then one per interval, per /64 and in total. */
class AnswerLimiterTest {
    static final long S = 1_000_000_000L;

    static int allowed(AnswerLimiter l, long source, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += l.allow(source, now) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aBurstThenOnePerInterval() {
        AnswerLimiter l = new AnswerLimiter(S / 2, S / 100, 10, 4096, 7);
        // at any time origin, even one near the end of the clock's range
        for (long t0 : new long[] {0, -5 * S, Long.MAX_VALUE - 1000 * S}) {
            AnswerLimiter f = new AnswerLimiter(S / 2, S / 100, 10, 4096, 7);
            assertThat(allowed(f, 42, t0, 100)).as("burst at %d", t0).isEqualTo(10);
            assertThat(allowed(f, 42, t0 + S / 2, 100)).isEqualTo(1);
            assertThat(allowed(f, 42, t0 + 10 * S, 100)).as("refilled").isEqualTo(10);
        }
        // per /64: another source has its own cell; the total (100/s) bounds all of them together
        assertThat(allowed(l, 1, 0, 20)).isEqualTo(10);
        assertThat(allowed(l, 2, 0, 20)).as("the total's burst is spent").isZero();
        assertThat(allowed(l, 2, S / 100, 20)).isEqualTo(1);
        int many = 0;
        for (long src = 100; src < 10_100; src++) {
            many += l.allow(src, S) ? 1 : 0;
        }
        assertThat(many).as("a flood of sources gets the total's share only").isLessThanOrEqualTo(100);
    }
}
