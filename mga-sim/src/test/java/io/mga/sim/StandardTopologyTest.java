package io.mga.sim;

import static io.mga.sim.SimNetwork.MILLISECOND;
import static io.mga.sim.SimNetwork.SECOND;
import static io.mga.sim.StandardTopology.ANYCAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standard topology, with plain hosts only: what it routes, how long it takes, and what a test can break. */
class StandardTopologyTest {
    static final Ipv6Address CLIENT = Ipv6Address.parse("2001:db8:c::10");

    /** A plain host on a node, like an initiator or a service that knows nothing of MGA. */
    static PlainHost host(SimNode node, Ipv6Address address) {
        PlainHost h = new PlainHost(address, node.io());
        node.attach(h);
        return h;
    }

    static Icmpv6Message icmp(PlainHost.Received r) {
        return ((Icmpv6) r.packet().upper()).message();
    }

    @Test
    void anInitiatorSitePingsTheAnycastAddressTenMillisecondsPerLinkEachWay() {
        StandardTopology t = new StandardTopology(1);
        PlainHost anycast = host(t.homeSite("home"), ANYCAST);
        PlainHost client = host(t.initiatorSite("client", CLIENT), CLIENT);
        List<String> seen = new ArrayList<>();
        t.tap((time, link, from, packet, dropped) -> seen.add(time / MILLISECOND + " ms " + link + " from " + from));

        client.ping(ANYCAST, 7, 1);
        t.network().runFor(SECOND);

        // client -> core -> home: two links of 10 ms; the core decrements the Hop Limit once
        assertThat(anycast.received()).singleElement().satisfies(r -> {
            assertThat(r.timeNanos()).isEqualTo(20 * MILLISECOND);
            assertThat(r.source()).isEqualTo(CLIENT);
            assertThat(r.packet().header().hopLimit()).isEqualTo(63);
            assertThat(icmp(r)).isEqualTo(new Icmpv6Message.Echo(Icmpv6Message.Echo.REQUEST, 0, 7, 1, Bytes.EMPTY));
        });
        // and back: the reply leaves at once and comes from the anycast address, 2 x 2 x 10 ms after the request
        assertThat(client.received()).singleElement().satisfies(r -> {
            assertThat(r.timeNanos()).isEqualTo(40 * MILLISECOND);
            assertThat(r.source()).isEqualTo(ANYCAST);
            assertThat(icmp(r)).isInstanceOfSatisfying(Icmpv6Message.Echo.class, e -> {
                assertThat(e.type()).isEqualTo(Icmpv6Message.Echo.REPLY);
                assertThat(e.identifier()).isEqualTo(7);
                assertThat(e.sequence()).isEqualTo(1);
            });
        });
        assertThat(seen).containsExactly("0 ms core-client from client", "10 ms core-home from core",
                "20 ms core-home from home", "30 ms core-client from core");
        assertThat(t.core().forwarded()).isEqualTo(2);
        assertThat(t.link("client").carried()).isEqualTo(2);
        assertThat(t.link("home").carried()).isEqualTo(2);
    }

    @Test
    void theCoreReportsACrashedSiteFromItsOwnAddressUnlessSilenced() {
        StandardTopology t = new StandardTopology(2);
        host(t.responderSite(2), StandardTopology.responderAddress(2));
        PlainHost client = host(t.initiatorSite("client", CLIENT), CLIENT);
        t.node("ar2").crash();

        client.ping(StandardTopology.responderAddress(2), 1, 1);
        t.network().runFor(SECOND);
        // RFC 4443 §3.1: Destination Unreachable, code 3 (address unreachable), from the core, one link away
        assertThat(client.received()).singleElement().satisfies(r -> {
            assertThat(r.timeNanos()).isEqualTo(20 * MILLISECOND);
            assertThat(r.source()).isEqualTo(StandardTopology.CORE_ADDRESS);
            assertThat(icmp(r)).isInstanceOfSatisfying(Icmpv6Message.DestinationUnreachable.class,
                    u -> assertThat(u.code()).isEqualTo(3));
        });

        t.core().icmpErrorsFrom(null);
        client.clear();
        client.ping(StandardTopology.responderAddress(2), 1, 2);
        t.network().runFor(SECOND);
        assertThat(client.received()).as("no error: the packet is lost at the crashed node").isEmpty();
        assertThat(t.core().unroutable()).as("only the first packet was answered with an error").isEqualTo(1);
        assertThat(t.link("ar2").carried()).isEqualTo(1);
    }

