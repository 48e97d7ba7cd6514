package io.mga.bench;

import io.mga.engine.agent.BindingCache;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The binding cache alone: look up a random one of N anycast addresses (1k, 100k, 1M, one binding each) and read
 * its care-of address, the agent's per-packet question. Beside it in the same run, the same question asked of a
 * {@code HashMap} from a two-{@code long} key record to a care-of record, as a plain Java cache would keep it (the
 * reference; it needs a key object per lookup, which escape analysis may remove). The set-up prints the heap each
 * binding takes in both. A third benchmark reads one random row of an array as large as the cache's rows: the
 * memory floor, what one cache miss per lookup costs on this machine. Keys are drawn by a multiplicative
 * generator over the whole table, so at 1M the lookups miss the CPU caches as real traffic would.
 * {@code java -jar mga-bench/target/benchmarks.jar BindingLookup -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class BindingLookupBenchmark {
    static final long PREFIX = 0x2001_0db8_000a_0000L;

    @Param({"1000", "100000", "1000000"})
    int bindings;

    /** A key as a plain map needs it. */
    record Key(long high, long low) {
    }

    /** A care-of address as a plain map would hold it. */
    record CareOf(long high, long low) {
    }

    private BindingCache cache;
    private long[] floor;
    private int[] floorIndex;
    private Map<Key, CareOf> map;
    private long cursor = 1;

    /** Fills the cache and the map, printing the heap per binding of each. */
    @Setup
    public void fill() {
        System.gc();
        long before = used();
        cache = new BindingCache(bindings, 1);
        for (int i = 0; i < bindings; i++) {
            int s = cache.insert(PREFIX, 0x1000L + i, 0, 0);
            cache.update(s, 0x2001_0db8_0001_0000L, 0x100L + i, 1, 1, 0, 3_600_000_000_000L);
        }
        System.gc();
        long mid = used();
        map = new HashMap<>();
        for (int i = 0; i < bindings; i++) {
            map.put(new Key(PREFIX, 0x1000L + i), new CareOf(0x2001_0db8_0001_0000L, 0x100L + i));
        }
        floor = new long[bindings * 4];
        for (int i = 0; i < floor.length; i++) {
            floor[i] = i;
        }
        floorIndex = new int[Integer.highestOneBit(bindings * 2 - 1) * 2];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < floorIndex.length; i++) {
            floorIndex[i] = r.nextInt(bindings);
        }
        System.gc();
        long after = used() - floor.length * 8L - floorIndex.length * 4L;
        System.out.printf("%n[heap] %d bindings: cache %.0f bytes per binding, HashMap %.0f bytes per binding%n",
                bindings, (mid - before) / (double) bindings, (after - mid) / (double) bindings);
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private int nextIndex() {
        cursor = cursor * 0x5851_f42d_4c95_7f2dL + 0x1405_7b7e_f767_814fL;
        return (int) (((cursor >>> 32) * bindings) >>> 32);
    }

    /** @return the low half of the care-of address found */
    @Benchmark
    public long lookupCache() {
        int i = nextIndex();
        int row = cache.findRow(PREFIX, 0x1000L + i);
        return cache.careOfLowAt(row);
    }

    /**
     * The memory floor: one read of a random row from an array of 32-octet rows, one per binding. A lookup that
     * touched memory once would cost this.
     *
     * @return the value read
     */
    @Benchmark
    public long floorOneRandomRead() {
        int i = nextIndex();
        return floor[i * 4 + 3];
    }

    /**
     * The floor of an index in front of rows: a random read of an index as large as the cache's, then the read of
     * the row it names; the second read depends on the first, as in the cache.
     *
     * @return the value read
     */
    @Benchmark
    public long floorTwoDependentReads() {
        int i = nextIndex();
        int s = floorIndex[(i * 2) & (floorIndex.length - 1)];
        return floor[s * 4 + 3];
    }

    /** @return the low half of the care-of address found */
    @Benchmark
    public long lookupHashMap() {
        int i = nextIndex();
        return map.get(new Key(PREFIX, 0x1000L + i)).low();
    }
}
