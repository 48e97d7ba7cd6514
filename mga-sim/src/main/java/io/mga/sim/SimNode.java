package io.mga.sim;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketHandler;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * A host or router of a {@link SimNetwork}. A node delivers to its attached handler the packets whose destination
 * it owns ({@link #own}); a router forwards the others by longest prefix match over its routes, decrementing the
 * Hop Limit and dropping at 0. A host sends everything it does not own along its routes too (give it a default
 * route, {@code ::/0}).
 */
public final class SimNode {
    private record Route(Ipv6Prefix prefix, SimLink link) {
    }

    private final SimNetwork net;
    private final String name;
    private final boolean router;
    private final List<SimLink> links = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<Ipv6Prefix> owned = new ArrayList<>();
    private PacketHandler handler;
    private Ipv6Address icmpSource;
    private Role role;
    private boolean crashed;
    private long wakeAt = Long.MAX_VALUE;
    private long delivered;
    private long forwarded;
    private long unroutable;

    SimNode(SimNetwork net, String name, boolean router) {
        this.net = net;
        this.name = name;
        this.router = router;
    }

    void addLink(SimLink l) {
        links.add(l);
    }

    /** @return the node's name */
    public String name() {
        return name;
    }

    /**
     * Makes the node accept packets for an address.
     *
     * @param address the address
     * @return this node
     */
    public SimNode own(Ipv6Address address) {
        return own(new Ipv6Prefix(address, 128));
    }

    /**
     * Makes the node accept packets for every address of a prefix (an agent serving an anycast prefix).
     *
     * @param prefix the prefix
     * @return this node
     */
    public SimNode own(Ipv6Prefix prefix) {
        owned.add(prefix);
        return this;
    }

    /**
     * Adds a route: packets for {@code prefix} leave over {@code link}. Longest prefix wins; among equal
     * prefixes, the first added whose link is up and whose neighbour is alive.
     *
     * @param prefix the destination prefix ({@code ::/0} for a default route)
     * @param link a link of this node
     * @return this node
     */
    public SimNode route(Ipv6Prefix prefix, SimLink link) {
        if (!links.contains(link)) {
            throw new IllegalArgumentException(link + " is not a link of " + name);
        }
        routes.add(new Route(prefix, link));
        return this;
    }

    /**
     * Gives a router an address to send ICMPv6 errors from: with it, a router answers a packet whose next hop has
     * crashed with Destination Unreachable, code 3 (address unreachable), as a router whose neighbour stops
     * answering Neighbor Solicitations does (RFC 4443 §3.1).
     *
     * @param a the router's address
     * @return this node
     */
    public SimNode icmpErrorsFrom(Ipv6Address a) {
        this.icmpSource = a;
        return this;
    }

    /**
     * Runs a role on this node: it receives the packets the node owns and its timers are polled at its deadlines.
     *
     * @param r the role
     * @return this node
     */
    public SimNode attach(Role r) {
        this.role = r;
        this.handler = r;
        wake();
        return this;
    }

    /**
     * Puts a plain packet handler (no timers) on this node.
     *
     * @param h the handler
     * @return this node
     */
    public SimNode attach(PacketHandler h) {
        this.role = null;
        this.handler = h;
        return this;
    }

    /** @return the {@link PacketIo} a role on this node sends through (it copies each packet) */
    public PacketIo io() {
        return (packet, offset, length) -> {
            if (!crashed) {
                send(java.util.Arrays.copyOfRange(packet, offset, offset + length));
            }
        };
    }

    /**
     * Crashes the node: from now on it drops everything and its role is no longer run. {@link #restart()} undoes
     * it (the role keeps whatever state it had, as after a pause).
     */
    public void crash() {
        crashed = true;
    }

    /** Brings a crashed node back. */
    public void restart() {
        crashed = false;
        wake();
    }

    /** @return true after {@link #crash()} */
    public boolean isCrashed() {
        return crashed;
    }

    /** @return packets delivered to this node's handler */
    public long delivered() {
        return delivered;
    }

    /** @return packets this router forwarded */
    public long forwarded() {
        return forwarded;
    }

    /** @return packets dropped for want of a route (or an expired Hop Limit) */
    public long unroutable() {
        return unroutable;
    }

    private boolean owns(long hi, long lo) {
        for (Ipv6Prefix p : owned) {
            if (p.contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    void arrive(SimLink from, byte[] packet) {
        if (crashed || packet.length < 40 || (packet[0] & 0xf0) != 0x60) {
            return;
        }
        long hi = readLong(packet, 24);
        long lo = readLong(packet, 32);
        if (owns(hi, lo)) {
            delivered++;
            if (handler != null) {
                handler.receive(packet, 0, packet.length, net.now());
                wake();
            }
            return;
        }
        if (!router) {
            unroutable++;
            return;
        }
        int hop = packet[7] & 0xff;
        if (hop <= 1) {
            unroutable++;
            return;
        }
        packet[7] = (byte) (hop - 1);
        forwarded++;
        forward(packet, hi, lo);
    }

    private void send(byte[] packet) {
        if (packet.length < 40) {
            return;
        }
        long hi = readLong(packet, 24);
        long lo = readLong(packet, 32);
        if (owns(hi, lo)) {
            // to itself: loop back through the event queue, as a stack would
            net.at(net.now(), () -> arriveLocal(packet));
            return;
        }
        forward(packet, hi, lo);
    }

    private void arriveLocal(byte[] packet) {
        if (!crashed && handler != null) {
            delivered++;
            handler.receive(packet, 0, packet.length, net.now());
            wake();
        }
    }

    /**
     * Longest prefix match; among equally long prefixes the first route whose link is up and whose neighbour has
     * not crashed, as Neighbor Unreachability Detection would leave a router (several agents on one home link,
     * MGA paper Fig. 10).
     */
    private void forward(byte[] packet, long hi, long lo) {
        Route best = null;
        for (Route r : routes) {
            if (!r.prefix().contains(hi, lo)) {
                continue;
            }
            boolean usable = r.link().isUp() && !r.link().peer(this).isCrashed();
            boolean bestUsable = best != null && best.link().isUp() && !best.link().peer(this).isCrashed();
            if (best == null || r.prefix().length() > best.prefix().length()
                    || (r.prefix().length() == best.prefix().length() && usable && !bestUsable)) {
                best = r;
            }
        }
        if (best == null) {
            unroutable++;
            return;
        }
        if (router && icmpSource != null && best.link().peer(this).isCrashed()) {
            unroutable++;
            unreachable(packet);
            return;
        }
        best.link().transmit(this, packet);
    }

    /** Destination Unreachable, code 3, to the source of a packet this router cannot deliver. */
    private void unreachable(byte[] packet) {
        io.mga.wire.fast.Ipv6View v = new io.mga.wire.fast.Ipv6View();
        if (!v.wrap(packet, 0, packet.length)) {
            return;
        }
        // RFC 4443 §2.4: never in answer to an ICMPv6 error, nor to a multicast or unspecified source
        int t = v.icmpv6Type();
        Ipv6Address src = new Ipv6Address(v.sourceHigh(), v.sourceLow());
        if ((t >= 0 && t < 128) || !src.isUnicastRoutable()) {
            return;
        }
        int n = Math.min(packet.length, 1280 - 48);
        io.mga.wire.Ipv6Packet du = io.mga.wire.Ipv6Packet.build(io.mga.wire.Ipv6Header.of(64, icmpSource, src),
                List.of(), new io.mga.wire.Icmpv6(new io.mga.wire.Icmpv6Message.DestinationUnreachable(3, 0,
                        io.mga.api.Bytes.copyOf(packet, 0, n))));
        byte[] b = io.mga.wire.PacketEncoder.encode(du);
        forward(b, src.high(), src.low());
    }

    /** Polls the role at its next deadline. */
    private void wake() {
        if (role == null || crashed) {
            return;
        }
        long d = role.nextDeadline();
        if (d == Long.MAX_VALUE || d == wakeAt) {
            return;
        }
        wakeAt = d;
        net.at(d, () -> {
            if (wakeAt == d) {
                wakeAt = Long.MAX_VALUE;
            }
            if (!crashed && role != null) {
                role.doWork(net.now());
                wake();
            }
        });
    }

    /**
     * Tells the node its role has new timers (after calling the role's API from outside a packet or timer,
     * e.g. {@code responder.start(now)}), so that it is polled at their deadline.
     */
    public void poke() {
        wakeAt = Long.MAX_VALUE;
        wake();
    }

    private static long readLong(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[o + i] & 0xff);
        }
        return v;
    }

    @Override
    public String toString() {
        return name;
    }
}
