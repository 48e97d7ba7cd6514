package io.mga.engine;

import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.PacketIo;
import io.mga.api.ResponderCredentials;
import io.mga.api.SelectionPolicy;
import io.mga.api.store.BindingStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of a {@link HomeAnycastAgent}, as built by {@link HomeAnycastAgent#builder()}.
 *
 * @param address the agent's unicast address: the tunnel entry point and the destination of Binding Updates
 * @param served the anycast prefixes served (the anycast home link's prefix, or single addresses as /128)
 * @param model Basic or Advanced Model
 * @param policy how a responder is chosen (null: first in the Basic Model, round-robin in the Advanced one)
 * @param responders the responders accepted
 * @param maxLifetimeSeconds the longest lifetime granted
 * @param maxBindings the bound of the binding cache
 * @param maxBindingsPerAnycast the bound of one anycast address's bindings (Advanced Model)
 * @param hashKey the tables' hash secret, or null to draw one from {@link java.security.SecureRandom}
 * @param maxPins the bound of the pinning table (0: no pinning)
 * @param pinIdleNanos how long a pin lasts without a packet
 * @param replayProtectionRequired whether BUs must carry a replay-protection timestamp
 * @param replayWindowNanos how far a timestamp may be from the agent's clock
 * @param epoch the wall clock of timestamps and events
 * @param tunnelHopLimit the outer hop limit of tunnelled packets
 * @param peers the other agents of the home link, listed in DHAAD replies
 * @param refreshRequests whether Binding Refresh Requests are sent
 * @param probeTimeoutNanos how long a binding probed after a tunnel error has to answer with a refresh
 * @param maxBindingsPerResponder the most bindings one responder identity may hold
 * @param livenessIntervalNanos how often a binding that carried traffic is probed for liveness (0: never)
 * @param livenessProbesPerSecond the most liveness probes a second, all bindings together
 * @param linkMtu the MTU of the link the tunnels leave by: a packet whose tunnel packet would exceed it is answered
 *     with Packet Too Big (RFC 2473 §7.1)
 * @param reverseTunnelPacketsPerSecond the long-run rate of the reverse tunnel, per binding
 * @param reverseTunnelBurst how many packets one binding may reverse-tunnel at once before that rate applies
 * @param maxBindingsPerResponderPerAnycast the most bindings one responder identity may hold for one anycast
 *     address (Advanced Model)
 * @param store where the bindings are kept, shared with other agents (null: the embedded one, this agent's own)
 * @param storePendingLimit the most Binding Updates whose write waits for the store at once
 * @param selectionKey the secret of the selection table that the agents sharing a store use by default, the same
 *     on all of them (null: rendezvous hashing, which needs no key)
 */
public record AgentConfig(Ipv6Address address, List<Ipv6Prefix> served, Model model, SelectionPolicy policy,
        List<ResponderCredentials> responders, int maxLifetimeSeconds, int maxBindings, int maxBindingsPerAnycast,
        Long hashKey, int maxPins, long pinIdleNanos, boolean replayProtectionRequired, long replayWindowNanos,
        EpochClock epoch, int tunnelHopLimit, List<Ipv6Address> peers, boolean refreshRequests,
        long probeTimeoutNanos, int maxBindingsPerResponder, long livenessIntervalNanos,
        int livenessProbesPerSecond, int linkMtu, int reverseTunnelPacketsPerSecond, int reverseTunnelBurst,
        int maxBindingsPerResponderPerAnycast, BindingStore store, int storePendingLimit, Long selectionKey) {
    /** The shortest liveness interval: responders answer at most 4 Binding Refresh Requests a second. */
    public static final long MIN_LIVENESS_INTERVAL_NANOS = 500_000_000L;

    /**
     * Checks the configuration.
     *
     * @param address not null
     * @param served at least one prefix
     * @param model not null
     * @param policy may be null
     * @param responders not null
     * @param maxLifetimeSeconds 4 to 262140
     * @param maxBindings 1 to 2<sup>27</sup>
     * @param maxBindingsPerAnycast 1 to 4096
     * @param hashKey may be null
     * @param maxPins at least 0
     * @param pinIdleNanos positive
     * @param replayProtectionRequired either
     * @param replayWindowNanos positive
     * @param epoch not null
     * @param tunnelHopLimit 1 to 255
     * @param peers not null
     * @param refreshRequests either
     * @param probeTimeoutNanos positive
     * @param maxBindingsPerResponder at least 1
     * @param livenessIntervalNanos 0, or at least {@link #MIN_LIVENESS_INTERVAL_NANOS}
     * @param livenessProbesPerSecond at least 1
     * @param linkMtu {@value #MIN_LINK_MTU} to {@value #MAX_LINK_MTU}
     * @param reverseTunnelPacketsPerSecond 1 to 10<sup>9</sup>
     * @param reverseTunnelBurst at least 1
     * @param maxBindingsPerResponderPerAnycast 1 to {@code maxBindingsPerAnycast}
     * @param store may be null
     * @param storePendingLimit 1 to 65536
     * @param selectionKey may be null
     * @throws IllegalArgumentException if incomplete or inconsistent
     */
    public AgentConfig {
        java.util.Objects.requireNonNull(address, "address");
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(epoch, "epoch");
        served = List.copyOf(served);
        responders = List.copyOf(responders);
        peers = List.copyOf(peers);
        if (served.isEmpty()) {
            throw new IllegalArgumentException("an agent serves at least one anycast prefix");
        }
        if (maxLifetimeSeconds < 4 || maxLifetimeSeconds > 262_140) {
            throw new IllegalArgumentException("max lifetime must be 4..262140 s");
        }
        if (maxBindings < 1 || maxBindings > 1 << 27) {
            throw new IllegalArgumentException("maxBindings must be 1..2^27");
        }
        if (maxBindingsPerAnycast < 1 || maxBindingsPerAnycast > 4096) {
            throw new IllegalArgumentException("maxBindingsPerAnycast must be 1..4096");
        }
        if (maxPins < 0 || pinIdleNanos <= 0) {
            throw new IllegalArgumentException("pinning bound must be >= 0 and idle time positive");
        }
        if (maxBindingsPerResponderPerAnycast < 1 || maxBindingsPerResponderPerAnycast > maxBindingsPerAnycast) {
            throw new IllegalArgumentException("maxBindingsPerResponderPerAnycast must be 1..maxBindingsPerAnycast");
        }
        if (maxBindingsPerResponder < 1) {
            throw new IllegalArgumentException("maxBindingsPerResponder must be positive");
        }
        if (probeTimeoutNanos <= 0) {
            throw new IllegalArgumentException("the probe timeout must be positive");
        }
        if (livenessIntervalNanos != 0 && livenessIntervalNanos < MIN_LIVENESS_INTERVAL_NANOS
                || livenessIntervalNanos < 0 || livenessProbesPerSecond < 1) {
            throw new IllegalArgumentException("the liveness interval must be 0 or at least 500 ms, and the probe"
                    + " budget positive");
        }
        if (tunnelHopLimit < 1 || tunnelHopLimit > 255) {
            throw new IllegalArgumentException("tunnel hop limit must be 1..255");
        }
        if (linkMtu < MIN_LINK_MTU || linkMtu > MAX_LINK_MTU) {
            throw new IllegalArgumentException("link MTU must be " + MIN_LINK_MTU + ".." + MAX_LINK_MTU);
        }
        if (reverseTunnelPacketsPerSecond < 1 || reverseTunnelPacketsPerSecond > 1_000_000_000
                || reverseTunnelBurst < 1) {
            throw new IllegalArgumentException("reverse tunnel rate must be 1..10^9 packets/s, burst at least 1");
        }
        if (storePendingLimit < 1 || storePendingLimit > 65_536) {
            throw new IllegalArgumentException("the store's pending writes must be bounded by 1..65536");
        }
    }

    /**
     * The smallest link MTU accepted: 1280 (RFC 8200 §5) plus the tunnel header and the 8-octet Destination
     * Options header of a Tunnel Encapsulation Limit, so that every packet of up to 1280 octets fits in a tunnel
     * packet unfragmented. Below it RFC 2473 §7.1 would have the agent fragment its tunnel packets, which it does
     * not do.
     */
    public static final int MIN_LINK_MTU = 1280 + 40 + 8;
    /** The largest link MTU that matters: a tunnel packet's Payload Length is 16 bits (65535 + 40 octets). */
    public static final int MAX_LINK_MTU = 65535 + 40;

    /** Configures and builds a {@link HomeAnycastAgent}. */
    public static final class Builder {
        private Ipv6Address address;
        private final List<Ipv6Prefix> served = new ArrayList<>();
        private Model model = Model.ADVANCED;
        private SelectionPolicy policy;
        private final List<ResponderCredentials> responders = new ArrayList<>();
        private int maxLifetimeSeconds = 1800;
        private int maxBindings = 10_000;
        private int maxPerAnycast = 256;
        private Long hashKey;
        private int maxPins = 100_000;
        private long pinIdleNanos = 60_000_000_000L;
        private long replayWindowNanos = 7_000_000_000L;
        private boolean requireReplayProtection = true;
        private EpochClock epoch = EpochClock.simulated();
        private AgentState restore;
        private int tunnelHopLimit = 64;
        private final List<Ipv6Address> peers = new ArrayList<>();
        private boolean refreshRequests = true;
        private long probeTimeoutNanos = 500_000_000L;
        private int maxPerResponder = 1024;
        private long livenessIntervalNanos = 500_000_000L;
        private int livenessProbesPerSecond = 2000;
        private int linkMtu = 1500;
        private int reversePps = 100_000;
        private int reverseBurst = 10_000;
        private int maxPerResponderPerAnycast;
        private BindingStore store;
        private int storePendingLimit = 1024;
        private Long selectionKey;
        private PacketIo io;
        private EventListener<AgentEvent> listener;

        Builder() {
        }

        /**
         * Another agent serving the same anycast home link (MGA paper Fig. 10). DHAAD replies list this agent first,
         * then its peers (RFC 6275 §10.5.1), so that responders can register with all of them.
         *
         * @param a the peer agent's address
         * @return this builder
         */
        public Builder peerAgent(Ipv6Address a) {
            peers.add(a);
            return this;
        }

        /**
         * Whether the agent sends a Binding Refresh Request (RFC 6275 §6.1.2) when a binding reaches 90% of its
         * lifetime without a refresh (default true): a responder whose refresh was lost refreshes at once.
         *
         * @param enabled true to send them
         * @return this builder
         */
        public Builder bindingRefreshRequests(boolean enabled) {
            this.refreshRequests = enabled;
            return this;
        }

        /**
         * The agent's own unicast address: the tunnel entry point and the destination of Binding Updates.
         *
         * @param a the address
         * @return this builder
         */
        public Builder address(Ipv6Address a) {
            this.address = a;
            return this;
        }

        /**
         * An anycast prefix the agent serves (its anycast home link's prefix, or single anycast addresses as /128).
         *
         * @param p the prefix
         * @return this builder
         */
        public Builder serve(Ipv6Prefix p) {
            served.add(p);
            return this;
        }

        /**
         * Basic or Advanced Model (default Advanced).
         *
         * @param m the model
         * @return this builder
         */
        public Builder model(Model m) {
            this.model = m;
            return this;
        }

        /**
         * How a responder is chosen (default: first in the Basic Model, round-robin in the Advanced one).
         *
         * @param p the policy; see {@link Policies}
         * @return this builder
         */
        public Builder policy(SelectionPolicy p) {
            this.policy = p;
            return this;
        }

        /**
         * Accepts registrations from a responder.
         *
         * @param c its credentials and authorisation
         * @return this builder
         */
        public Builder responder(ResponderCredentials c) {
            responders.add(c);
            return this;
        }

        /**
         * The longest lifetime granted, in seconds (default 1800); longer requests get this (RFC 6275 §10.3.1).
         *
         * @param seconds 4 to 262140
         * @return this builder
         */
        public Builder maxLifetimeSeconds(int seconds) {
            this.maxLifetimeSeconds = seconds;
            return this;
        }

        /**
         * Bound of the binding cache, all anycast addresses together (default 10,000); beyond it a new
         * registration gets status 130 (insufficient resources).
         *
         * @param n 1 to 2<sup>27</sup>
         * @return this builder
         */
        public Builder maxBindings(int n) {
            this.maxBindings = n;
            return this;
        }

        /**
         * The secret keying the binding cache's and the pinning table's hashes, and seeding the tunnels' Flow
         * Label secrets (default: drawn from {@link java.security.SecureRandom} per agent). Set it only for
         * reproducible runs in tests: a sender who knows it can choose addresses that collide and forge tunnel
         * errors.
         *
         * @param key the key
         * @return this builder
         */
        public Builder hashKey(long key) {
            this.hashKey = key;
            return this;
        }

        /**
         * Bound of the bindings of one anycast address in the Advanced Model (default 256; the Basic Model keeps
         * one); beyond it a new Binding ID gets status 130 (insufficient resources). It also bounds the work of
         * one selection.
         *
         * @param n 1 to 4096
         * @return this builder
         */
        public Builder maxBindingsPerAnycast(int n) {
            this.maxPerAnycast = n;
            return this;
        }

        /**
         * Session pinning (Advanced Model, MGA paper §4.5): how many (initiator, anycast address) pairs are remembered
         * (default 100,000, rounded up to a multiple of 8; a new pin replaces a stale one or the least recently used
         * of the eight its key hashes to) and after how long without a packet a pin is forgotten (default 60 s).
         * {@code maxPins} 0 turns pinning off.
         *
         * @param maxPins the bound of the pinning table
         * @param idleNanos the idle time in nanoseconds
         * @return this builder
         */
        public Builder pinning(int maxPins, long idleNanos) {
            this.maxPins = maxPins;
            this.pinIdleNanos = idleNanos;
            return this;
        }

        /**
         * Replay protection (RFC 4285 §6): whether BUs must carry the timestamp option (default true), and how far
         * their timestamp may be from the agent's clock (default 7 s).
         *
         * @param required true to answer BUs without it with status 145
         * @param windowNanos the "close enough" window
         * @return this builder
         */
        public Builder replayProtection(boolean required, long windowNanos) {
            this.requireReplayProtection = required;
            this.replayWindowNanos = windowNanos;
            return this;
        }

        /**
         * The wall clock of replay-protection timestamps and events (default {@link EpochClock#simulated()}, which
         * suits the simulator; on a live network pass {@link EpochClock#system()}). Agents and responders must
         * agree within the replay window.
         *
         * @param e the clock
         * @return this builder
         */
        public Builder epochClock(EpochClock e) {
            this.epoch = java.util.Objects.requireNonNull(e, "epoch");
            return this;
        }

        /**
         * The most bindings one responder identity may hold, all anycast addresses and Binding IDs together
         * (default 1024): one authorised responder cannot fill the cache that all share; beyond it, status 130.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxBindingsPerResponder(int n) {
            this.maxPerResponder = n;
            return this;
        }

        /**
         * The most bindings one responder identity may hold for one anycast address in the Advanced Model (default:
         * half of {@link #maxBindingsPerAnycast}, at least 1): one authorised responder cannot take all of an
         * anycast address's room, so another identity can still register there; beyond it, status 130.
         *
         * @param n 1 to the bound of one anycast address's bindings; 0 for the default
         * @return this builder
         */
        public Builder maxBindingsPerResponderPerAnycast(int n) {
            this.maxPerResponderPerAnycast = n;
            return this;
        }

        /**
         * How long a binding named by a tunnel error has to answer the agent's probe (a Binding Refresh Request)
         * with an authenticated refresh before it is dropped (default 500 ms: several round trips to a responder;
         * a binding dropped wrongly comes back with the refresh that answers late).
         *
         * @param nanos positive
         * @return this builder
         */
        public Builder probeTimeout(long nanos) {
            this.probeTimeoutNanos = nanos;
            return this;
        }

        /**
         * Fast failure detection: every {@code intervalNanos} (default 500 ms) each binding that carried traffic
         * since the last round is probed with a Binding Refresh Request (RFC 6275 §6.1.2), and dropped if no
         * authenticated Binding Update answers within the {@link #probeTimeout probe timeout}; so a responder that
         * crashes while serving is out of the choice within interval + timeout (1 s by default), without waiting
         * for ICMPv6 errors or the lifetime. Idle bindings cost nothing; a binding with traffic costs a BRR, a BU
         * and a BA per interval. At most {@code probesPerSecond} (default 2000) probes go per second, all bindings
         * together; the rest wait for the next rounds. A probe is the only thing nobody authenticated can trigger:
         * what drops a binding is the absence of an authenticated answer.
         *
         * @param intervalNanos 0 to turn the probes off, else at least 500 ms (responders answer at most 4 BRRs a
         *     second)
         * @param probesPerSecond at least 1
         * @return this builder
         */
        public Builder liveness(long intervalNanos, int probesPerSecond) {
            this.livenessIntervalNanos = intervalNanos;
            this.livenessProbesPerSecond = probesPerSecond;
            return this;
        }

        /**
         * The MTU of the link the agent's tunnels leave by (default 1500, Ethernet). A packet for a served anycast
         * address whose tunnel packet would exceed it (more than {@code mtu - 40} octets) is not sent: its source
         * gets an ICMPv6 Packet Too Big with MTU {@code mtu - 40} (RFC 2473 §7.1, RFC 4443 §3.2), at most 10 a
         * second per source /64 and 1000 in all (RFC 4443 §2.4(f)). Whatever the MTU, a packet of more than 65535
         * octets cannot be tunnelled (the outer Payload Length is 16 bits) and gets Packet Too Big with 65535.
         *
         * @param mtu {@value AgentConfig#MIN_LINK_MTU} to {@value AgentConfig#MAX_LINK_MTU}
         * @return this builder
         */
        public Builder linkMtu(int mtu) {
            this.linkMtu = mtu;
            return this;
        }

        /**
         * How much one binding may send through the reverse tunnel (RFC 6275 §10.4.5): a token bucket per binding,
         * refilled at {@code packetsPerSecond}, holding {@code burst} (default 100,000 packets/s, burst 10,000: a
         * responder's web server sending a gigabit a second of 1,500-octet segments needs 83,000; the earlier
         * default, 10,000, held one TCP download through the agent to 14.8 MB/s, measured in {@code
         * HostDeliveryNamespaceTest}). What the bucket bounds is what one care-of address, or a sender forging it,
         * can push through the agent; the relay is one packet out per packet in, never more. Packets over the limit
         * are dropped and counted.
         *
         * @param packetsPerSecond 1 to 10<sup>9</sup>
         * @param burst at least 1
         * @return this builder
         */
        public Builder reverseTunnelRate(int packetsPerSecond, int burst) {
            this.reversePps = packetsPerSecond;
            this.reverseBurst = burst;
            return this;
        }

        /**
         * Where the bindings, their sequence numbers and the replay-protection marks are kept (issue 14). Default:
         * the embedded {@link io.mga.engine.store.LocalBindingStore}, the agent's own, which completes every write
         * at once. A store shared by several agents (etcd, {@code mga-store-etcd}) makes every agent serve what any
         * agent registered: each accepted Binding Update is written through the store and acknowledged only once
         * the store committed it (RFC 6275 §10.3.1), the agent's copy is fed by the store's watch, and the data
         * path reads the copy only. While a write waits, the BU's answer waits in a table of
         * {@link #storePendingLimit} entries; when it is full, or the store is unreachable or does not answer in
         * 2 s, the BU is refused with status 130 (insufficient resources), which a responder retries with
         * backoff, and forwarding goes on from the copy. The agent does not close the store.
         *
         * @param s the store, or null for the embedded one
         * @return this builder
         */
        public Builder store(BindingStore s) {
            this.store = s;
            return this;
        }

        /**
         * The secret of the selection that agents sharing a {@link #store store} use when no {@link #policy} is
         * set: {@link Policies#table} with this key, which every agent of the store must be given alike (the same
         * initiator then reaches the same responder through any of them, also with the kernel data plane, which
         * looks the same table up). Without it they use {@link Policies#rendezvous}, which needs no key and agrees
         * across agents too. Unused with the embedded store.
         *
         * @param key the shared key
         * @return this builder
         */
        public Builder selectionKey(long key) {
            this.selectionKey = key;
            return this;
        }

        /**
         * The most Binding Updates whose write waits for a shared store at once (default 1024); beyond it a BU is
         * refused with status 130, which its responder retries.
         *
         * @param n 1 to 65536
         * @return this builder
         */
        public Builder storePendingLimit(int n) {
            this.storePendingLimit = n;
            return this;
        }

        /**
         * The outer hop limit of tunnelled packets (default 64).
         *
         * @param h 1 to 255
         * @return this builder
         */
        public Builder tunnelHopLimit(int h) {
            this.tunnelHopLimit = h;
            return this;
        }

        /**
         * Where the agent sends packets.
         *
         * @param p the packet sink
         * @return this builder
         */
        public Builder io(PacketIo p) {
            this.io = p;
            return this;
        }

        /**
         * Who hears about registrations, expiries and rejections.
         *
         * @param l the listener
         * @return this builder
         */
        public Builder listener(EventListener<AgentEvent> l) {
            this.listener = l;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if it is incomplete or inconsistent
         */
        public AgentConfig config() {
            return new AgentConfig(address, served, model, policy, responders, maxLifetimeSeconds, maxBindings,
                    maxPerAnycast, hashKey, maxPins, pinIdleNanos, requireReplayProtection, replayWindowNanos, epoch,
                    tunnelHopLimit, peers, refreshRequests, probeTimeoutNanos, maxPerResponder, livenessIntervalNanos,
                    livenessProbesPerSecond, linkMtu, reversePps, reverseBurst, maxPerResponderPerAnycast > 0
                            ? maxPerResponderPerAnycast : Math.max(1, maxPerAnycast / 2), store, storePendingLimit, selectionKey);
        }

        /**
         * Builds the agent.
         *
         * @param nowNanos the current time of the injected clock
         * @return the agent
         * @throws IllegalArgumentException if the configuration is incomplete or inconsistent
         */
        public HomeAnycastAgent build(long nowNanos) {
            if (restore != null && store != null) {
                throw new IllegalArgumentException("a saved state is for the embedded store; a shared store is"
                        + " the state");
            }
            HomeAnycastAgent a = new HomeAnycastAgent(config(), java.util.Objects.requireNonNull(io, "io"), listener,
                    nowNanos);
            if (restore != null) {
                a.restore(restore, nowNanos);
            }
            return a;
        }

        /**
         * Starts the agent from a saved state (see {@link HomeAnycastAgent#snapshot}): its bindings that still fit
         * this configuration come back with the time they had left (converted through the {@link #epochClock
         * epoch clock}), with their sequence numbers, and replay protection holds across the restart: no Binding
         * Update with a timestamp from before it is accepted (RFC 4285 §6). Default: none, an empty cache.
         *
         * @param state the saved state, or null for none
         * @return this builder
         */
        public Builder restore(AgentState state) {
            this.restore = state;
            return this;
        }
    }
}
