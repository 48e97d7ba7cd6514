package io.mga.bench;

import io.mga.engine.time.IntTimerWheel;
import io.mga.engine.time.TimerWheel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Soft-state expiry at scale: 1k, 100k or 1M binding timers spread evenly over one hour, on the agent's wheel
 * ({@link IntTimerWheel} with 10 ms ticks, one timer per binding slot, as {@code HomeAnycastAgent} uses it) and on
 * the roles' {@link TimerWheel} (timer objects with actions, on the same wheel). Each operation advances time by
 * one 10 ms tick and polls. Each expired timer is rescheduled an hour later, as a refreshed binding's would be, so
 * the table stays full. What matters is whether a tick's cost follows what expires (N / 360,000 timers per tick)
 * or the table: divide the cost by the timers due per tick.
 * {@code java -jar mga-bench/target/benchmarks.jar Expiry}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class ExpiryBenchmark {
    static final long TICK = 10_000_000L;
    static final long HOUR = 3_600_000_000_000L;

    @Param({"1000", "100000", "1000000"})
    int timers;

    private TimerWheel wheel;
    private IntTimerWheel slots;
    private final IntTimerWheel.Expiry refresh = this::againSlot;
    private long now;
    private long slotNow;
    private long expired;

    /** Fills both wheels. */
    @Setup(Level.Trial)
    public void fill() {
        wheel = new TimerWheel(TICK, 0);
        slots = new IntTimerWheel(TICK, 0, timers);
        for (int i = 0; i < timers; i++) {
            long deadline = (HOUR / timers) * i + 1;
            wheel.schedule(deadline, this::again);
            slots.schedule(i, deadline);
        }
        now = 0;
        slotNow = 0;
    }

    private void again(long t) {
        expired++;
        wheel.schedule(t + HOUR, this::again);
    }

    private void againSlot(int id, long t) {
        expired++;
        slots.schedule(id, t + HOUR);
    }

    /** @return timers expired so far */
    @Benchmark
    public long tick() {
        now += TICK;
        wheel.poll(now);
        return expired;
    }

    /** @return timers expired so far */
    @Benchmark
    public long tickAgentWheel() {
        slotNow += TICK;
        slots.poll(slotNow, refresh);
        return expired;
    }
}
