package io.mga.bench;

import io.mga.engine.TimerWheel;
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
 * Soft-state expiry at scale: the agent's timer wheel (1024 buckets of 10 ms, as {@code HomeAnycastAgent} makes
 * it) holding 1k, 100k or 1M binding timers spread evenly over one hour; each operation advances time by one
 * 10 ms tick and polls. The same number of timers expire per tick whatever the table's size would be fair only
 * per timer; what matters is whether a tick's cost follows what expires (a few timers) or the table. Each
 * expired timer is rescheduled an hour later, as a refreshed binding's would be, so the table stays full.
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
    private long now;
    private long expired;

    /** Fills the wheel. */
    @Setup(Level.Trial)
    public void fill() {
        wheel = new TimerWheel(TICK, 1024, 0);
        for (int i = 0; i < timers; i++) {
            long deadline = (HOUR / timers) * i + 1;
            wheel.schedule(deadline, this::again);
        }
        now = 0;
    }

    private void again(long t) {
        expired++;
        wheel.schedule(t + HOUR, this::again);
    }

    /** @return timers expired so far */
    @Benchmark
    public long tick() {
        now += TICK;
        wheel.poll(now);
        return expired;
    }
}
