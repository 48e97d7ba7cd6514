package io.mga.engine.agent;

import io.mga.api.Ipv6Prefix;
import java.util.List;

/**
 * The anycast prefixes an agent serves, tested on address halves without allocation. The masks and masked values
 * are worked out once, in flat fields (the first prefix) and one flat array (the others, four {@code long}s each),
 * so that the data path's test, hit or miss, reads this object and nothing it points to for the usual single
 * prefix.
 */
final class ServedPrefixes {
    private final long maskHigh;
    private final long maskLow;
    private final long valueHigh;
    private final long valueLow;
    /** Mask high, mask low, value high, value low of each prefix after the first. */
    private final long[] more;
    /** Whether {@link #more} holds any: a miss on a single prefix reads no other object either. */
    private final boolean several;

    ServedPrefixes(List<Ipv6Prefix> served) {
        // none served: a first entry that nothing matches (no address masked with 0 equals 1)
        long[] all = served.isEmpty() ? new long[] {0, 0, 1, 1} : new long[served.size() * 4];
        for (int i = 0; i < served.size(); i++) {
            Ipv6Prefix p = served.get(i);
            all[4 * i] = p.maskHigh();
            all[4 * i + 1] = p.maskLow();
            all[4 * i + 2] = p.address().high(); // a prefix's address has its host bits clear
            all[4 * i + 3] = p.address().low();
        }
        this.maskHigh = all[0];
        this.maskLow = all[1];
        this.valueHigh = all[2];
        this.valueLow = all[3];
        this.more = java.util.Arrays.copyOfRange(all, 4, all.length);
        this.several = more.length != 0;
    }

    boolean contains(long hi, long lo) {
        if ((hi & maskHigh) == valueHigh && (lo & maskLow) == valueLow) {
            return true;
        }
        return several && containsMore(hi, lo);
    }

    private boolean containsMore(long hi, long lo) {
        long[] m = more;
        for (int i = 0; i < m.length; i += 4) {
            if ((hi & m[i]) == m[i + 2] && (lo & m[i + 1]) == m[i + 3]) {
                return true;
            }
        }
        return false;
    }
}
