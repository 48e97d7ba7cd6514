package io.mga.engine;

import static io.mga.engine.hash.KeyedHash.mix;

import io.mga.api.SelectionPolicy.Candidates;

/**
 * Weighted rendezvous hashing into a fixed-size lookup table, the selection that a kernel data plane can
 * reproduce with one array read per packet (as GitHub's GLB and Katran's Maglev ring do): the table has
 * {@value #SIZE} entries; each entry belongs to the candidate with the highest weighted rendezvous score for that
 * entry (score {@code -w / ln(u)}, {@code u} a keyed hash of the entry and the candidate's care-of address and
 * Binding ID mapped into (0, 1]); an initiator uses the entry its address hashes to ({@link #index}).
 *
 * <p>Because each entry's owner is a rendezvous choice, removing a candidate moves exactly the entries it owned
 * (its share of the initiators, about {@code w / sum(w)}) and adding one moves only the entries it now wins; the
 * other initiators stay where they were. Weights of 0 are never chosen unless every weight is 0 (then all count
 * as equal). The result does not depend on the candidates' order. Pure functions, no state; the tables are
 * computed on the control plane (a change of an anycast address's bindings), never per packet.
 */
public final class SelectionTable {
    /** log2 of {@link #SIZE}. */
    public static final int BITS = 12;
    /** The entries of a table. */
    public static final int SIZE = 1 << BITS;

    private SelectionTable() {
    }

    /**
     * The entry an initiator uses: the top {@value #BITS} bits of a keyed mix of its address (the kernel program
     * computes the same: mix(mix(high ^ key) ^ low) >> (64 - BITS)).
     *
     * @param key the table's hash secret
     * @param initiatorHigh the first 64 bits of the initiator's address
     * @param initiatorLow the last 64 bits
     * @return 0 to {@link #SIZE} - 1
     */
    public static int index(long key, long initiatorHigh, long initiatorLow) {
        return (int) (mix(mix(initiatorHigh ^ key) ^ initiatorLow) >>> (64 - BITS));
    }

    /**
     * Computes a table.
     *
     * @param key the hash secret (agents on one link given the same key compute the same tables)
     * @param c the candidates, at least one
     * @param into where to write each entry's candidate index, at least {@link #SIZE} long
     * @throws IllegalArgumentException if there is no candidate or {@code into} is too short
     */
    public static void build(long key, Candidates c, int[] into) {
        int n = c.size();
        if (n < 1 || into.length < SIZE) {
            throw new IllegalArgumentException("need a candidate and " + SIZE + " entries");
        }
        long[] seeds = new long[n];
        double[] weights = new double[n];
        boolean equal = true;
        boolean anyPositive = false;
        for (int i = 0; i < n; i++) {
            seeds[i] = mix(key ^ mix(c.careOfHigh(i) ^ mix(c.careOfLow(i) ^ c.bindingId(i))));
            weights[i] = c.weight(i);
            anyPositive |= c.weight(i) > 0;
            equal &= c.weight(i) == c.weight(0);
        }
        if (!anyPositive) {
            java.util.Arrays.fill(weights, 1);
        }
        for (int e = 0; e < SIZE; e++) {
            long salt = mix(key + (e + 1) * io.mga.engine.hash.KeyedHash.GOLDEN);
            int best = -1;
            long bestHash = 0;
            double bestScore = 0;
            for (int i = 0; i < n; i++) {
                long h = mix(seeds[i] ^ salt);
                if (equal || !anyPositive) {
                    // equal weights: the largest u wins, which is the largest score; no logarithm needed
                    if (best < 0 || Long.compareUnsigned(h, bestHash) > 0
                            || h == bestHash && seeds[i] > seeds[best]) {
                        best = i;
                        bestHash = h;
                    }
                    continue;
                }
                if (weights[i] == 0) {
                    continue;
                }
                double u = ((h >>> 11) + 1) * 0x1.0p-53; // (0, 1]
                double score = u == 1.0 ? Double.POSITIVE_INFINITY : -weights[i] / Math.log(u);
                if (best < 0 || score > bestScore || score == bestScore && seeds[i] > seeds[best]) {
                    best = i;
                    bestScore = score;
                }
            }
            into[e] = best;
        }
    }
}