    @Test
    void aPartitionedSiteLinkDropsUntilItComesBackUp() {
        StandardTopology t = new StandardTopology(3);
        PlainHost responder = host(t.responderSite(1), StandardTopology.responderAddress(1));
        PlainHost client = host(t.initiatorSite("client", CLIENT), CLIENT);
        t.link("ar1").up(false);

        client.ping(responder.address(), 1, 1);
        t.network().runFor(SECOND);
        assertThat(responder.received()).isEmpty();
        assertThat(client.received()).isEmpty();
        assertThat(t.link("ar1").dropped()).isEqualTo(1);

        t.link("ar1").up(true);
        long sent = t.network().now();
        client.ping(responder.address(), 1, 2);
        t.network().runFor(SECOND);
        assertThat(client.received()).singleElement()
                .satisfies(r -> assertThat(r.timeNanos() - sent).isEqualTo(40 * MILLISECOND));
        assertThat(t.link("ar1").carried()).isEqualTo(2);
    }

    @Test
    void aSiteBehindARouterIsReachedThroughItWithEveryLinksLatency() {
        StandardTopology t = new StandardTopology(4);
        SimNode rc = t.router("router-c", Ipv6Prefix.parse("2001:db8:c::/48"), 20 * MILLISECOND);
        Ipv6Address inC = Ipv6Address.parse("2001:db8:c:1::10");
        SimNode site = t.site("c1", Ipv6Prefix.parse("2001:db8:c:1::/64"), 2 * MILLISECOND, rc).own(inC);
        PlainHost behind = host(site, inC);
        PlainHost responder = host(t.responderSite(1, 5 * MILLISECOND), StandardTopology.responderAddress(1));

        behind.ping(responder.address(), 1, 1);
        t.network().runFor(SECOND);
        // 2 + 20 + 5 ms each way
        assertThat(behind.received()).singleElement().satisfies(r -> {
            assertThat(r.timeNanos()).isEqualTo(54 * MILLISECOND);
            assertThat(r.packet().header().hopLimit()).as("two routers on the way back").isEqualTo(62);
        });
        assertThat(t.link("c1").name()).isEqualTo("router-c-c1");
        assertThat(t.link("router-c").name()).isEqualTo("core-router-c");
        assertThat(rc.forwarded()).isEqualTo(2);
    }

    @Test
    void addressesFollowTheResponderNumberAndMistakesAreRefused() {
        assertThat(StandardTopology.responderAddress(3)).isEqualTo(Ipv6Address.parse("2001:db8:3::100"));
        assertThat(StandardTopology.responderPrefix(12)).isEqualTo(Ipv6Prefix.parse("2001:db8:12::/48"));
        assertThat(StandardTopology.ANYCAST_HOME_LINK.contains(StandardTopology.AGENT)).isTrue();
        assertThat(StandardTopology.ANYCAST_HOME_LINK.contains(ANYCAST)).isTrue();
        assertThatThrownBy(() -> StandardTopology.responderAddress(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StandardTopology.responderPrefix(StandardTopology.MAX_RESPONDER + 1))
                .isInstanceOf(IllegalArgumentException.class);

        StandardTopology t = new StandardTopology(5);
        SimNode home = t.homeSite("haa");
        assertThatThrownBy(() -> t.homeSite("haa2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.initiatorSite("haa", CLIENT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("haa");
        assertThatThrownBy(() -> t.site("x", Ipv6Prefix.parse("2001:db8:e::/48"), 0, home))
                .as("a host is no upstream").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.responderSite(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.link(StandardTopology.CORE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.node("ar9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[core, haa]");
        assertThat(t.node(StandardTopology.CORE)).isSameAs(t.core());
        assertThat(t.network().nodes()).extracting(SimNode::name).containsExactly("core", "haa");
    }
}
