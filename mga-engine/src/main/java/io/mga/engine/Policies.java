package io.mga.engine;

import static io.mga.engine.hash.KeyedHash.mix;

import io.mga.api.SelectionPolicy.Candidates;
import io.mga.api.SelectionPolicy;
import java.util.Arrays;

/**
 * The built-in {@link SelectionPolicy} implementations. Each call returns a new instance (some keep state, such
 * as a round-robin cursor); an instance belongs to one agent.
 */
public final class Policies {
    private Policies() {
    }

    /** @return always the first candidate (the Basic Model has only one) */
    public static SelectionPolicy first() {
        return (initiatorHigh, initiatorLow, c) -> 0;
    }

    /** @return candidates in turn */
    public static SelectionPolicy roundRobin() {
        return new SelectionPolicy() {
            private long next;

            @Override
            public int select(long initiatorHigh, long initiatorLow, Candidates c) {
                return Math.floorMod(next++, c.size());
            }
        };
    }

    /**
     * Smooth weighted round-robin (as nginx does it): over any window each candidate is picked in proportion to its
     * advertised weight, interleaved rather than in bursts. A weight of 0 is never picked unless all are 0.
     *
     * @return the policy
     */
    public static SelectionPolicy weighted() {
        return new SelectionPolicy() {
            /** Open addressing: candidate key (Binding ID and address) to its current value; cleared when full. */
            private long[] keys = new long[512];
            private long[] values = new long[512];
            private boolean[] used = new boolean[512];
            private int count;

            private int slot(long key) {
                int m = keys.length - 1;
                int i = (int) mix(key) & m;
                while (used[i] && keys[i] != key) {
                    i = (i + 1) & m;
                }
                if (!used[i]) {
                    used[i] = true;
                    keys[i] = key;
                    values[i] = 0;
                    count++;
                }
                return i;
            }

            /** Room for this selection's candidates at most half full; forgets responders that left. */
            private void room(int candidates) {
                if (count + candidates > keys.length / 2) {
                    int cap = Math.max(keys.length, Integer.highestOneBit(candidates * 4 - 1) * 2);
                    if (cap != keys.length) {
                        keys = new long[cap];
                        values = new long[cap];
                        used = new boolean[cap];
                    } else {
                        Arrays.fill(used, false);
                    }
                    count = 0;
                }
            }

            @Override
            public int select(long initiatorHigh, long initiatorLow, Candidates c) {
                room(c.size());
                long total = 0;
                int best = -1;
                int bestSlot = -1;
                long bestValue = Long.MIN_VALUE;
                for (int i = 0; i < c.size(); i++) {
                    int s = slot(((long) c.bindingId(i) << 48) ^ mix(c.careOfHigh(i)) ^ c.careOfLow(i));
                    long v = values[s] + c.weight(i);
                    values[s] = v;
                    total += c.weight(i);
                    if (v > bestValue) {
                        bestValue = v;
                        best = i;
                        bestSlot = s;
                    }
                }
                if (total == 0) {
                    return 0;
                }
                values[bestSlot] -= total;
                return best;
            }
        };
    }

    /** @return the candidate advertising the lowest load (the first on a tie) */
    public static SelectionPolicy leastLoaded() {
        return (initiatorHigh, initiatorLow, c) -> {
            int best = 0;
            for (int i = 1; i < c.size(); i++) {
                if (c.load(i) < c.load(best)) {
                    best = i;
                }
            }
            return best;
        };
    }

    /**
     * The candidate whose peer unicast address shares the longest prefix with the initiator's address, a stand-in
     * for topological nearness (the first on a tie).
     *
     * @return the policy
     */
    public static SelectionPolicy nearest() {
        return (initiatorHigh, initiatorLow, c) -> {
            int best = 0;
            int bestLen = -1;
            for (int i = 0; i < c.size(); i++) {
                long x = initiatorHigh ^ c.careOfHigh(i);
                int len = x != 0 ? Long.numberOfLeadingZeros(x)
                        : 64 + Long.numberOfLeadingZeros(initiatorLow ^ c.careOfLow(i));
                if (len > bestLen) {
                    bestLen = len;
                    best = i;
                }
            }
            return best;
        };
    }

