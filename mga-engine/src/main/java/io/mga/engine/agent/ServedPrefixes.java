package io.mga.engine.agent;

import io.mga.api.Ipv6Prefix;
import java.util.List;

/** The anycast prefixes an agent serves, tested on address halves without allocation. */
final class ServedPrefixes {
    private final Ipv6Prefix[] prefixes;

    ServedPrefixes(List<Ipv6Prefix> served) {
        this.prefixes = served.toArray(Ipv6Prefix[]::new);
    }

    boolean contains(long hi, long lo) {
        for (Ipv6Prefix p : prefixes) {
            if (p.contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }
}
