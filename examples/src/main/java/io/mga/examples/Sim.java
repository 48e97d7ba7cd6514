package io.mga.examples;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.ResponderCredentials;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import io.mga.sim.StandardTopology;
import java.util.List;

/**
 * What the examples share on the simulated network: mga-sim's {@link StandardTopology} (a core router and sites
 * 10 ms away; the anycast home link 2001:db8:a::/64 with the agent at 2001:db8:a::1 and the anycast address
 * 2001:db8:a::53; responder N at 2001:db8:N::100), the examples' credentials, and the virtual time to print.
 */
final class Sim {
    static final Ipv6Prefix ANYCAST_LINK = StandardTopology.ANYCAST_HOME_LINK;
    static final Ipv6Address ANYCAST = StandardTopology.ANYCAST;
    static final Ipv6Address AGENT = StandardTopology.AGENT;
    static final long SECOND = SimNetwork.SECOND;

    final StandardTopology topology = new StandardTopology(1);
    final SimNetwork net = topology.network();

    /** The shared secret of responder {@code i} (in real life: provisioned, 16 random octets or more). */
    static Bytes key(int i) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) (0x20 + i));
        return Bytes.of(k);
    }

    static ResponderCredentials credentials(int i) {
        return new ResponderCredentials("ar" + i + "@example.net", 1000 + i, key(i), List.of(ANYCAST_LINK));
    }

    /** Seconds of virtual time, for printing. */
    String now() {
        return String.format("%7.3f s", net.now() / 1e9);
    }
}