    /**
     * Rendezvous (highest random weight) hashing of the initiator address: each initiator always maps to the same
     * responder while the set does not change, and when a responder joins or leaves only the initiators that
     * belong to it move (about 1/n of them). Candidates are identified by Binding ID and peer unicast address;
     * the hash is a 64-bit mix, so the mapping is the same on every agent (agents on the home link agree).
     *
     * @return the policy
     */
    public static SelectionPolicy rendezvous() {
        return (initiatorHigh, initiatorLow, c) -> {
            int best = 0;
            long bestScore = Long.MIN_VALUE;
            for (int i = 0; i < c.size(); i++) {
                long h = mix(initiatorHigh ^ mix(initiatorLow ^ mix(c.careOfHigh(i) ^ mix(c.careOfLow(i)
                        ^ c.bindingId(i)))));
                if (h > bestScore) {
                    bestScore = h;
                    best = i;
                }
            }
            return best;
        };
    }

    /**
     * Weighted rendezvous hashing into a {@value SelectionTable#SIZE}-entry table ({@link SelectionTable}): the
     * selection of the kernel data plane, which looks the same table up per packet, so that the Java path and the
     * kernel send an initiator to the same responder. Stable per initiator while the set does not change;
     * removing a responder moves only the initiators it served, adding one moves only those it now wins; weights
     * are honoured in proportion. Tables are kept in a direct-mapped cache of {@value #TABLES_CACHED} candidate
     * sets (16 KiB each): a table is computed once per change of an anycast address's bindings, not per packet, as
     * long as the sets in use (anycast addresses with several bindings) do not collide in it; two that do are
     * recomputed in turn, which costs 4,096 hashes per candidate and per packet (the kernel data plane holds 256
     * tables too).
     *
     * @param key the table's hash secret: the kernel data plane must be given the same
     * @return the policy
     */
    public static SelectionPolicy table(long key) {
        return new TablePolicy(key);
    }

    /** How many candidate sets' tables {@link #table} keeps: direct-mapped by the set's fingerprint. */
    static final int TABLES_CACHED = 256;

    /** {@link #table}: a direct-mapped cache of tables keyed by the candidate set, checked field by field. */
    private static final class TablePolicy implements SelectionPolicy {
        private final long key;
        private final long[] fingerprints = new long[TABLES_CACHED];
        private final long[][] careOfs = new long[TABLES_CACHED][];
        private final int[][] ids = new int[TABLES_CACHED][];
        private final int[][] tables = new int[TABLES_CACHED][];

        TablePolicy(long key) {
            this.key = key;
        }

        @Override
        public int select(long initiatorHigh, long initiatorLow, Candidates c) {
            int n = c.size();
            long fp = n;
            for (int i = 0; i < n; i++) {
                fp = mix(fp ^ c.careOfHigh(i)) ^ mix(c.careOfLow(i) ^ ((long) c.bindingId(i) << 16 | c.weight(i)));
            }
            int e = SelectionTable.index(key, initiatorHigh, initiatorLow);
            int t = (int) (fp ^ fp >>> 32) & (TABLES_CACHED - 1);
            if (tables[t] != null && fingerprints[t] == fp && same(t, c)) {
                return tables[t][e];
            }
            // a new candidate set (a change of the bindings): computed once, kept in its slot
            long[] co = new long[2 * n];
            int[] id = new int[2 * n];
            for (int i = 0; i < n; i++) {
                co[2 * i] = c.careOfHigh(i);
                co[2 * i + 1] = c.careOfLow(i);
                id[2 * i] = c.bindingId(i);
                id[2 * i + 1] = c.weight(i);
            }
            int[] table = new int[SelectionTable.SIZE];
            SelectionTable.build(key, c, table);
            fingerprints[t] = fp;
            careOfs[t] = co;
            ids[t] = id;
            tables[t] = table;
            return table[e];
        }

        private boolean same(int t, Candidates c) {
            long[] co = careOfs[t];
            int[] id = ids[t];
            if (co.length != 2 * c.size()) {
                return false;
            }
            for (int i = 0; i < c.size(); i++) {
                if (co[2 * i] != c.careOfHigh(i) || co[2 * i + 1] != c.careOfLow(i) || id[2 * i] != c.bindingId(i)
                        || id[2 * i + 1] != c.weight(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
