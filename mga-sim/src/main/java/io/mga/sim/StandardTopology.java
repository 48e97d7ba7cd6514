package io.mga.sim;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one world mga's tests, demo and examples run in: a {@link SimNetwork} with a core router and sites hung off
 * it, each site one host node on its own link, {@value #SITE_LATENCY_MS} ms from the core unless told otherwise.
 *
 * <pre>
 *                     core  (router; sends ICMPv6 errors from 2001:db8:ffff::1)
 *          ________________|_________________________________
 *         |                          |                        |
 *   home site                 responder site N           initiator site
 *   2001:db8:a::/48           2001:db8:N::/48            ADDRESS/48
 *   owns the anycast          responder at               owns ADDRESS
 *   home link                 2001:db8:N::100
 *   2001:db8:a::/64:
 *   agent  2001:db8:a::1
 *   anycast 2001:db8:a::53
 * </pre>
 *
 * <p>The core routes each site's prefix over the site's link; every site's node has a default route back to the
 * core (or to the {@link #router router} it hangs behind). Nothing here knows a role: the caller puts one on a
 * site's node with {@link SimNode#attach(io.mga.api.Role)} (or a plain {@link io.mga.api.PacketHandler} such as a
 * {@link PlainHost}) and gives it the node's {@link SimNode#io()}. Every node and its link to the core are found
 * again by the site's name ({@link #node}, {@link #link}), so that a test can crash a node, or partition or degrade
 * a link; {@link #tap} sees every packet on every link.
 *
 * <p>Not thread-safe, like the network it builds.
 */
public final class StandardTopology {

    /** The one-way latency of a site's link to the core when none is given, in milliseconds. */
    public static final int SITE_LATENCY_MS = 10;
    /** The one-way latency of a site's link to the core when none is given, in nanoseconds (10 ms). */
    public static final long SITE_LATENCY = SITE_LATENCY_MS * SimNetwork.MILLISECOND;
    /** The home site, 2001:db8:a::/48: the core routes it to the {@link #homeSite home site}'s node. */
    public static final Ipv6Prefix HOME_SITE = Ipv6Prefix.parse("2001:db8:a::/48");
    /** The anycast home link, 2001:db8:a::/64: the anycast prefix an agent on the home site serves. */
    public static final Ipv6Prefix ANYCAST_HOME_LINK = Ipv6Prefix.parse("2001:db8:a::/64");
    /** The agent's address on the anycast home link, 2001:db8:a::1. */
    public static final Ipv6Address AGENT = Ipv6Address.parse("2001:db8:a::1");
    /** The anycast address, 2001:db8:a::53 (on the anycast home link). */
    public static final Ipv6Address ANYCAST = Ipv6Address.parse("2001:db8:a::53");
    /** The address the core sends its ICMPv6 errors from, 2001:db8:ffff::1. */
    public static final Ipv6Address CORE_ADDRESS = Ipv6Address.parse("2001:db8:ffff::1");
    /** The default route, ::/0, every site's node has towards the core. */
    public static final Ipv6Prefix DEFAULT_ROUTE = Ipv6Prefix.parse("::/0");
    /** The core router's name. */
    public static final String CORE = "core";
    /** The largest responder number, {@value}: {@code N} must be 1 to 9999 (see {@link #responderPrefix}). */
    public static final int MAX_RESPONDER = 9999;

    private final SimNetwork net;
    private final SimNode core;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, SimLink> links = new LinkedHashMap<>();
    private final Set<SimNode> routers = Collections.newSetFromMap(new IdentityHashMap<>());
    private SimNode home;

    /**
     * Creates the network with its core router, at virtual time 0, and no sites yet.
     *
     * @param seed the seed of the network's random source (link losses)
     */
    public StandardTopology(long seed) {
        net = new SimNetwork(seed);
        core = net.node(CORE, true).icmpErrorsFrom(CORE_ADDRESS);
        nodes.put(CORE, core);
        routers.add(core);
    }

    /** @return the network: its clock, {@link SimNetwork#runFor}, {@link SimNetwork#at} */
    public SimNetwork network() {
        return net;
    }

    /**
     * The core router. It sends Destination Unreachable from {@link #CORE_ADDRESS} for a packet whose next hop has
     * crashed; {@code core().icmpErrorsFrom(null)} silences it (soft state alone).
     *
     * @return the core router
     */
    public SimNode core() {
        return core;
    }

    /**
     * Adds the home site, {@link #HOME_SITE}, {@value #SITE_LATENCY_MS} ms from the core. Its node owns every
     * address of the {@link #ANYCAST_HOME_LINK anycast home link}, {@link #AGENT} and {@link #ANYCAST} among them:
     * put the agent on it.
     *
     * @param name the site's name (for {@link #node}, {@link #link}, logs and taps)
     * @return the site's node
     * @throws IllegalStateException if the home site was added already
     * @throws IllegalArgumentException if a node of that name exists
     */
    public SimNode homeSite(String name) {
        if (home != null) {
            throw new IllegalStateException("the home site exists already: " + home.name());
        }
        home = site(name, HOME_SITE).own(ANYCAST_HOME_LINK);
        return home;
    }

    /**
     * Adds responder site {@code n}, named {@code "ar" + n}, {@value #SITE_LATENCY_MS} ms from the core; its node
     * owns {@link #responderAddress responderAddress(n)}.
     *
     * @param n the responder's number, 1 to {@value #MAX_RESPONDER}
     * @return the site's node
     * @throws IllegalArgumentException if {@code n} is out of range or the site exists
     */
    public SimNode responderSite(int n) {
        return responderSite(n, SITE_LATENCY);
    }

    /**
     * Adds responder site {@code n}, named {@code "ar" + n}, at a given latency from the core; its node owns
     * {@link #responderAddress responderAddress(n)}.
     *
     * @param n the responder's number, 1 to {@value #MAX_RESPONDER}
     * @param latencyNanos the one-way latency of its link to the core
     * @return the site's node
     * @throws IllegalArgumentException if {@code n} is out of range, the site exists or the latency is negative
     */
    public SimNode responderSite(int n, long latencyNanos) {
        return site("ar" + n, responderPrefix(n), latencyNanos, core).own(responderAddress(n));
    }

    /**
     * Adds an initiator (client) site for {@code address}'s /48, {@value #SITE_LATENCY_MS} ms from the core; its
     * node owns {@code address}.
     *
     * @param name the site's name
     * @param address the initiator's address
     * @return the site's node
     * @throws IllegalArgumentException if a node of that name exists
     */
    public SimNode initiatorSite(String name, Ipv6Address address) {
        return initiatorSite(name, address, SITE_LATENCY);
    }

    /**
     * Adds an initiator (client) site for {@code address}'s /48 at a given latency from the core; its node owns
     * {@code address}.
     *
     * @param name the site's name
     * @param address the initiator's address
     * @param latencyNanos the one-way latency of its link to the core
     * @return the site's node
     * @throws IllegalArgumentException if a node of that name exists or the latency is negative
     */
    public SimNode initiatorSite(String name, Ipv6Address address, long latencyNanos) {
        return site(name, new Ipv6Prefix(address, 48), latencyNanos, core).own(address);
    }

    /**
     * Adds a site for any prefix, {@value #SITE_LATENCY_MS} ms from the core. Its node owns nothing yet
     * ({@link SimNode#own}).
     *
     * @param name the site's name
     * @param prefix what the core routes to it
     * @return the site's node
     * @throws IllegalArgumentException if a node of that name exists
     */
    public SimNode site(String name, Ipv6Prefix prefix) {
        return site(name, prefix, SITE_LATENCY, core);
    }

    /**
     * Adds a site behind the core or behind a {@link #router router} of this topology: a host node on a link of
     * its own to {@code upstream}, which routes {@code prefix} over that link; the node's default route goes back
     * over it. The link is named {@code upstream.name() + "-" + name}. The node owns nothing yet
     * ({@link SimNode#own}).
     *
     * @param name the site's name
     * @param prefix what {@code upstream} routes to it
     * @param latencyNanos the one-way latency of its link
     * @param upstream {@link #core()} or a node made by {@link #router}
     * @return the site's node
     * @throws IllegalArgumentException if a node of that name exists, {@code upstream} is not a router of this
     *     topology or the latency is negative
     */
    public SimNode site(String name, Ipv6Prefix prefix, long latencyNanos, SimNode upstream) {
        return attach(name, prefix, latencyNanos, upstream, false);
    }

    /**
     * Adds a router to the core, for a network with sites of its own ({@link #site(String, Ipv6Prefix, long,
     * SimNode)}): the core routes {@code prefix} to it, and its default route goes back to the core. It sends no
     * ICMPv6 errors until given an address ({@link SimNode#icmpErrorsFrom}).
     *
     * @param name the router's name
     * @param prefix what the core routes to it
     * @param latencyNanos the one-way latency of its link to the core
     * @return the router
     * @throws IllegalArgumentException if a node of that name exists or the latency is negative
     */
    public SimNode router(String name, Ipv6Prefix prefix, long latencyNanos) {
        SimNode r = attach(name, prefix, latencyNanos, core, true);
        routers.add(r);
        return r;
    }

    private SimNode attach(String name, Ipv6Prefix prefix, long latencyNanos, SimNode upstream, boolean router) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
        if (nodes.containsKey(name)) {
            throw new IllegalArgumentException("a node named " + name + " exists already");
        }
        if (!routers.contains(upstream)) {
            throw new IllegalArgumentException(upstream + " is not a router of this topology");
        }
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("latency must be 0 or more, got " + latencyNanos);
        }
        SimNode n = net.node(name, router);
        SimLink l = net.link(upstream.name() + "-" + name, upstream, n, latencyNanos);
        upstream.route(prefix, l);
        n.route(DEFAULT_ROUTE, l);
        nodes.put(name, n);
        links.put(name, l);
        return n;
    }

    /**
     * The node of a site or router, or the core.
     *
     * @param name its name ({@value #CORE} for the core)
     * @return the node
     * @throws IllegalArgumentException if there is none of that name
     */
    public SimNode node(String name) {
        SimNode n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node named " + name + "; there are " + nodes.keySet());
        }
        return n;
    }

    /**
     * The link that joins a site or router to its upstream router: bring it down for a partition
     * ({@link SimLink#up}), give it a loss rate ({@link SimLink#loss}), read its counters.
     *
     * @param name the site's or router's name
     * @return its link
     * @throws IllegalArgumentException if there is no site or router of that name
     */
    public SimLink link(String name) {
        SimLink l = links.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no site or router named " + name + "; there are " + links.keySet());
        }
        return l;
    }

    /**
     * Adds a tap that sees every packet on every link (to record a run, or to count what crossed).
     *
     * @param tap the tap
     */
    public void tap(SimNetwork.Tap tap) {
        net.tap(tap);
    }

    /**
     * Responder site {@code n}'s prefix, 2001:db8:N::/48. {@code N} is written with decimal digits as the third
     * group (responder 12 is 2001:db8:12::/48), so a responder's prefix never holds a letter and never meets the
     * home site's 2001:db8:a::/48.
     *
     * @param n the responder's number, 1 to {@value #MAX_RESPONDER}
     * @return the prefix
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public static Ipv6Prefix responderPrefix(int n) {
        return Ipv6Prefix.parse("2001:db8:" + checkResponder(n) + "::/48");
    }

    /**
     * Responder {@code n}'s unicast address (its care-of address), 2001:db8:N::100.
     *
     * @param n the responder's number, 1 to {@value #MAX_RESPONDER}
     * @return the address
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public static Ipv6Address responderAddress(int n) {
        return Ipv6Address.parse("2001:db8:" + checkResponder(n) + "::100");
    }

    private static int checkResponder(int n) {
        if (n < 1 || n > MAX_RESPONDER) {
            throw new IllegalArgumentException("a responder's number is 1 to " + MAX_RESPONDER + ", got " + n);
        }
        return n;
    }

    @Override
    public String toString() {
        return "StandardTopology" + nodes.keySet();
    }
}
