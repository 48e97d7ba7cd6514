package io.mga.pcapio.nd;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.pcapio.link.MacAddress;
import io.mga.wire.Checksums;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Icmpv6Message.NeighborAdvertisement;
import io.mga.wire.Icmpv6Message.NeighborSolicitation;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.NdOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.fast.Ipv6View;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neighbor Discovery (RFC 4861) for a role on an Ethernet link, as pure logic: IPv6 packets and the time go in,
 * the packets to send and the Ethernet address to send each to come out through an {@link Output}. No capture, no
 * threads, no clock of its own: the same object runs under a live interface, in the simulator and in unit tests
 * with plain byte arrays and virtual time.
 *
 * <p>What it does: answers Neighbor Solicitations for the role's addresses (§7.2.4; Override cleared for anycast
 * addresses, §7.2.7); resolves next hops with its own solicitations (§7.2.2: 3 multicast solicitations one
 * {@code RetransTimer} apart, a small queue of packets per unresolved neighbour) and checks the reachability of
 * the neighbours it uses (§7.3.3: DELAY, then 3 unicast probes); sends off-link packets to the configured default
 * router; keeps static entries, which Neighbor Discovery never changes (a pinned router).
 *
 * <p>What it trusts (hardening beyond the letter of §7.2.3/§7.2.5, which would let one forged message redirect the
 * traffic): an entry's link-layer address is <em>confirmed</em> only by a solicited Advertisement answering a
 * solicitation this object sent for that target within the last {@code RetransTimer}. Entries created or changed
 * by anything else (the Source Link-Layer Address of a Solicitation, an unsolicited Advertisement) are kept in
 * STALE as the RFC says, but unconfirmed: before the first packet goes to such a neighbour it is resolved afresh
 * with multicast solicitations, and the packets wait for the answer. A Solicitation claiming another address for a
 * confirmed neighbour leaves the confirmed address in place (§7.2.3 says it "should" be replaced) and only makes a
 * REACHABLE entry STALE, so that its reachability is checked again by a unicast probe to the confirmed address; an
 * unsolicited Advertisement with Override clear never changes an address (§7.2.5). Nothing ever creates or changes
 * an entry for one of the role's own addresses; messages claiming them are counted and logged (rate-limited), and
 * answered with one unsolicited Advertisement of the true link-layer address to all nodes (§7.2.6: Solicited
 * clear, Override set), so that the other nodes on the link (the router) that took the claim are corrected at
 * once: {@value #DEFENCES_PER_SECOND} such answers a second at most, bursts of {@value #DEFENCE_BURST}, never
 * more than one per claim. A claim sent to one node alone (unicast, which this role does not see on a switched
 * link) cannot be answered: that is inherent to Neighbor Discovery without SEND (RFC 3971); the remedy is a
 * static neighbour entry for the role's addresses on the router.
 * Unconfirmed entries have their own small bound (the oldest is evicted first), so a flood of solicitations from
 * made-up sources cannot push out confirmed neighbours.
 *
 * <p>Deviations, on purpose: ReachableTime is fixed (configurable), not randomised (§6.3.2); answers to anycast
 * targets are not delayed at random (§7.2.7 SHOULD); failed resolution drops the waiting packets and counts them
 * but sends no ICMPv6 Destination Unreachable (§7.2.2 SHOULD); an answer to a solicitation without a Source
 * Link-Layer Address option goes to the all-nodes Ethernet address when the asker's address is not cached.
 *
 * <p>Threading: single-threaded, like a role: call everything from one thread. The {@link Output} is called from
 * inside {@link #receive}, {@link #send} and {@link #doWork}; it must not call back into this object. The counters
 * may be read from any thread.
 */
public final class NeighborDiscovery {
    /** RFC 4861 §10 RETRANS_TIMER: 1 s between solicitations. */
    public static final long RETRANS_TIMER_NANOS = 1_000_000_000L;
    /** RFC 4861 §10 MAX_MULTICAST_SOLICIT: 3. */
    public static final int MAX_MULTICAST_SOLICIT = 3;
    /** RFC 4861 §10 MAX_UNICAST_SOLICIT: 3. */
    public static final int MAX_UNICAST_SOLICIT = 3;
    /** RFC 4861 §10 REACHABLE_TIME: 30 s, the default ReachableTime. */
    public static final long REACHABLE_TIME_NANOS = 30_000_000_000L;
    /** RFC 4861 §10 DELAY_FIRST_PROBE_TIME: 5 s. */
    public static final long DELAY_FIRST_PROBE_TIME_NANOS = 5_000_000_000L;

    /** The most unsolicited Advertisements a second that answer claims on the role's own addresses. */
    public static final int DEFENCES_PER_SECOND = 100;
    /** How many of them may go at once. */
    public static final int DEFENCE_BURST = 10;
    private static final long DEFENCE_INTERVAL_NANOS = 1_000_000_000L / DEFENCES_PER_SECOND;
    private static final Logger LOG = LoggerFactory.getLogger(NeighborDiscovery.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final Ipv6Address ALL_NODES = new Ipv6Address(0xff02_0000_0000_0000L, 1);
    private static final MacAddress ALL_NODES_MAC = MacAddress.ofIpv6Multicast(ALL_NODES);

    /** Where the packets to send go. */
    @FunctionalInterface
    public interface Output {
        /**
         * Sends an IPv6 packet to an Ethernet address. The implementation must not keep {@code packet} after
         * returning, and must not call back into the {@link NeighborDiscovery} that called it.
         *
         * @param packet the buffer
         * @param offset index of the IPv6 header
         * @param length octets of the packet
         * @param destination the Ethernet destination
         */
        void transmit(byte[] packet, int offset, int length, MacAddress destination);
    }

    /** The state of a neighbour cache entry: RFC 4861 §7.3.2, plus STATIC for configured entries. */
    public enum State {
        /** Address resolution under way: multicast solicitations sent, packets waiting. */
        INCOMPLETE,
        /** Reachability confirmed less than ReachableTime ago. */
        REACHABLE,
        /** Reachability unknown; with an unconfirmed address, not used before it is resolved afresh. */
        STALE,
        /** Packets sent to a STALE (confirmed) address; a probe follows unless reachability is confirmed. */
        DELAY,
        /** Unicast probes to the cached address under way. */
        PROBE,
        /** Configured; never changed by Neighbor Discovery, never expires. */
        STATIC
    }

    /**
     * A snapshot of one entry.
     *
     * @param address the neighbour's IPv6 address
     * @param state its state (a REACHABLE entry whose ReachableTime ran out reads STALE)
     * @param linkAddress the cached Ethernet address, or null (INCOMPLETE with nothing claimed)
     * @param confirmed whether the address was confirmed by a solicited Advertisement answering our own
     *     solicitation (always true for STATIC)
     */
    public record Neighbor(Ipv6Address address, State state, MacAddress linkAddress, boolean confirmed) {
    }

    /** Counters, safe to read from any thread. */
    public static final class Counters {
        private final AtomicLong solicitationsSent = new AtomicLong();
        private final AtomicLong advertisementsSent = new AtomicLong();
        private final AtomicLong invalid = new AtomicLong();
        private final AtomicLong noRoute = new AtomicLong();
        private final AtomicLong unresolved = new AtomicLong();
        private final AtomicLong queueOverflow = new AtomicLong();
        private final AtomicLong ownAddressClaims = new AtomicLong();
        private final AtomicLong claimsIgnored = new AtomicLong();
        private final AtomicLong ownAddressesDefended = new AtomicLong();
        private final AtomicLong evictedUnconfirmed = new AtomicLong();
        private final AtomicLong evictedConfirmed = new AtomicLong();

        private Counters() {
        }

        /** @return Neighbor Solicitations sent (multicast and unicast) */
        public long solicitationsSent() {
            return solicitationsSent.get();
        }

        /** @return Neighbor Advertisements sent */
        public long advertisementsSent() {
            return advertisementsSent.get();
        }

        /** @return Solicitations and Advertisements that failed the checks of RFC 4861 §7.1 or did not decode */
        public long invalid() {
            return invalid.get();
        }

        /** @return packets dropped for want of a route: off-link with no default router, or to an own address */
        public long noRoute() {
            return noRoute.get();
        }

        /** @return packets dropped because their next hop never answered (or its entry was evicted) */
        public long unresolved() {
            return unresolved.get();
        }

        /** @return waiting packets dropped because a neighbour's queue, or the total, was full */
        public long queueOverflow() {
            return queueOverflow.get();
        }

        /** @return messages from other nodes that claimed one of the role's own addresses */
        public long ownAddressClaims() {
            return ownAddressClaims.get();
        }

        /**
         * @return unsolicited Advertisements sent to all nodes to correct a claim on one of the role's own
         *     addresses (rate-limited: claims beyond the rate are counted in {@link #ownAddressClaims} only)
         */
        public long ownAddressesDefended() {
            return ownAddressesDefended.get();
        }

        /**
         * @return claims not applied: another address for a static entry, for a confirmed address (by a
         *     Solicitation), or by an unsolicited Advertisement with Override clear
         */
        public long claimsIgnored() {
            return claimsIgnored.get();
        }

        /** @return unconfirmed entries evicted to make room for newer ones */
        public long evictedUnconfirmed() {
            return evictedUnconfirmed.get();
        }

        /** @return confirmed entries evicted (least recently confirmed first) to make room */
        public long evictedConfirmed() {
            return evictedConfirmed.get();
        }

        /** @return packets this layer dropped: no route, unresolved, queue overflow */
        public long dropped() {
            return noRoute() + unresolved() + queueOverflow();
        }
    }

    private static final class Entry {
        final Ipv6Address address;
        State state;
        MacAddress mac;
        boolean confirmed;
        /** Solicitations sent in the current round (INCOMPLETE or PROBE). */
        int solicits;
        /** When {@link #doWork} acts on it (INCOMPLETE, DELAY, PROBE). */
        long timer;
        boolean timed;
        long reachableUntil;
        /** When we last sent a solicitation for it; meaningful once {@code solicitedOnce}. */
        long lastSolicit;
        boolean solicitedOnce;
        long confirmedAt;
        /** False once removed from the table (a cached reference then is stale). */
        boolean live = true;
        ArrayDeque<byte[]> queue;

        Entry(Ipv6Address address) {
            this.address = address;
        }
    }

    private final MacAddress mac;
    private final Ipv6Address[] ownUnicast;
    private final Ipv6Prefix[] ownAnycast;
    private final Ipv6Prefix[] onLink;
    private final Ipv6Address defaultRouter;
    private final Ipv6Address solicitationSource;
    private final boolean hostAnswers;
    private final int maxConfirmed;
    private final int maxUnconfirmed;
    private final int maxQueuedPerNeighbor;
    private final long maxQueuedBytes;
    private final long reachableTime;
    private final Output out;
    private final Map<Ipv6Address, Entry> statics = new HashMap<>();
    /** Confirmed entries, least recently confirmed first. */
    private final LinkedHashMap<Ipv6Address, Entry> confirmedEntries = new LinkedHashMap<>();
    /** Unconfirmed entries (INCOMPLETE, or STALE with a claimed address), oldest first. */
    private final LinkedHashMap<Ipv6Address, Entry> unconfirmedEntries = new LinkedHashMap<>();
    private final Set<Entry> timed = new LinkedHashSet<>();
    private final Counters counters = new Counters();
    private final Ipv6View view = new Ipv6View();
    private final RateLimitedLog ownClaimLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);
    private final RateLimitedLog claimLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);
    /** When the next answer to a claim on our own addresses may go (see {@link #defend}). */
    private long defenceAt;
    private boolean defended;
    private long deadline;
    private long queuedBytes;
    private long cachedHopHigh;
    private long cachedHopLow;
    private Entry cachedHop;

    private NeighborDiscovery(Builder b, Output out) {
        this.mac = Objects.requireNonNull(b.mac, "mac");
        if (b.ownUnicast.isEmpty()) {
            throw new IllegalArgumentException("the role must own at least one unicast address on the link");
        }
        this.ownUnicast = b.ownUnicast.toArray(new Ipv6Address[0]);
        this.ownAnycast = b.ownAnycast.toArray(new Ipv6Prefix[0]);
        this.onLink = b.onLink.toArray(new Ipv6Prefix[0]);
        this.defaultRouter = b.defaultRouter;
        this.solicitationSource = ownUnicast[0];
        this.hostAnswers = b.hostAnswers;
        this.maxConfirmed = b.maxConfirmed;
        this.maxUnconfirmed = b.maxUnconfirmed;
        this.maxQueuedPerNeighbor = b.maxQueuedPerNeighbor;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.reachableTime = b.reachableTimeNanos;
        this.out = Objects.requireNonNull(out, "out");
        for (Map.Entry<Ipv6Address, MacAddress> s : b.statics.entrySet()) {
            if (owns(s.getKey())) {
                throw new IllegalArgumentException("a static neighbour cannot have one of the role's own addresses: "
                        + s.getKey());
            }
            Entry e = new Entry(s.getKey());
            e.state = State.STATIC;
            e.mac = s.getValue();
            e.confirmed = true;
            statics.put(s.getKey(), e);
        }
    }

    /**
     * @param mac the role's own Ethernet address (the Target Link-Layer Address of its answers)
     * @return a builder
     */
    public static Builder builder(MacAddress mac) {
        return new Builder(mac);
    }

    /** Configures a {@link NeighborDiscovery}. */
    public static final class Builder {
        private final MacAddress mac;
        private final List<Ipv6Address> ownUnicast = new ArrayList<>();
        private final List<Ipv6Prefix> ownAnycast = new ArrayList<>();
        private boolean hostAnswers;
        private final List<Ipv6Prefix> onLink = new ArrayList<>();
        private final Map<Ipv6Address, MacAddress> statics = new LinkedHashMap<>();
        private Ipv6Address defaultRouter;
        private int maxConfirmed = 4096;
        private int maxUnconfirmed = 256;
        private int maxQueuedPerNeighbor = 8;
        private long maxQueuedBytes = 1 << 20;
        private long reachableTimeNanos = REACHABLE_TIME_NANOS;

        private Builder(MacAddress mac) {
            this.mac = Objects.requireNonNull(mac, "mac");
        }

        /**
         * A unicast address the role owns on the link (the first is the source of solicitations). Its /64 is
         * taken as on-link.
         *
         * @param a the address
         * @return this builder
         */
        public Builder own(Ipv6Address a) {
            if (a.isMulticast() || a.isUnspecified()) {
                throw new IllegalArgumentException("not a unicast address: " + a);
            }
            ownUnicast.add(a);
            onLink.add(new Ipv6Prefix(a, 64));
            return this;
        }

        /**
         * Anycast addresses the role answers for, with Override cleared (RFC 4861 §7.2.7).
         *
         * @param p the addresses, as a prefix
         * @return this builder
         */
        public Builder ownAnycast(Ipv6Prefix p) {
            ownAnycast.add(Objects.requireNonNull(p, "prefix"));
            return this;
        }

        /**
         * The host's kernel holds the role's unicast addresses on the interface (an ordinary server: ssh and the
         * rest keep working) and answers Neighbor Solicitations for them (and defends them in duplicate address
         * detection) itself: this module then never answers for them, so that the link sees one answer, the
         * kernel's. It still resolves the role's next hops, and answers for the role's anycast addresses.
         *
         * @param yes true when the kernel answers for the unicast addresses (default false)
         * @return this builder
         */
        public Builder hostAnswersForUnicast(boolean yes) {
            this.hostAnswers = yes;
            return this;
        }

        /**
         * A prefix whose addresses are resolved on the link rather than sent to the router (link-local addresses
         * always are).
         *
         * @param p the prefix
         * @return this builder
         */
        public Builder onLink(Ipv6Prefix p) {
            onLink.add(Objects.requireNonNull(p, "prefix"));
            return this;
        }

        /**
         * @param router where off-link packets go (none: they are dropped and counted)
         * @return this builder
         */
        public Builder defaultRouter(Ipv6Address router) {
            this.defaultRouter = router;
            return this;
        }

        /**
         * A neighbour whose Ethernet address is configured: never solicited, never changed by Neighbor Discovery,
         * never expires. Pinning the default router's address this way takes the router out of reach of forged
         * Neighbor Discovery.
         *
         * @param a the neighbour's address
         * @param linkAddress its Ethernet address
         * @return this builder
         */
        public Builder staticNeighbor(Ipv6Address a, MacAddress linkAddress) {
            statics.put(Objects.requireNonNull(a, "address"), Objects.requireNonNull(linkAddress, "linkAddress"));
            return this;
        }

        /**
         * @param confirmed most confirmed entries (default 4096; the least recently confirmed is evicted)
         * @param unconfirmed most unconfirmed entries (default 256; the oldest is evicted)
         * @return this builder
         */
        public Builder limits(int confirmed, int unconfirmed) {
            if (confirmed < 1 || unconfirmed < 1) {
                throw new IllegalArgumentException("neighbour limits must be 1 or more, got " + confirmed + " and "
                        + unconfirmed);
            }
            this.maxConfirmed = confirmed;
            this.maxUnconfirmed = unconfirmed;
            return this;
        }

        /**
         * @param perNeighbor most packets waiting for one neighbour's resolution (default 8; a new one replaces
         *     the oldest, RFC 4861 §7.2.2)
         * @param totalBytes most octets waiting in all (default 1 MiB; beyond, new packets are dropped)
         * @return this builder
         */
        public Builder queue(int perNeighbor, long totalBytes) {
            if (perNeighbor < 1 || totalBytes < 1) {
                throw new IllegalArgumentException("queue bounds must be positive");
            }
            this.maxQueuedPerNeighbor = perNeighbor;
            this.maxQueuedBytes = totalBytes;
            return this;
        }

        /**
         * @param nanos ReachableTime (default 30 s, RFC 4861 §10)
         * @return this builder
         */
        public Builder reachableTimeNanos(long nanos) {
            if (nanos < 1) {
                throw new IllegalArgumentException("reachable time must be positive");
            }
            this.reachableTimeNanos = nanos;
            return this;
        }

        /**
         * @param out where the packets to send go
         * @return the Neighbor Discovery
         * @throws IllegalArgumentException if no unicast address is owned, or a static entry is for an own address
         */
        public NeighborDiscovery build(Output out) {
            return new NeighborDiscovery(this, out);
        }
    }

    /** @return the counters */
    public Counters counters() {
        return counters;
    }

    /** @return the role's Ethernet address */
    public MacAddress linkAddress() {
        return mac;
    }

    /**
     * @param a an address
     * @return true if the role owns it: one of its unicast addresses, or in one of its anycast prefixes
     */
    public boolean owns(Ipv6Address a) {
        return owns(a.high(), a.low());
    }

    /**
     * @param high the address's first 8 octets
     * @param low its last 8 octets
     * @return true if the role owns it (no allocation: for the per-packet path)
     */
    public boolean owns(long high, long low) {
        for (Ipv6Address a : ownUnicast) {
            if (a.high() == high && a.low() == low) {
                return true;
            }
        }
        for (Ipv6Prefix p : ownAnycast) {
            if (p.contains(high, low)) {
                return true;
            }
        }
        return false;
    }

    private boolean isAnycast(Ipv6Address a) {
        for (Ipv6Prefix p : ownAnycast) {
            if (p.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private boolean isOnLink(long high, long low) {
        if ((high & 0xffc0_0000_0000_0000L) == 0xfe80_0000_0000_0000L) {
            return true; // link-local
        }
        for (Ipv6Prefix p : onLink) {
            if (p.contains(high, low)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Handles a Neighbor Solicitation or Advertisement; leaves anything else alone.
     *
     * @param packet the buffer
     * @param offset index of the IPv6 header
     * @param length octets of the packet
     * @param now the current time
     * @return true if it was a Solicitation or Advertisement (handled, or dropped as invalid and counted): the
     *     caller does not hand it to the role; false for any other packet
     */
    public boolean receive(byte[] packet, int offset, int length, long now) {
        if (!view.wrap(packet, offset, length)) {
            return false;
        }
        int type = view.icmpv6Type();
        if (type != 135 && type != 136) {
            return false;
        }
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            counters.invalid.incrementAndGet();
            return true;
        }
        // RFC 4861 §7.1.1, §7.1.2: the Hop Limit is 255 (a message forwarded by a router came from off-link) and
        // the ICMP checksum is valid; otherwise the message MUST be silently discarded
        if (p.header().hopLimit() != 255 || !(p.upper() instanceof Icmpv6 icmp) || !Checksums.verify(p)) {
            counters.invalid.incrementAndGet();
            return true;
        }
        Icmpv6Message m = icmp.message();
        if (m instanceof NeighborSolicitation ns) {
            solicitation(p.header(), ns, now);
        } else if (m instanceof NeighborAdvertisement na) {
            advertisement(p.header(), na, now);
        } else {
            counters.invalid.incrementAndGet();
        }
        return true;
    }

    private void solicitation(Ipv6Header h, NeighborSolicitation ns, long now) {
        Ipv6Address src = h.source();
        Ipv6Address dst = h.destination();
        Ipv6Address target = ns.target();
        MacAddress slla = linkLayerAddress(ns.options(), NdOption.LinkLayerAddress.SOURCE);
        // RFC 4861 §7.1.1: ICMP Code 0, a target that is not multicast; from the unspecified address, only to a
        // solicited-node multicast address and without a Source Link-Layer Address option
        if (ns.code() != 0 || target.isMulticast() || src.isMulticast()
                || src.isUnspecified() && (!isSolicitedNode(dst) || slla != null)) {
            counters.invalid.incrementAndGet();
            return;
        }
        boolean dad = src.isUnspecified();
        if (!dad && owns(src) && slla != null && !slla.equals(mac)) {
            // whatever its target: whoever receives it (the router, resolving nothing) learns our address at
            // another link-layer address (§7.2.3), so it is a claim to correct
            claim(now, "a Neighbor Solicitation for {} comes from {}, one of our own addresses, at {}: ignored",
                    target, src, slla);
            defend(src, now);
            return;
        }
        // §7.2.3: only solicitations for our own targets concern us (a promiscuous capture sees the others')
        if (!owns(target) || !(dst.equals(solicitedNode(target)) || owns(dst))) {
            return;
        }
        boolean anycast = isAnycast(target);
        if (hostAnswers && !anycast) {
            // the kernel holds the address and answers (and defends it) itself: one answer on the link
            if (!dad && slla != null && !owns(src)) {
                learnFromSolicitation(src, slla, now);
            }
            return;
        }
        if (!dad && owns(src)) {
            claim(now, "a Neighbor Solicitation for {} comes from {}, one of our own addresses: ignored", target, src);
            return;
        }
        if (dad && !anycast) {
            // RFC 4862 §5.4.3: another node runs duplicate address detection on our address; the answer below
            // defends it
            claim(now, "a node runs duplicate address detection for {}, which is ours: defending it", target);
        }
        if (!dad && slla != null) {
            learnFromSolicitation(src, slla, now);
        }
        // §7.2.4: solicited (S) unless answering duplicate address detection, then to all-nodes; Override set
        // except for anycast targets (§7.2.7); the Target Link-Layer Address always included
        long flags = (dad ? 0 : NeighborAdvertisement.FLAG_S) | (anycast ? 0 : NeighborAdvertisement.FLAG_O);
        Ipv6Address to = dad ? ALL_NODES : src;
        MacAddress toMac;
        if (dad) {
            toMac = ALL_NODES_MAC;
        } else if (slla != null) {
            toMac = slla;
        } else {
            Entry e = lookup(src);
            toMac = e != null && e.mac != null ? e.mac : ALL_NODES_MAC;
        }
        advertise(target, to, flags, toMac);
    }

    /** Sends a Neighbor Advertisement for one of our addresses with our link-layer address (§7.2.4, §7.2.6). */
    private void advertise(Ipv6Address target, Ipv6Address to, long flags, MacAddress toMac) {
        byte[] na = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(255, target, to), List.of(), new Icmpv6(
                new NeighborAdvertisement(0, flags, target, List.of(new NdOption.LinkLayerAddress(
                        NdOption.LinkLayerAddress.TARGET, Bytes.of(mac.toBytes())))))));
        counters.advertisementsSent.incrementAndGet();
        out.transmit(na, 0, na.length, toMac);
    }

    /** RFC 4861 §7.2.3: what a Solicitation's Source Link-Layer Address option may change. */
    private void learnFromSolicitation(Ipv6Address src, MacAddress slla, long now) {
        Entry e = lookup(src);
        if (e == null) {
            // §7.2.3: "the node SHOULD create a new one and set its reachability state to STALE": unconfirmed
            e = new Entry(src);
            e.state = State.STALE;
            e.mac = slla;
            addUnconfirmed(e);
            return;
        }
        if (e.state == State.STATIC) {
            if (!slla.equals(e.mac)) {
                ignoredClaim(now, "a Neighbor Solicitation claims {} is at {}; pinned at {}: ignored", src, slla,
                        e.mac);
            }
            return;
        }
        if (slla.equals(e.mac)) {
            return;
        }
        if (!e.confirmed) {
            e.mac = slla; // still only a claim; an INCOMPLETE entry goes on resolving
            return;
        }
        // §7.2.3: the cached address "should be replaced" and the state "MUST be set to STALE". Replacing a
        // confirmed address would hand the traffic to whoever sent one solicitation: the confirmed address stays,
        // and a REACHABLE entry becomes STALE so that the next packet triggers a unicast probe to it (§7.3.3). An
        // entry already in DELAY or PROBE keeps its check going.
        ignoredClaim(now, "a Neighbor Solicitation claims {} is at {}; confirmed at {}: address kept, reachability"
                + " checked again", src, slla, e.mac);
        if (effectiveState(e, now) == State.REACHABLE) {
            e.state = State.STALE;
        }
    }

    private void advertisement(Ipv6Header h, NeighborAdvertisement na, long now) {
        Ipv6Address dst = h.destination();
        Ipv6Address target = na.target();
        boolean solicited = (na.flags() & NeighborAdvertisement.FLAG_S) != 0;
        boolean override = (na.flags() & NeighborAdvertisement.FLAG_O) != 0;
        // RFC 4861 §7.1.2: ICMP Code 0, a target that is not multicast, and "If the IP Destination Address is a
        // multicast address the Solicited flag is zero"
        if (na.code() != 0 || target.isMulticast() || dst.isMulticast() && solicited) {
            counters.invalid.incrementAndGet();
            return;
        }
        MacAddress tlla = linkLayerAddress(na.options(), NdOption.LinkLayerAddress.TARGET);
        if (owns(target)) {
            // never let an entry for one of our own addresses exist, let alone point elsewhere; a claim seen on its
            // way to another node (a capture sees it when the link floods it) is corrected too. For an anycast
            // address, other members advertising it with Override clear is normal (§7.2.7); our own link-layer
            // address (our own advertisement seen again) claims nothing
            if ((!isAnycast(target) || override) && !mac.equals(tlla)) {
                claim(now, "a Neighbor Advertisement from {} claims {}, one of our own addresses: ignored",
                        h.source(), target);
                if (tlla != null) {
                    defend(target, now);
                }
            }
            return;
        }
        if (!dst.isMulticast() && !owns(dst)) {
            return; // unicast to another node: not ours to process
        }
        Entry e = lookup(target);
        if (e == null) {
            return; // §7.2.5: "If no entry exists, the advertisement SHOULD be silently discarded."
        }
        if (e.state == State.STATIC) {
            if (tlla != null && !tlla.equals(e.mac)) {
                ignoredClaim(now, "a Neighbor Advertisement claims {} is at {}; pinned at {}: ignored", target, tlla,
                        e.mac);
            }
            return;
        }
        // answers our own solicitation: Solicited set, and we solicited this target within the last RetransTimer
        boolean answer = solicited && e.solicitedOnce && now - e.lastSolicit <= RETRANS_TIMER_NANOS;
        if (e.state == State.INCOMPLETE) {
            if (tlla == null) {
                return; // §7.2.5: without a Target Link-Layer Address option, SHOULD be silently discarded
            }
            e.mac = tlla;
            if (answer) {
                reachable(e, now); // §7.2.5: Solicited set: REACHABLE; the queued packets go
            }
            // otherwise the RFC's STALE, unconfirmed: resolution goes on and the packets keep waiting
            return;
        }
        State st = effectiveState(e, now);
        boolean differs = tlla != null && !tlla.equals(e.mac);
        if (!override && differs) {
            // §7.2.5: Override clear and a different address: a REACHABLE entry becomes STALE, "but do not update
            // the entry in any other way"; otherwise the advertisement is ignored
            if (st == State.REACHABLE) {
                e.state = State.STALE;
            }
            counters.claimsIgnored.incrementAndGet();
            return;
        }
        if (differs) {
            // §7.2.5: Override set: the address MUST be inserted in the cache
            if (answer) {
                if (e.confirmed && st == State.REACHABLE && now - e.confirmedAt <= RETRANS_TIMER_NANOS) {
                    claimLog.warn(now, "two link-layer addresses answered for {}: {}, then {}", target, e.mac, tlla);
                }
                e.mac = tlla;
                reachable(e, now);
            } else {
                // "If the Solicited flag is zero and the link-layer address was updated with a different address,
                // the state MUST be set to STALE": and unconfirmed, so that it carries no traffic before a fresh
                // resolution confirms it
                e.mac = tlla;
                unconfirm(e);
                if (LOG.isDebugEnabled()) {
                    LOG.debug("unsolicited advertisement moves {} to {}: unconfirmed until resolved", target, tlla);
                }
            }
            return;
        }
        // the same address, or none given
        if (answer && (e.confirmed || tlla != null)) {
            reachable(e, now); // §7.2.5: Solicited set: REACHABLE
        }
        // otherwise "the entry's state remains unchanged"
    }

    /**
     * Sends an IPv6 packet: multicast to its mapped Ethernet address (RFC 2464 §7); unicast to its destination if
     * on-link, else to the default router; resolving the next hop first if needed (the packet is copied and waits).
     * Packets it cannot send are dropped and counted.
     *
     * @param packet the buffer
     * @param offset index of the IPv6 header
     * @param length octets of the packet
     * @param now the current time
     */
    public void send(byte[] packet, int offset, int length, long now) {
        if (offset < 0 || length < Ipv6View.HEADER_LENGTH || offset > packet.length - length) {
            counters.noRoute.incrementAndGet();
            return;
        }
        long hi = Ipv6View.peekDestinationHigh(packet, offset);
        long lo = Ipv6View.peekDestinationLow(packet, offset);
        if ((hi >>> 56) == 0xff) {
            out.transmit(packet, offset, length, new MacAddress(0x3333_0000_0000L | (lo & 0xffff_ffffL)));
            return;
        }
        if (!isOnLink(hi, lo)) {
            if (defaultRouter == null) {
                counters.noRoute.incrementAndGet();
                return;
            }
            hi = defaultRouter.high();
            lo = defaultRouter.low();
        }
        Entry e = cachedHop;
        if (e == null || !e.live || cachedHopHigh != hi || cachedHopLow != lo) {
            if (owns(hi, lo)) {
                counters.noRoute.incrementAndGet(); // never through the link to ourselves
                return;
            }
            Ipv6Address hop = new Ipv6Address(hi, lo);
            e = lookup(hop);
            if (e == null) {
                e = new Entry(hop);
                e.state = State.INCOMPLETE;
                addUnconfirmed(e);
                enqueue(e, packet, offset, length);
                startResolution(e, now);
                return;
            }
            cachedHop = e;
            cachedHopHigh = hi;
            cachedHopLow = lo;
        }
        switch (e.state) {
            case STATIC:
            case DELAY:
            case PROBE:
                out.transmit(packet, offset, length, e.mac);
                return;
            case INCOMPLETE:
                enqueue(e, packet, offset, length);
                return;
            default:
                break;
        }
        if (!e.confirmed) {
            // a STALE entry whose address was only claimed: resolved afresh before it carries traffic (where
            // §7.3.3 would send at once and probe later)
            e.state = State.INCOMPLETE;
            enqueue(e, packet, offset, length);
            startResolution(e, now);
            return;
        }
        if (effectiveState(e, now) == State.STALE) {
            // §7.3.3: the first packet to a STALE entry moves it to DELAY; a probe follows DELAY_FIRST_PROBE_TIME
            // later unless reachability is confirmed meanwhile
            e.state = State.DELAY;
            e.timer = now + DELAY_FIRST_PROBE_TIME_NANOS;
            time(e);
        }
        out.transmit(packet, offset, length, e.mac);
    }

    /**
     * Runs the timers due: retransmitted solicitations, DELAY to PROBE, failed resolutions and probes.
     *
     * @param now the current time
     * @return the number of timers run (0 when none was due)
     */
    public int doWork(long now) {
        if (timed.isEmpty() || now - deadline < 0) {
            return 0;
        }
        int n = 0;
        long next = 0;
        boolean any = false;
        for (Iterator<Entry> it = timed.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (now - e.timer < 0) {
                next = !any || e.timer - next < 0 ? e.timer : next;
                any = true;
                continue;
            }
            n++;
            if (e.state == State.INCOMPLETE && e.solicits >= MAX_MULTICAST_SOLICIT
                    || e.state == State.PROBE && e.solicits >= MAX_UNICAST_SOLICIT) {
                // §7.2.2: resolution failed, the waiting packets are dropped; §7.3.3: after MAX_UNICAST_SOLICIT
                // unanswered probes the entry SHOULD be deleted
                it.remove();
                e.timed = false;
                remove(e);
                continue;
            }
            switch (e.state) {
                case INCOMPLETE:
                    solicit(e, e.address, solicitedNode(e.address), MacAddress.ofIpv6Multicast(
                            solicitedNode(e.address)), now);
                    break;
                case DELAY:
                    e.state = State.PROBE; // §7.3.3: DELAY_FIRST_PROBE_TIME passed without confirmation
                    e.solicits = 0;
                    solicit(e, e.address, e.address, e.mac, now);
                    break;
                case PROBE:
                    solicit(e, e.address, e.address, e.mac, now);
                    break;
                default:
                    it.remove();
                    e.timed = false;
                    continue;
            }
            next = !any || e.timer - next < 0 ? e.timer : next;
            any = true;
        }
        deadline = next;
        return n;
    }

    /**
     * @return when {@link #doWork} has something to do next, or {@link Long#MAX_VALUE} when nothing is pending
     */
    public long nextDeadline() {
        return timed.isEmpty() ? Long.MAX_VALUE : deadline;
    }

    /**
     * @param a a neighbour's address
     * @return a snapshot of its entry, if there is one
     */
    public Optional<Neighbor> neighbor(Ipv6Address a) {
        Entry e = lookup(a);
        return e == null ? Optional.empty() : Optional.of(snapshot(e));
    }

    /**
     * Snapshots of every entry (static, confirmed, unconfirmed), for status output. The REACHABLE entries whose
     * ReachableTime ran out read STALE as of the last call that was given the time.
     *
     * @return the entries
     */
    public List<Neighbor> neighbors() {
        List<Neighbor> l = new ArrayList<>(statics.size() + confirmedEntries.size() + unconfirmedEntries.size());
        statics.values().forEach(e -> l.add(snapshot(e)));
        confirmedEntries.values().forEach(e -> l.add(snapshot(e)));
        unconfirmedEntries.values().forEach(e -> l.add(snapshot(e)));
        return l;
    }

    /** @return the number of confirmed (not static) entries */
    public int confirmedCount() {
        return confirmedEntries.size();
    }

    /** @return the number of unconfirmed entries */
    public int unconfirmedCount() {
        return unconfirmedEntries.size();
    }

    private Neighbor snapshot(Entry e) {
        return new Neighbor(e.address, e.state, e.mac, e.confirmed);
    }

    private Entry lookup(Ipv6Address a) {
        Entry e = statics.get(a);
        if (e == null) {
            e = confirmedEntries.get(a);
        }
        if (e == null) {
            e = unconfirmedEntries.get(a);
        }
        return e;
    }

    private State effectiveState(Entry e, long now) {
        if (e.state == State.REACHABLE && now - e.reachableUntil >= 0) {
            e.state = State.STALE; // §7.3.3: ReachableTime passed without confirmation
        }
        return e.state;
    }

    private void reachable(Entry e, long now) {
        e.state = State.REACHABLE;
        e.reachableUntil = now + reachableTime;
        e.solicits = 0;
        e.confirmedAt = now;
        untime(e);
        if (!e.confirmed) {
            e.confirmed = true;
            unconfirmedEntries.remove(e.address);
        } else {
            confirmedEntries.remove(e.address);
        }
        if (confirmedEntries.size() >= maxConfirmed) {
            Iterator<Entry> it = confirmedEntries.values().iterator();
            Entry old = it.next();
            it.remove();
            drop(old);
            counters.evictedConfirmed.incrementAndGet();
        }
        confirmedEntries.put(e.address, e);
        if (e.queue != null) {
            for (byte[] p = e.queue.poll(); p != null; p = e.queue.poll()) {
                queuedBytes -= p.length;
                out.transmit(p, 0, p.length, e.mac);
            }
        }
    }

    private void unconfirm(Entry e) {
        e.state = State.STALE;
        untime(e);
        if (e.confirmed) {
            e.confirmed = false;
            confirmedEntries.remove(e.address);
            addUnconfirmed(e);
        }
    }

    private void addUnconfirmed(Entry e) {
        if (unconfirmedEntries.size() >= maxUnconfirmed) {
            Iterator<Entry> it = unconfirmedEntries.values().iterator();
            Entry old = it.next();
            it.remove();
            drop(old);
            counters.evictedUnconfirmed.incrementAndGet();
        }
        unconfirmedEntries.put(e.address, e);
    }

    private void remove(Entry e) {
        if (confirmedEntries.get(e.address) == e) {
            confirmedEntries.remove(e.address);
        } else if (unconfirmedEntries.get(e.address) == e) {
            unconfirmedEntries.remove(e.address);
        }
        drop(e);
    }

    /** An entry leaves the table: its timer and its waiting packets go with it. */
    private void drop(Entry e) {
        e.live = false;
        untime(e);
        if (e.queue != null) {
            counters.unresolved.addAndGet(e.queue.size());
            for (byte[] p : e.queue) {
                queuedBytes -= p.length;
            }
            e.queue = null;
        }
        if (cachedHop == e) {
            cachedHop = null;
        }
    }

    private void time(Entry e) {
        if (timed.isEmpty() || e.timer - deadline < 0) {
            deadline = e.timer; // a deadline left earlier than needed only costs one idle doWork
        }
        if (!e.timed) {
            timed.add(e);
            e.timed = true;
        }
    }

    private void untime(Entry e) {
        if (e.timed) {
            timed.remove(e);
            e.timed = false;
        }
    }

    private void enqueue(Entry e, byte[] packet, int offset, int length) {
        if (queuedBytes + length > maxQueuedBytes) {
            counters.queueOverflow.incrementAndGet();
            return;
        }
        if (e.queue == null) {
            e.queue = new ArrayDeque<>(Math.min(maxQueuedPerNeighbor, 8));
        }
        if (e.queue.size() >= maxQueuedPerNeighbor) {
            // §7.2.2: "When a queue overflows, the new arrival SHOULD replace the oldest entry."
            queuedBytes -= e.queue.poll().length;
            counters.queueOverflow.incrementAndGet();
        }
        e.queue.add(java.util.Arrays.copyOfRange(packet, offset, offset + length));
        queuedBytes += length;
    }

    private void startResolution(Entry e, long now) {
        e.solicits = 0;
        Ipv6Address group = solicitedNode(e.address);
        solicit(e, e.address, group, MacAddress.ofIpv6Multicast(group), now);
        time(e);
    }

    /** Sends one solicitation and sets the entry's retransmission timer (its place in {@code timed} is kept). */
    private void solicit(Entry e, Ipv6Address target, Ipv6Address to, MacAddress toMac, long now) {
        e.solicits++;
        e.lastSolicit = now;
        e.solicitedOnce = true;
        e.timer = now + RETRANS_TIMER_NANOS;
        // §7.2.2: the Source Link-Layer Address option SHOULD be included (our source is never unspecified)
        byte[] ns = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(255, solicitationSource, to), List.of(),
                new Icmpv6(new NeighborSolicitation(0, 0, target, List.of(new NdOption.LinkLayerAddress(
                        NdOption.LinkLayerAddress.SOURCE, Bytes.of(mac.toBytes())))))));
        counters.solicitationsSent.incrementAndGet();
        out.transmit(ns, 0, ns.length, toMac);
    }

    /**
     * Answers a claim on one of our own addresses: one unsolicited Advertisement to all nodes (RFC 4861 §7.2.6),
     * Solicited clear, Override set (also for an anycast address: the claim overrode, so must the correction),
     * with our link-layer address; within {@value #DEFENCES_PER_SECOND} a second, bursts of
     * {@value #DEFENCE_BURST} (a generic cell rate: the theoretical time of the next answer). Not for a unicast
     * address the host's kernel answers for.
     */
    private void defend(Ipv6Address address, long now) {
        if (hostAnswers && !isAnycast(address)) {
            return;
        }
        long t = !defended || defenceAt - now < 0 ? now : defenceAt;
        if (t - now > DEFENCE_INTERVAL_NANOS * (DEFENCE_BURST - 1)) {
            return;
        }
        defenceAt = t + DEFENCE_INTERVAL_NANOS;
        defended = true;
        counters.ownAddressesDefended.incrementAndGet();
        advertise(address, ALL_NODES, NeighborAdvertisement.FLAG_O, ALL_NODES_MAC);
    }

    private void claim(long now, String message, Object... args) {
        counters.ownAddressClaims.incrementAndGet();
        ownClaimLog.warn(now, message, args);
    }

    private void ignoredClaim(long now, String message, Object... args) {
        counters.claimsIgnored.incrementAndGet();
        claimLog.warn(now, message, args);
    }

    /** @return the solicited-node multicast address of {@code a}: ff02::1:ff00:0/104 and its last 24 bits */
    static Ipv6Address solicitedNode(Ipv6Address a) {
        return new Ipv6Address(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (a.low() & 0xff_ffffL));
    }

    private static boolean isSolicitedNode(Ipv6Address a) {
        return a.high() == 0xff02_0000_0000_0000L && (a.low() & 0xffff_ffff_ff00_0000L) == 0x0000_0001_ff00_0000L;
    }

    private static MacAddress linkLayerAddress(List<NdOption> options, int type) {
        for (NdOption o : options) {
            if (o instanceof NdOption.LinkLayerAddress l && l.type() == type && l.address().length() >= 6) {
                byte[] b = l.address().toArray();
                return MacAddress.read(b, 0);
            }
        }
        return null;
    }
}
