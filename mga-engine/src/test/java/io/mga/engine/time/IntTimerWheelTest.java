package io.mga.engine.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hierarchical wheel against a plain map of deadlines, over random schedules, cancels and time jumps. */
class IntTimerWheelTest {

    private static long delay(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return r.nextInt(30); // same or next tick
            case 1:
                return r.nextInt(2_000); // level 0 and 1
            case 2:
                return (long) r.nextInt(1 << 20) * 10; // a few levels up
            case 3:
                return (r.nextLong() >>> 4); // far: the top levels
            default:
                return -r.nextInt(100); // already due
        }
    }

    @Test
    void runsExactlyWhatIsDueWhateverTheJumps() {
        for (int seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            long origin = seed % 2 == 0 ? 0 : -5_000_000_000L + r.nextInt(1000); // System.nanoTime may be negative
            IntTimerWheel w = new IntTimerWheel(10, origin, 4);
            Map<Integer, Long> expected = new HashMap<>();
            long now = origin;
            for (int step = 0; step < 4_000; step++) {
                int op = r.nextInt(10);
                int id = r.nextInt(300);
                if (op < 5) {
                    long d = now + delay(r);
                    if (d < now - 1_000 && now > 0) {
                        d = now; // avoid overflow games below zero
                    }
                    w.schedule(id, d);
                    expected.put(id, d);
                } else if (op < 6) {
                    w.cancel(id);
                    expected.remove(id);
                } else {
                    long jump = r.nextInt(4) == 0 ? (r.nextLong() >>> 20) : r.nextInt(r.nextBoolean() ? 50 : 100_000);
                    now += jump;
                    long t = now;
                    Set<Integer> due = new HashSet<>();
                    expected.forEach((k, v) -> {
                        if (v - t <= 0) {
                            due.add(k);
                        }
                    });
                    Set<Integer> ran = new HashSet<>();
                    int n = w.poll(now, (x, at) -> {
                        assertThat(at).isEqualTo(t);
                        assertThat(ran.add(x)).isTrue();
                    });
                    assertThat(ran).isEqualTo(due);
                    assertThat(n).isEqualTo(due.size());
                    due.forEach(expected::remove);
                    // nothing due is left, so the next time to poll lies ahead (an owner never spins)
                    assertThat(w.nextDeadline()).isGreaterThan(now);
                }
                assertThat(w.size()).isEqualTo(expected.size());
                for (int k = 0; k < 300; k++) {
                    assertThat(w.isPending(k)).isEqualTo(expected.containsKey(k));
                }
                long min = expected.values().stream().min(Long::compare).orElse(Long.MAX_VALUE);
                assertThat(w.nextDeadline()).isLessThanOrEqualTo(min);
            }
        }
    }

    @Test
    void pollingAtNextDeadlineReachesEachTimerWithoutRunningItEarly() {
        Random r = new Random(7);
        IntTimerWheel w = new IntTimerWheel(10_000_000L, 0, 0);
        Map<Integer, Long> expected = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            long d = 1 + (r.nextLong() >>> 1) % 3_600_000_000_000L; // within an hour
            w.schedule(i, d);
            expected.put(i, d);
        }
        long now = 0;
        int polls = 0;
        List<Long> lateness = new ArrayList<>();
        while (w.size() > 0) {
            long next = w.nextDeadline();
            assertThat(next).isGreaterThan(now); // never a busy loop
            now = next;
            long t = now;
            polls++;
            w.poll(now, (id, at) -> {
                long d = expected.remove(id);
                assertThat(d).isLessThanOrEqualTo(t);
                lateness.add(t - d);
            });
        }
        assertThat(expected).isEmpty();
        // every timer ran at its exact deadline; the extra polls are the cascades, a few per timer at most
        assertThat(lateness).allMatch(x -> x == 0);
        assertThat(polls).isLessThan(2_000 * 3);
    }

    @Test
    void callbacksMayRescheduleAndTimersDueNowRunInTheSamePoll() {
        IntTimerWheel w = new IntTimerWheel(10, 0, 0);
        List<String> log = new ArrayList<>();
        w.schedule(1, 100);
        w.schedule(2, 100);
        int ran = w.poll(100, (id, now) -> {
            log.add(id + "@" + now);
            if (id == 1) {
                w.cancel(2); // cancelling another due timer stops it
                w.schedule(3, now); // due now: runs in this poll
                w.schedule(1, now + 1_000); // and itself again later
            }
        });
        assertThat(log).hasSize(2).contains("3@100");
        assertThat(ran).isEqualTo(2);
        assertThat(w.isPending(1)).isTrue();
        // 1100 is 100 ticks away, on level 1: the wheel asks for a poll when its bucket starts, then answers exactly
        assertThat(w.nextDeadline()).isEqualTo(640);
        assertThat(w.poll(640, (id, now) -> log.add("early"))).isZero();
        assertThat(w.nextDeadline()).isEqualTo(1_100);
        // time that goes backwards runs nothing new
        assertThat(w.poll(50, (id, now) -> log.add("never"))).isZero();
    }

    @Test
    void aThrowingCallbackStrandsNothing() {
        IntTimerWheel w = new IntTimerWheel(10, 0, 0);
        w.schedule(1, 100);
        w.schedule(2, 100);
        List<Integer> ran = new ArrayList<>();
        try {
            w.poll(100, (id, now) -> {
                ran.add(id);
                throw new IllegalStateException("listener failed");
            });
        } catch (IllegalStateException expected) {
            // the embedder sees the failure; the other due timer must not be lost
        }
        assertThat(ran).hasSize(1);
        assertThat(w.nextDeadline()).isLessThanOrEqualTo(100);
        assertThat(w.poll(100, (id, now) -> ran.add(id))).isEqualTo(1);
        assertThat(ran).containsExactlyInAnyOrder(1, 2);
        assertThat(w.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anExpiryLimitSpreadsAMassExpiryOverPollsAndLosesNothing() {
        IntTimerWheel w = new IntTimerWheel(10, 0, 0);
        for (int id = 0; id < 1000; id++) {
            w.schedule(id, 500 + id % 7);
        }
        java.util.BitSet ran = new java.util.BitSet();
        IntTimerWheel.Expiry e = (id, now) -> ran.set(id);
        assertThat(w.poll(499, e, 300)).isZero();
        assertThat(w.poll(1_000, e, 300)).isEqualTo(300);
        assertThat(w.nextDeadline()).as("the rest is due at once").isLessThanOrEqualTo(1_000);
        assertThat(w.poll(1_000, e, 300)).isEqualTo(300);
        assertThat(w.poll(1_000, e, 300)).isEqualTo(300);
        assertThat(w.poll(1_000, e, 300)).isEqualTo(100);
        assertThat(ran.cardinality()).isEqualTo(1000);
        assertThat(w.size()).isZero();
        assertThat(w.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        w.schedule(5, 2_000);
        assertThat(w.poll(1_500, e, 1)).as("nothing due yet").isZero();
        assertThat(w.nextDeadline()).isEqualTo(2_000);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> w.poll(3_000, e, 0));
    }
}
