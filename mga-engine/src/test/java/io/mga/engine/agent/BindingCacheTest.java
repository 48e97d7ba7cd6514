package io.mga.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The flat binding cache and the pin table against plain maps, over random inserts and removals. */
class BindingCacheTest {

    private record Key(long high, long low) {
    }

    @Test
    void agreesWithAMapOfSortedChainsThroughInsertsAndRemovals() {
        Random r = new Random(3);
        BindingCache c = new BindingCache(3_000, 8);
        Map<Key, TreeMap<Integer, Integer>> model = new HashMap<>(); // anycast -> bid -> slot
        // few distinct high halves and clustered low halves: many hash neighbours, long probe runs, wrap-around
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            keys.add(new Key(0x20010db8_000a0000L + (i % 3), i * 17L));
        }
        for (int step = 0; step < 60_000; step++) {
            Key k = keys.get(r.nextInt(keys.size()));
            int bid = r.nextInt(12);
            TreeMap<Integer, Integer> chain = model.computeIfAbsent(k, x -> new TreeMap<>());
            if (r.nextInt(3) > 0) {
                if (chain.containsKey(bid)) {
                    continue;
                }
                int s = c.insert(k.high(), k.low(), bid, 7);
                int total = model.values().stream().mapToInt(Map::size).sum();
                if (total >= 3_000 || chain.size() >= 8) {
                    assertThat(s).isEqualTo(BindingCache.NONE);
                } else {
                    assertThat(s).isNotEqualTo(BindingCache.NONE);
                    c.update(s, k.low(), k.high(), bid, 1, 2, 3);
                    chain.put(bid, s);
                }
            } else if (!chain.isEmpty()) {
                int victim = new ArrayList<>(chain.keySet()).get(r.nextInt(chain.size()));
                int s = chain.remove(victim);
                int gen = c.generation(s);
                c.remove(s);
                assertThat(c.isLive(s)).isFalse();
                assertThat(c.generation(s)).isNotEqualTo(gen);
            }
            if (step % 500 == 0 || step > 59_900) {
                int total = 0;
                int groups = 0;
                for (Key key : keys) {
                    TreeMap<Integer, Integer> m = model.getOrDefault(key, new TreeMap<>());
                    List<Integer> walked = new ArrayList<>();
                    for (int s = c.find(key.high(), key.low()); s != BindingCache.NONE; s = c.next(s)) {
                        assertThat(c.anycastHigh(s)).isEqualTo(key.high());
                        assertThat(c.anycastLow(s)).isEqualTo(key.low());
                        assertThat(c.careOfHigh(s)).isEqualTo(key.low());
                        walked.add(c.bindingId(s));
                    }
                    assertThat(walked).isEqualTo(new ArrayList<>(m.keySet())); // in Binding ID order
                    for (Map.Entry<Integer, Integer> e : m.entrySet()) {
                        assertThat(c.find(key.high(), key.low(), e.getKey())).isEqualTo(e.getValue());
                    }
                    total += m.size();
                    groups += m.isEmpty() ? 0 : 1;
                }
                assertThat(c.size()).isEqualTo(total);
                assertThat(c.anycastCount()).isEqualTo(groups);
            }
        }
        assertThat(c.find(1, 2)).isEqualTo(BindingCache.NONE);
    }

    @Test
    void pinsAreBoundedLapseWithTheirBindingAndEvictTheLeastRecentlyUsed() {
        BindingCache c = new BindingCache(100, 4);
        int a = c.insert(10, 1, 1, 0);
        int b = c.insert(10, 1, 2, 0);
        PinTable pins = new PinTable(8, 1_000, 42);
        pins.put(5, 5, 10, 1, a, c, 0);
        assertThat(pins.get(5, 5, 10, 1, c, 10)).isEqualTo(a);
        assertThat(pins.get(5, 5, 10, 2, c, 10)).as("another anycast address").isEqualTo(BindingCache.NONE);
        assertThat(pins.get(5, 5, 10, 1, c, 1_500)).as("idle too long").isEqualTo(BindingCache.NONE);
        pins.put(5, 5, 10, 1, b, c, 2_000);
        c.setOwner(b, 3); // another responder takes the binding over
        assertThat(pins.get(5, 5, 10, 1, c, 2_001)).isEqualTo(BindingCache.NONE);
        pins.put(5, 5, 10, 1, b, c, 2_002);
        c.remove(b);
        int reused = c.insert(10, 1, 2, 0);
        assertThat(reused).as("the slot is reused").isEqualTo(b);
        assertThat(pins.get(5, 5, 10, 1, c, 2_003)).as("but not the pin").isEqualTo(BindingCache.NONE);
        // a flood of initiators never holds more than the bound
        for (int i = 0; i < 10_000; i++) {
            pins.put(100 + i, i, 10, 1, a, c, 3_000 + i);
        }
        assertThat(pins.count(c, 13_000)).isEqualTo(8); // one set of eight, full
        // the most recent initiator is still pinned; the first of the flood is long gone
        assertThat(pins.get(100 + 9_999, 9_999, 10, 1, c, 13_000)).isEqualTo(a);
        assertThat(pins.get(100, 0, 10, 1, c, 13_000)).isEqualTo(BindingCache.NONE);
    }

    /**
     * The keyed hash spreads structured address sets (runs, strides of powers of two, varying prefixes) as well
     * as random ones: linear probing at 40-60% load keeps rows about one probe from home.
     */
    @Test
    void structuredAddressSetsKeepProbesShort() {
        long prefix = 0x20010db8_000a0000L;
        java.util.function.LongUnaryOperator[] lows = {
            i -> i, // a run: ::1, ::2, ...
            i -> i << 8, i -> i << 16, i -> i << 32, i -> i << 48, // strides of powers of two
            i -> i * 0x0001_0001_0001_0001L, // the same pattern in every 16-bit group
            i -> Long.reverse(i), // bits from the top
        };
        for (long key : new long[] {0, 1, -1, 0x5eed, new Random(9).nextLong()}) {
            for (int pattern = 0; pattern < lows.length + 1; pattern++) {
                BindingCache c = new BindingCache(60_000, 4, key);
                long[] highs = new long[50_000];
                long[] lowsInserted = new long[50_000];
                for (long i = 1; i <= 50_000; i++) {
                    long high = pattern < lows.length ? prefix : prefix + i; // last: one address per prefix
                    long low = pattern < lows.length ? lows[pattern].applyAsLong(i) : 1;
                    assertThat(c.insert(high, low, 1, 0)).isNotEqualTo(BindingCache.NONE);
                    highs[(int) i - 1] = high;
                    lowsInserted[(int) i - 1] = low;
                }
                double[] d = displacement(c, highs, lowsInserted);
                // linear probing at load a expects (1/(1-a) - 1)/2 rows of displacement: 0.75 at 60%, about 0.37 measured
                assertThat(d[0]).as("mean displacement, pattern %d, key %x", pattern, key).isLessThan(1.0);
                assertThat(d[1]).as("longest displacement, pattern %d, key %x", pattern, key).isLessThan(64);
            }
        }
    }

    /**
     * How far the rows of the given addresses sit from their homes (the probes a lookup makes beyond the first):
     * {mean displacement, longest displacement}, in rows.
     */
    private static double[] displacement(BindingCache c, long[] highs, long[] lows) {
        long sum = 0;
        int max = 0;
        for (int i = 0; i < highs.length; i++) {
            int d = Math.floorMod(c.findRow(highs[i], lows[i]) - c.homeRow(highs[i], lows[i]), c.tableRows());
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {highs.length == 0 ? 0 : sum / (double) highs.length, max};
    }
}
