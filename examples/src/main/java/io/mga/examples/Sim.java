package io.mga.examples;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.engine.ResponderCredentials;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import java.util.List;

/**
 * The small simulated internet the examples share: a core router and sites 10 ms away. The anycast home link is
 * 2001:db8:a::/64 (agent 2001:db8:a::1, anycast 2001:db8:a::53), responders live on 2001:db8:N::/48.
 */
final class Sim {
    static final Ipv6Prefix ANYCAST_LINK = Ipv6Prefix.parse("2001:db8:a::/64");
    static final Ipv6Address ANYCAST = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address AGENT = Ipv6Address.parse("2001:db8:a::1");
    static final long SECOND = SimNetwork.SECOND;

    final SimNetwork net = new SimNetwork(1);
    final SimNode core = net.node("core", true).icmpErrorsFrom(Ipv6Address.parse("2001:db8:ffff::1"));

    /** A site: a host 10 ms from the core, owning {@code address}, reached through {@code prefix}. */
    SimNode site(String name, Ipv6Prefix prefix, Ipv6Address address) {
        SimNode n = net.node(name, false);
        SimLink l = net.link(name, n, core, 10 * SimNetwork.MILLISECOND);
        core.route(prefix, l);
        n.route(Ipv6Prefix.parse("::/0"), l).own(address);
        return n;
    }

    static Ipv6Address responderAddress(int i) {
        return Ipv6Address.parse("2001:db8:" + i + "::100");
    }

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
