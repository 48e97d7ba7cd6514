package io.mga.engine;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import io.mga.api.SelectionPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@link SelectionPolicy} implementations. Each call returns a new instance (some keep state, such
 * as a round-robin cursor); an instance belongs to one agent.
 */
public final class Policies {
    private Policies() {
    }

    /** @return always the first candidate (the Basic Model has only one) */
    public static SelectionPolicy first() {
        return (initiator, c) -> 0;
    }

    /** @return candidates in turn */
    public static SelectionPolicy roundRobin() {
        return new SelectionPolicy() {
            private long next;

            @Override
            public int select(Ipv6Address initiator, List<AnycastBinding> c) {
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
            private final Map<Long, Long> current = new HashMap<>();

            @Override
            public int select(Ipv6Address initiator, List<AnycastBinding> c) {
                long total = 0;
                int best = -1;
                long bestValue = Long.MIN_VALUE;
                for (int i = 0; i < c.size(); i++) {
                    AnycastBinding b = c.get(i);
                    long key = ((long) b.bindingId() << 32) ^ b.careOf().low();
                    long v = current.getOrDefault(key, 0L) + b.weight();
                    current.put(key, v);
                    total += b.weight();
                    if (v > bestValue) {
                        bestValue = v;
                        best = i;
                    }
                }
                if (total == 0) {
                    return 0;
                }
                AnycastBinding chosen = c.get(best);
                long key = ((long) chosen.bindingId() << 32) ^ chosen.careOf().low();
                current.put(key, current.get(key) - total);
                if (current.size() > 4 * c.size() + 16) {
                    current.clear(); // forget responders that left, keep the table bounded
                }
                return best;
            }
        };
    }

    /** @return the candidate advertising the lowest load (the first on a tie) */
    public static SelectionPolicy leastLoaded() {
        return (initiator, c) -> {
            int best = 0;
            for (int i = 1; i < c.size(); i++) {
                if (c.get(i).load() < c.get(best).load()) {
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
        return (initiator, c) -> {
            int best = 0;
            int bestLen = -1;
            for (int i = 0; i < c.size(); i++) {
                int len = initiator.commonPrefixLength(c.get(i).careOf());
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
        return (initiator, c) -> {
            int best = 0;
            long bestScore = Long.MIN_VALUE;
            for (int i = 0; i < c.size(); i++) {
                AnycastBinding b = c.get(i);
                long h = mix(initiator.high() ^ mix(initiator.low() ^ mix(b.careOf().high() ^ mix(b.careOf().low()
                        ^ b.bindingId()))));
                if (h > bestScore) {
                    bestScore = h;
                    best = i;
                }
            }
            return best;
        };
    }

    /** SplitMix64's finaliser: a fast, well-spread 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
