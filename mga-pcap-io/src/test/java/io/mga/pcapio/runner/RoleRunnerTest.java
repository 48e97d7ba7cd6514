package io.mga.pcapio.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Clock;
import io.mga.api.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The role runner: its duty cycle in virtual time (invoker mode), and its own thread: woken by packets and tasks,
 * parked while idle, and a role that throws stops it with the failure reported (no zombie thread).
 */
class RoleRunnerTest {
    /** A role that logs what it is handed, with a settable deadline. */
    static class LoggingRole implements Role {
        final List<String> log = new ArrayList<>();
        long deadline = Long.MAX_VALUE;

        @Override
        public void receive(byte[] packet, int offset, int length, long now) {
            log.add("receive " + packet[offset] + " at " + now);
        }

        @Override
        public void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now) {
            StringBuilder s = new StringBuilder("burst");
            for (int i = first; i < first + count; i++) {
                s.append(' ').append(buffer[offsets[i]]);
            }
            log.add(s + " at " + now);
        }

        @Override
        public int doWork(long now) {
            if (now - deadline >= 0) {
                log.add("timer at " + now);
                deadline = Long.MAX_VALUE;
                return 1;
            }
            return 0;
        }

        @Override
        public long nextDeadline() {
            return deadline;
        }
    }

    static byte[] packet(int n) {
        return new byte[] {(byte) n, 0, 0, 0};
    }

    @Test
    void aCycleReadsTheClockOnceAndHandsTasksPacketsAndTimersTheSameNow() {
        long[] time = {1_000};
        int[] reads = {0};
        Clock clock = () -> {
            reads[0]++;
            return time[0];
        };
        LoggingRole role = new LoggingRole();
        RoleRunner r = RoleRunner.builder(role).clock(clock).maxParkNanos(500).build();
        assertThat(r.doCycle()).isZero();
        assertThat(r.nextWakeUp()).as("idle: maxPark after the cycle's time").isEqualTo(1_500);
        r.offer(packet(1), 0, 4);
        assertThat(r.submit(now -> role.log.add("task at " + now))).isTrue();
        time[0] = 2_000;
        reads[0] = 0;
        assertThat(r.doCycle()).isEqualTo(2);
        assertThat(reads[0]).isEqualTo(1);
        assertThat(role.log).containsExactly("task at 2000", "receive 1 at 2000");
        for (int i = 2; i <= 4; i++) {
            r.offer(packet(i), 0, 4);
        }
        role.deadline = 2_100;
        assertThat(r.nextWakeUp()).isEqualTo(2_100);
        time[0] = 2_100;
        assertThat(r.doCycle()).isEqualTo(4);
        assertThat(role.log).endsWith("burst 2 3 4 at 2100", "timer at 2100");
        assertThat(r.counters().received()).isEqualTo(4);
        assertThat(r.counters().tasks()).isEqualTo(1);
    }

    @Test
    void theSideInputGoesToItsHandlerInTheSameCycleWithTheSameNow() {
        long[] time = {5_000};
        LoggingRole role = new LoggingRole();
        List<String> side = new ArrayList<>();
        RoleRunner r = RoleRunner.builder(role).clock(() -> time[0])
                .sideInput((p, o, l, now) -> side.add("side " + p[o] + " at " + now), 64).build();
        assertThat(r.offer(packet(1), 0, 4)).isTrue();
        assertThat(r.offerSide(packet(7), 0, 4)).isTrue();
        assertThat(r.doCycle()).isEqualTo(2);
        assertThat(role.log).containsExactly("receive 1 at 5000");
        assertThat(side).containsExactly("side 7 at 5000");
        // bounded like the main ring: full means dropped and counted
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            accepted += r.offerSide(packet(i), 0, 4) ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(8);
        assertThat(r.counters().dropped()).isEqualTo(12);
        // without a side input, nothing is taken
        assertThat(RoleRunner.builder(new LoggingRole()).build().offerSide(packet(1), 0, 4)).isFalse();
    }

    @Test
    void aFullQueueDropsAndCounts() {
        RoleRunner r = RoleRunner.builder(new LoggingRole()).queueBytes(64).build();
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            accepted += r.offer(packet(i), 0, 4) ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(8);
        assertThat(r.counters().dropped()).isEqualTo(12);
    }

    @Test
    void aRoleWhoseReceiveThrowsStopsTheRunnerAndTheFailureIsReported() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        Role role = new LoggingRole() {
            @Override
            public void receive(byte[] packet, int offset, int length, long now) {
                throw boom;
            }
        };
        AtomicReference<Throwable> reported = new AtomicReference<>();
        AtomicReference<Thread> on = new AtomicReference<>();
        RoleRunner r = RoleRunner.builder(role).name("mga-role-test-throws").onFailure(t -> {
            reported.set(t);
            on.set(Thread.currentThread());
        }).build().start();
        assertThat(r.offer(packet(1), 0, 4)).isTrue();
        assertThatThrownBy(() -> r.termination().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCause(boom);
        assertThat(reported.get()).isSameAs(boom);
        assertThat(on.get().getName()).isEqualTo("mga-role-test-throws");
        on.get().join(10_000);
        assertThat(on.get().isAlive()).as("no zombie: the role thread has ended").isFalse();
        assertThat(r.isRunning()).isFalse();
        assertThat(r.offer(packet(2), 0, 4)).isFalse();
        assertThat(r.submit(now -> { })).isFalse();
        r.close(); // harmless after a failure
        assertThat(r.termination()).isCompletedExceptionally();
    }

    @Test
    void aTaskThatThrowsStopsTheRunnerToo() {
        RoleRunner r = RoleRunner.builder(new LoggingRole()).build().start();
        r.submit(now -> {
            throw new ArithmeticException("task");
        });
        assertThatThrownBy(() -> r.termination().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
                ArithmeticException.class);
    }

    @Test
    void inInvokerModeTheFailureIsRethrownAndReported() {
        Role role = new LoggingRole() {
            @Override
            public int doWork(long now) {
                throw new IllegalStateException("timer");
            }
        };
        RoleRunner r = RoleRunner.builder(role).build();
        assertThatThrownBy(r::doCycle).hasMessage("timer");
        assertThat(r.termination()).isCompletedExceptionally();
        assertThatThrownBy(r::doCycle).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
    }

    @Test
    void closeStopsTheThreadAndCompletesNormally() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        RoleRunner r = RoleRunner.builder(new LoggingRole()).name("mga-role-test-close").build().start();
        r.submit(now -> ran.countDown());
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        r.close();
        assertThat(r.termination().get(10, TimeUnit.SECONDS)).isNull();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mga-role-test-close"));
        assertThatThrownBy(r::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anIdleRoleParksUntilItsDeadlineInsteadOfSpinning() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        long start = System.nanoTime();
        LoggingRole role = new LoggingRole() {
            @Override
            public int doWork(long now) {
                int n = super.doWork(now);
                if (n > 0) {
                    fired.countDown();
                }
                return n;
            }
        };
        role.deadline = start + 50_000_000L; // 50 ms of the system clock
        RoleRunner r = RoleRunner.builder(role).clock(Clock.SYSTEM).maxParkNanos(60_000_000_000L).build().start();
        try {
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - start).as("not before the deadline").isGreaterThanOrEqualTo(50_000_000L);
            // a polling loop would have run thousands of cycles in 50 ms; a parked one a handful
            assertThat(r.counters().cycles()).isLessThan(20);
            assertThat(r.counters().parks()).isPositive();
        } finally {
            r.close();
        }
    }

    @Test
    void aParkedRunnerWakesForAPacket() throws Exception {
        CountDownLatch got = new CountDownLatch(1);
        LoggingRole role = new LoggingRole() {
            @Override
            public void receive(byte[] packet, int offset, int length, long now) {
                got.countDown();
            }
        };
        // no deadline, and a park of an hour: only the packet's arrival can wake it
        RoleRunner r = RoleRunner.builder(role).maxParkNanos(3_600_000_000_000L).build().start();
        try {
            long t0 = System.nanoTime();
            while (r.counters().parks() == 0 && System.nanoTime() - t0 < 10_000_000_000L) {
                Thread.onSpinWait(); // until the runner has parked
            }
            assertThat(r.counters().parks()).isPositive();
            r.offer(packet(7), 0, 4);
            assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            r.close();
        }
    }
}
