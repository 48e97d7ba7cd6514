package io.mga.engine;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.api.SelectionPolicy;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.wire.BaStatus;
import io.mga.wire.Checksums;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.fast.Encapsulation;
import io.mga.wire.fast.Ipv6View;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Home Anycast Agent of MGA (paper §4.2), usable as a Midway Anycast Agent (§4.6): it accepts authenticated
 * Binding Updates from Anycast Responders for the anycast addresses it serves, keeps the anycast binding cache as
 * soft state, tunnels packets sent to an anycast address to a responder's peer unicast address (IPv6-in-IPv6,
 * RFC 2473), and forwards what responders reverse-tunnel to it with the anycast address as source.
 *
 * <p>Registration follows RFC 6275 §10.3.1 with RFC 4285 authentication: a BU must carry a Home Address option
 * naming the anycast address, H=1, and an MN-HA authentication option (last) whose SPI names a configured
 * {@link ResponderCredentials}; then replay protection (RFC 4285 §6), the served prefixes (132), the
 * authorisation list (129), the Binding ID (Advanced Model, RFC 5648), the sequence number (135) and the table
 * bound (130) are checked in that order. Every home registration gets a BA (RFC 6275 §10.3.1), signed with the
 * responder's key, except where RFC 4285 says to drop silently (no authentication option, unknown SPI).
 *
 * <p>Threading: single-threaded; call {@link #receive} and {@link #doWork} from one thread.
 */
public final class HomeAnycastAgent implements Role {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAnycastAgent.class);
    /** RFC 6275 §12 MAX_DELETE_BCE_TIMEOUT: how long a deleted binding's sequence number is remembered. */
    static final long MAX_DELETE_BCE_NANOS = 10_000_000_000L;
    /** Vendor-Specific option carrying weight and load: RFC 5612's documentation enterprise number. */
    public static final long MGA_VENDOR_ID = 32473;
    /** Vendor-Specific subtype 1: weight (16 bits) then load (16 bits). */
    public static final int MGA_SUBTYPE_WEIGHT_LOAD = 1;

    /** Receives the agent's {@link AgentEvent}s, on the agent's thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * One event.
         *
         * @param event what happened
         */
        void onEvent(AgentEvent event);
    }

    /** Counters, read from the agent's thread. */
    public static final class Counters {
        long received;
        long forwarded;
        long reverseForwarded;
        long malformed;
        long noBinding;
        long rejected;
        long dropped;

        /** @return packets handed to the agent */
        public long received() {
            return received;
        }

        /** @return packets tunnelled to a responder */
        public long forwarded() {
            return forwarded;
        }

        /** @return reverse-tunnelled packets decapsulated and sent on */
        public long reverseForwarded() {
            return reverseForwarded;
        }

        /** @return packets that did not parse */
        public long malformed() {
            return malformed;
        }

        /** @return packets to an anycast address with no registered responder */
        public long noBinding() {
            return noBinding;
        }

        /** @return Binding Updates refused (with or without a BA) */
        public long rejected() {
            return rejected;
        }

        /** @return other packets dropped (not for the agent, hop limit, reverse tunnel from an unknown source) */
        public long dropped() {
            return dropped;
        }
    }

    /** A deleted binding's last sequence number, remembered for MAX_DELETE_BCE_TIMEOUT (RFC 6275 §9.5.1). */
    private record SeqKey(int owner, Ipv6Address anycast, int bid) {
    }

    private record DeletedSeq(int sequence, long forgetAt) {
    }

    /** Flag bit of a binding whose timer is at 90% of its lifetime: a Binding Refresh Request is due there. */
    private static final int REFRESH_DUE = 1;

    /** The candidates of one selection: the slots of one anycast address's bindings, reused for every packet. */
    private final class CandidateView implements SelectionPolicy.Candidates {
        final int[] slots;
        int size;

        CandidateView(int max) {
            slots = new int[max];
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public long careOfHigh(int i) {
            return cache.careOfHigh(slots[i]);
        }

        @Override
        public long careOfLow(int i) {
            return cache.careOfLow(slots[i]);
        }

        @Override
        public int bindingId(int i) {
            return cache.bindingId(slots[i]);
        }

        @Override
        public int weight(int i) {
            return cache.weight(slots[i]);
        }

        @Override
        public int load(int i) {
            return cache.load(slots[i]);
        }
    }

    private final Ipv6Address address;
    private final Ipv6Prefix[] servedArray;
    private final Model model;
    private final SelectionPolicy policy;
    private final Map<Long, ResponderCredentials> bySpi = new HashMap<>();
    private final Map<Long, Long> lastTimestamp = new HashMap<>();
    private final int maxLifetimeUnits;
    private final int maxBindings;
    private final long replayWindowNanos;
    private final boolean requireReplayProtection;
    private final long wallOffsetNanos;
    private final int tunnelHopLimit;
    private final PacketIo io;
    private final Listener listener;
    private final List<Ipv6Address> peerAgents;
    private final boolean refreshRequests;
    private final BindingCache cache;
    private final IntTimerWheel timers;
    private final IntTimerWheel.Expiry onTimer = this::bindingTimer;
    private final PinTable pins;
    private final CandidateView candidates;
    private final LinkedHashMap<SeqKey, DeletedSeq> deletedSequences = new LinkedHashMap<>();
    private final List<String> owners = new ArrayList<>();
    private final Map<String, Integer> ownerIds = new HashMap<>();
    private final long addressHigh;
    private final long addressLow;
    private long lastNow;
    private final Ipv6View view = new Ipv6View();
    private final Ipv6View inner = new Ipv6View();
    private final byte[] tx = new byte[Encapsulation.OVERHEAD + 65535 + 40];
    private final MnHaAuth auth = new MnHaAuth();
    private final Counters counters = new Counters();

    private HomeAnycastAgent(Builder b, long nowNanos) {
        this.address = Objects.requireNonNull(b.address, "address");
        if (b.served.isEmpty()) {
            throw new IllegalArgumentException("an agent serves at least one anycast prefix");
        }
        this.servedArray = b.served.toArray(Ipv6Prefix[]::new);
        this.model = b.model;
        this.policy = b.policy != null ? b.policy : (b.model == Model.BASIC ? Policies.first() : Policies.roundRobin());
        for (ResponderCredentials c : b.responders) {
            if (bySpi.put(c.spi(), c) != null) {
                throw new IllegalArgumentException("two responders share SPI " + c.spi());
            }
            if (!ownerIds.containsKey(c.identity())) {
                ownerIds.put(c.identity(), owners.size());
                owners.add(c.identity());
            }
        }
        this.maxLifetimeUnits = b.maxLifetimeUnits;
        this.maxBindings = b.maxBindings;
        this.replayWindowNanos = b.replayWindowNanos;
        this.requireReplayProtection = b.requireReplayProtection;
        this.wallOffsetNanos = b.wallOffsetNanos;
        this.tunnelHopLimit = b.tunnelHopLimit;
        this.io = Objects.requireNonNull(b.io, "io");
        this.listener = b.listener != null ? b.listener : e -> { };
        this.peerAgents = List.copyOf(b.peers);
        this.refreshRequests = b.refreshRequests;
        this.addressHigh = address.high();
        this.addressLow = address.low();
        long key = b.hashKey != null ? b.hashKey : new java.security.SecureRandom().nextLong();
        this.cache = new BindingCache(b.maxBindings, b.model == Model.BASIC ? 1 : b.maxPerAnycast, key);
        this.timers = new IntTimerWheel(10_000_000L, nowNanos, 0);
        // the Basic Model has one binding per anycast address: nothing to pin
        this.pins = b.maxPins > 0 && b.model == Model.ADVANCED
                ? new PinTable(b.maxPins, b.pinIdleNanos, Policies.mix(key ^ 0x5bd1_e995_5bd1_e995L)) : null;
        this.candidates = new CandidateView(cache.maxPerAnycast());
        this.lastNow = nowNanos;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link HomeAnycastAgent}. */
    public static final class Builder {
        private Ipv6Address address;
        private final List<Ipv6Prefix> served = new ArrayList<>();
        private Model model = Model.ADVANCED;
        private SelectionPolicy policy;
        private final List<ResponderCredentials> responders = new ArrayList<>();
        private int maxLifetimeUnits = 1800 / 4;
        private int maxBindings = 10_000;
        private int maxPerAnycast = 256;
        private Long hashKey;
        private int maxPins = 100_000;
        private long pinIdleNanos = 60_000_000_000L;
        private long replayWindowNanos = 7_000_000_000L;
        private boolean requireReplayProtection = true;
        private long wallOffsetNanos = 1_700_000_000_000_000_000L;
        private int tunnelHopLimit = 64;
        private PacketIo io;
        private Listener listener;
        private final List<Ipv6Address> peers = new ArrayList<>();
        private boolean refreshRequests = true;

        private Builder() {
        }

        /**
         * Another agent serving the same anycast home link (paper Fig. 10). DHAAD replies list this agent first,
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
            if (seconds < 4 || seconds > 262_140) {
                throw new IllegalArgumentException("max lifetime must be 4..262140 s");
            }
            this.maxLifetimeUnits = seconds / 4;
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
            if (n < 1 || n > 1 << 27) {
                throw new IllegalArgumentException("maxBindings must be 1..2^27");
            }
            this.maxBindings = n;
            return this;
        }

        /**
         * The secret keying the binding cache's and the pinning table's hashes (default: drawn from
         * {@link java.security.SecureRandom} per agent). Set it only for reproducible tables in tests: a sender
         * who knows it can choose addresses that collide.
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
            if (n < 1 || n > 4096) {
                throw new IllegalArgumentException("maxBindingsPerAnycast must be 1..4096");
            }
            this.maxPerAnycast = n;
            return this;
        }

        /**
         * Session pinning (Advanced Model, paper §4.5): how many (initiator, anycast address) pairs are remembered
         * (default 100,000, rounded up to a multiple of 8; a new pin replaces a stale one or the least recently used
         * of the eight its key hashes to) and after how long without a packet a pin is forgotten (default 60 s).
         * {@code maxPins} 0 turns pinning off.
         *
         * @param maxPins the bound of the pinning table
         * @param idleNanos the idle time in nanoseconds
         * @return this builder
         */
        public Builder pinning(int maxPins, long idleNanos) {
            if (maxPins < 0 || idleNanos <= 0) {
                throw new IllegalArgumentException("pinning bound must be >= 0 and idle time positive");
            }
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
         * Maps the injected clock to wall time for replay-protection timestamps: Unix time in nanoseconds is
         * {@code offset + now}. Agents and responders must agree within the replay window.
         *
         * @param offsetNanos the offset
         * @return this builder
         */
        public Builder wallClockOffset(long offsetNanos) {
            this.wallOffsetNanos = offsetNanos;
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
        public Builder listener(Listener l) {
            this.listener = l;
            return this;
        }

        /**
         * Builds the agent.
         *
         * @param nowNanos the current time of the injected clock
         * @return the agent
         * @throws IllegalArgumentException if the configuration is incomplete or inconsistent
         */
        public HomeAnycastAgent build(long nowNanos) {
            return new HomeAnycastAgent(this, nowNanos);
        }
    }

    /** @return the agent's unicast address */
    public Ipv6Address address() {
        return address;
    }

    /** @return the counters */
    public Counters counters() {
        return counters;
    }

    /**
     * The live bindings of an anycast address, ordered by Binding ID.
     *
     * @param anycast the anycast address
     * @return the bindings (empty when none)
     */
    public List<AnycastBinding> bindings(Ipv6Address anycast) {
        List<AnycastBinding> l = new ArrayList<>();
        for (int s = cache.find(anycast.high(), anycast.low()); s != BindingCache.NONE; s = cache.next(s)) {
            l.add(view(s));
        }
        return List.copyOf(l);
    }

    /** @return the number of live bindings, all anycast addresses together */
    public int bindingCount() {
        return cache.size();
    }

    /**
     * The binding cache itself, for inspection and benchmarks; read it only from the agent's thread, and change it
     * only through the agent.
     *
     * @return the cache
     */
    public BindingCache cache() {
        return cache;
    }

    /** @return the number of pins in force (a scan of the pinning table) */
    public int pinCount() {
        return pins == null ? 0 : pins.count(cache, lastNow);
    }

    @Override
    public int doWork(long nowNanos) {
        lastNow = nowNanos;
        return timers.poll(nowNanos, onTimer);
    }

    @Override
    public long nextDeadline() {
        return timers.nextDeadline();
    }

    private AnycastBinding view(int slot) {
        return new AnycastBinding(new Ipv6Address(cache.anycastHigh(slot), cache.anycastLow(slot)),
                cache.bindingId(slot), new Ipv6Address(cache.careOfHigh(slot), cache.careOfLow(slot)),
                owners.get(cache.owner(slot)), cache.weight(slot), cache.load(slot), cache.expiresAt(slot));
    }

    private boolean serves(long hi, long lo) {
        for (Ipv6Prefix p : servedArray) {
            if (p.contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    private boolean serves(Ipv6Address a) {
        return serves(a.high(), a.low());
    }

    /** Packets whose lookups are started together by {@link #receiveBurst}: about what a core keeps in flight. */
    static final int BURST = 16;
    /**
     * The table size (rows, 36 octets each) from which {@link #receiveBurst} looks ahead: 2<sup>15</sup> rows are
     * 1.1 MiB, about half a server core's L2 cache. Below it the table stays in the caches, and the look-ahead's
     * own work costs more than the misses it hides (measured: 37.4M against 42.7M packets/s at 1k bindings).
     */
    static final int LOOK_AHEAD_ROWS = 1 << 15;
    /** The pin table size (entries, 32 octets each) from which {@link #receiveBurst} looks ahead: 1 MiB. */
    static final int LOOK_AHEAD_PINS = 1 << 15;
    // the burst's look-ahead: each packet's destination and home row, the table layout they were taken under, the
    // packet being handled (-1: none), and what the reads returned (kept so that the JIT cannot drop them)
    private final long[] aheadHigh = new long[BURST];
    private final long[] aheadLow = new long[BURST];
    private final int[] aheadHome = new int[BURST];
    private final long[] aheadSourceHigh = new long[BURST];
    private final long[] aheadSourceLow = new long[BURST];
    private final int[] aheadPinSet = new int[BURST];
    private int aheadLayout;
    private int ahead = -1;
    private long aheadSink;
    /** For tests: lookups that started from a row the look-ahead computed. */
    long aheadHits;

    /**
     * Handles a burst as {@link #receive} would each packet, but, once the binding table or the pin table outgrows
     * the caches ({@value #LOOK_AHEAD_ROWS} rows, {@value #LOOK_AHEAD_PINS} pins), first computes every packet's
     * home row in the binding table (and its set in the pin table) and reads it, {@value #BURST} packets at a
     * time, so that the misses of a whole burst are in flight together (memory-level parallelism) instead of one
     * per packet in turn; each lookup then starts from the row already computed, if the packet's addresses are
     * still those read ahead and the table has not been resized since. The look-ahead only reads; what each packet
     * then does is exactly what {@link #receive} does. A call made from inside a burst (from the sink or a
     * listener) handles its packets one by one.
     *
     * @throws NullPointerException if {@code offsets} or {@code lengths} is null
     */
    @Override
    public void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now) {
        java.util.Objects.checkFromIndexSize(first, count, Math.min(offsets.length, lengths.length));
        int end = first + count;
        boolean aheadPins = pins != null && pins.entries() >= LOOK_AHEAD_PINS;
        // re-entered from inside a burst (a send or a listener calling back): the look-ahead's arrays are the outer
        // burst's, so this one goes one packet at a time
        if (ahead >= 0 || cache.tableRows() < LOOK_AHEAD_ROWS && !aheadPins) {
            for (int i = first; i < end; i++) {
                receive(buffer, offsets[i], lengths[i], now);
            }
            return;
        }
        try {
            for (int b = first, e; b < end; b = e) {
                e = b + Math.min(BURST, end - b);
                long t = 0;
                for (int i = b; i < e; i++) {
                    int off = offsets[i];
                    long dh = Ipv6View.peekDestinationHigh(buffer, off);
                    long dl = Ipv6View.peekDestinationLow(buffer, off);
                    int home = cache.homeRow(dh, dl);
                    aheadHigh[i - b] = dh;
                    aheadLow[i - b] = dl;
                    aheadHome[i - b] = home;
                    t += cache.touchRow(home);
                    if (aheadPins) {
                        long sh = Ipv6View.peekSourceHigh(buffer, off);
                        long sl = Ipv6View.peekSourceLow(buffer, off);
                        int set = pins.setOf(sh, sl, dh, dl);
                        aheadSourceHigh[i - b] = sh;
                        aheadSourceLow[i - b] = sl;
                        aheadPinSet[i - b] = set;
                        t += pins.touch(set);
                    } else {
                        aheadPinSet[i - b] = -1;
                    }
                }
                aheadSink += t;
                aheadLayout = cache.layout();
                for (int i = b; i < e; i++) {
                    ahead = i - b;
                    receive(buffer, offsets[i], lengths[i], now);
                }
            }
        } finally {
            ahead = -1;
        }
    }

    /** The binding table's row for a destination, from the burst's look-ahead when it holds for this packet. */
    private int findRow(long dh, long dl) {
        int k = ahead;
        if (k >= 0 && aheadHigh[k] == dh && aheadLow[k] == dl && aheadLayout == cache.layout()) {
            aheadHits++;
            return cache.findRowFrom(aheadHome[k], dh, dl);
        }
        return cache.findRow(dh, dl);
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long now) {
        counters.received++;
        doWork(now);
        if (!view.wrap(packet, offset, length)) {
            counters.malformed++;
            return;
        }
        long dh = view.destinationHigh();
        long dl = view.destinationLow();
        if (dh == addressHigh && dl == addressLow) {
            int up = view.upperLayerProtocol();
            if (up == 135) {
                control(packet, offset, length, now);
            } else if (up == 41) {
                reverseTunnel(packet, now);
            } else if (up == 58 && view.icmpv6Type() == 1) {
                tunnelError(packet, offset, length, now);
            } else {
                counters.dropped++;
            }
            return;
        }
        if (serves(dh, dl)) {
            if (view.icmpv6Type() == 144 && isHomeAgentsAnycast(dl)) {
                dhaad(packet, offset, length);
                return;
            }
            forward(packet, offset, dh, dl, now);
            return;
        }
        counters.dropped++;
    }

    /** RFC 2526 §3: the Mobile IPv6 Home-Agents subnet anycast (ID 126) of a 64-bit-interface-ID prefix. */
    static final long HOME_AGENTS_ANYCAST_IID = 0xfdff_ffff_ffff_fffeL;

    /**
     * The Mobile IPv6 Home-Agents anycast address of a /64 anycast home prefix, where DHAAD requests go.
     *
     * @param prefix a /64 prefix
     * @return prefix | fdff:ffff:ffff:fffe
     */
    public static Ipv6Address homeAgentsAnycast(Ipv6Prefix prefix) {
        return new Ipv6Address(prefix.address().high(), HOME_AGENTS_ANYCAST_IID);
    }

    private static boolean isHomeAgentsAnycast(long low) {
        return low == HOME_AGENTS_ANYCAST_IID;
    }

    /** RFC 6275 §10.5.1: answer a DHAAD Request with this agent and its peers, straight to the request's source. */
    private void dhaad(byte[] packet, int offset, int length) {
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            counters.malformed++;
            return;
        }
        if (!(p.upper() instanceof io.mga.wire.Icmpv6 i)
                || !(i.message() instanceof io.mga.wire.Icmpv6Message.HaadRequest req) || !Checksums.verify(p)
                || !p.header().source().isUnicastRoutable()) {
            counters.malformed++;
            return;
        }
        List<Ipv6Address> list = new ArrayList<>();
        list.add(address);
        list.addAll(peerAgents);
        // trimmed so that the reply fits in 1280 octets (RFC 6275 §10.5.1)
        List<Ipv6Address> fit = list.subList(0, Math.min(list.size(), (1280 - 48) / 16));
        Ipv6Packet reply = Ipv6Packet.build(Ipv6Header.of(64, address, p.header().source()), List.of(),
                new io.mga.wire.Icmpv6(new io.mga.wire.Icmpv6Message.HaadReply(0, req.identifier(), 0, fit)));
        byte[] b = PacketEncoder.encode(reply);
        io.send(b, 0, b.length);
    }

    // ------------------------------------------------------------------------------------------ data plane

    private void forward(byte[] packet, int offset, long dh, long dl, long now) {
        int row = findRow(dh, dl);
        if (row == BindingCache.NONE) {
            counters.noBinding++;
            return;
        }
        long ch;
        long cl;
        if (!cache.hasMoreAt(row)) { // one binding: everything is in the row just read
            ch = cache.careOfHighAt(row);
            cl = cache.careOfLowAt(row);
        } else {
            int slot = choose(cache.slotAt(row), dh, dl, now);
            ch = cache.careOfHigh(slot);
            cl = cache.careOfLow(slot);
        }
        int len = view.packetLength();
        if (len > 65535) {
            // the outer Payload Length would not fit in 16 bits (RFC 2473 §7.1 asks for Packet Too Big; mga drops)
            counters.dropped++;
            return;
        }
        // forwarding into a tunnel is one hop for the inner packet (RFC 2473 §3.1); read from the packet, not
        // from the copy, so that the read does not wait on the copy's stores
        int hop = packet[offset + 7] & 0xff;
        if (hop <= 1) {
            counters.dropped++;
            return;
        }
        System.arraycopy(packet, offset, tx, Encapsulation.OVERHEAD, len);
        tx[Encapsulation.OVERHEAD + 7] = (byte) (hop - 1);
        int start = Encapsulation.wrapInPlace(tx, Encapsulation.OVERHEAD, len, addressHigh, addressLow, ch, cl,
                tunnelHopLimit);
        counters.forwarded++;
        io.send(tx, start, len + Encapsulation.OVERHEAD);
    }

    /** Advanced Model, several bindings: the initiator's pin if it holds, else the policy's choice, then pinned. */
    private int choose(int head, long dh, long dl, long now) {
        long sh = view.sourceHigh();
        long sl = view.sourceLow();
        int set = -1;
        if (pins != null) {
            set = pinSet(sh, sl, dh, dl);
            int pinned = pins.get(set, sh, sl, dh, dl, cache, now);
            if (pinned != BindingCache.NONE) {
                return pinned;
            }
        }
        int n = 0;
        for (int s = head; s != BindingCache.NONE && n < candidates.slots.length; s = cache.next(s)) {
            candidates.slots[n++] = s;
        }
        candidates.size = n;
        int slot = candidates.slots[Math.floorMod(policy.select(sh, sl, candidates), n)];
        if (pins != null) {
            pins.put(set, sh, sl, slot, cache, now);
        }
        return slot;
    }

    /** The pin table's set for an initiator and anycast address, from the burst's look-ahead when it holds. */
    private int pinSet(long sh, long sl, long dh, long dl) {
        int k = ahead;
        if (k >= 0 && aheadPinSet[k] >= 0 && aheadSourceHigh[k] == sh && aheadSourceLow[k] == sl
                && aheadHigh[k] == dh && aheadLow[k] == dl) {
            return aheadPinSet[k];
        }
        return pins.setOf(sh, sl, dh, dl);
    }

    /** RFC 6275 §10.4.5: a reverse-tunnelled packet's outer source must be the registered care-of address. */
    private void reverseTunnel(byte[] packet, long now) {
        int off = view.upperLayerOffset();
        if (!inner.wrap(packet, off, view.upperLayerLength())) {
            counters.malformed++;
            return;
        }
        boolean ok = false;
        long ch = view.sourceHigh();
        long cl = view.sourceLow();
        for (int s = cache.find(inner.sourceHigh(), inner.sourceLow()); s != BindingCache.NONE; s = cache.next(s)) {
            if (cache.careOfHigh(s) == ch && cache.careOfLow(s) == cl) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            counters.dropped++;
            return;
        }
        int hop = packet[off + 7] & 0xff;
        if (hop <= 1) {
            counters.dropped++;
            return;
        }
        packet[off + 7] = (byte) (hop - 1);
        counters.reverseForwarded++;
        io.send(packet, off, inner.packetLength());
    }

    /**
     * RFC 2473 §8: errors inside a tunnel are reported to its entry point. A Destination Unreachable about a
     * packet this agent tunnelled to a responder means the responder is gone: its bindings for the anycast address
     * named by the quoted inner header are dropped at once
     * instead of waiting for soft state (the hot swap of seed 001, on the agent's side). The responder's next
     * authenticated refresh brings them back if it was a transient failure.
     */
    private void tunnelError(byte[] packet, int offset, int length, long now) {
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            counters.malformed++;
            return;
        }
        if (!(p.upper() instanceof io.mga.wire.Icmpv6 i)
                || !(i.message() instanceof io.mga.wire.Icmpv6Message.DestinationUnreachable du)
                || !Checksums.verify(p)) {
            counters.malformed++;
            return;
        }
        // the invoking packet is our tunnel packet: outer header (us -> care-of, Next Header 41), then the inner
        // header whose destination names the anycast address; routers quote far more than these 80 octets
        // (RFC 4443 §3.1: as much as fits in 1280)
        byte[] inv = du.invoking().toArray();
        if (inv.length < 80 || (inv[0] & 0xf0) != 0x60 || (inv[6] & 0xff) != 41
                || !Ipv6Address.read(inv, 8).equals(address)) {
            counters.dropped++;
            return;
        }
        Ipv6Address dead = Ipv6Address.read(inv, 24);
        Ipv6Address anycast = Ipv6Address.read(inv, 64);
        int s = cache.find(anycast.high(), anycast.low());
        while (s != BindingCache.NONE) {
            int n = cache.next(s);
            if (cache.careOfHigh(s) == dead.high() && cache.careOfLow(s) == dead.low()) {
                AnycastBinding gone = view(s);
                removeBinding(s, cache.sequence(s), now);
                listener.onEvent(new AgentEvent.Unreachable(now, gone));
            }
            s = n;
        }
    }

    // ------------------------------------------------------------------------------------------ control plane

    private void control(byte[] packet, int offset, int length, long now) {
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            counters.malformed++;
            return;
        }
        MobilityHeader mh = (MobilityHeader) p.upper();
        // RFC 6275 §9.2: a wrong checksum or a Payload Proto other than 59 is silently discarded
        if (!Checksums.verify(p) || mh.payloadProto() != 59) {
            counters.malformed++;
            return;
        }
        if (mh.message() instanceof MobilityMessage.BindingUpdate bu) {
            bindingUpdate(p, bu, now);
        } else {
            counters.dropped++;
        }
    }

    private void bindingUpdate(Ipv6Packet p, MobilityMessage.BindingUpdate bu, long now) {
        Ipv6Address src = p.header().source();
        // RFC 6275 §10.3.1: a home registration carries a Home Address option; it names the anycast address
        if (p.homeAddressOption().isEmpty() || !bu.has(MobilityMessage.BindingUpdate.FLAG_H)) {
            drop(now, src, "not a home registration (no Home Address option or H=0)");
            return;
        }
        Ipv6Address anycast = p.homeAddressOption().get().homeAddress();
        // RFC 4285 §5: a BU without the authentication option when one is expected is discarded silently;
        // an unknown SPI (no security association) likewise
        MobilityOption.Authentication a = MnHaAuth.lastAuthentication(bu);
        if (a == null) {
            drop(now, src, "no MN-HA authentication option");
            return;
        }
        ResponderCredentials cred = bySpi.get(a.spi());
        if (cred == null) {
            drop(now, src, "unknown SPI " + a.spi());
            return;
        }
        byte[] key = cred.key().toArray();
        Ipv6Address careOf = bu.option(MobilityOption.AlternateCareOfAddress.class)
                .map(MobilityOption.AlternateCareOfAddress::address).orElse(src);
        Reply reply = new Reply(src, anycast, careOf, bu, key, a.spi());
        // RFC 4285 §5.1: verification fails and an SA exists: BA with status 146
        if (!auth.verify(key, careOf, anycast, bu)) {
            reject(reply, now, BaStatus.MIPV6_AUTH_FAIL.code(), "authentication failed");
            return;
        }
        // RFC 4285 §6: the timestamp must be newer than any accepted before and close to our clock
        java.util.Optional<MobilityOption.ReplayProtection> rp = bu.option(MobilityOption.ReplayProtection.class);
        if (rp.isEmpty()) {
            if (requireReplayProtection) {
                reject(reply, now, BaStatus.MIPV6_MESG_ID_REQD.code(), "replay protection required");
                return;
            }
        } else {
            long ts = rp.get().timestamp();
            long ours = Ntp.fromUnixNanos(wallOffsetNanos + now);
            Long last = lastTimestamp.get(cred.spi());
            if (Math.abs(Ntp.diffNanos(ts, ours)) > replayWindowNanos
                    || (last != null && Long.compareUnsigned(ts, last) <= 0)) {
                reply.timestamp = (ours & 0xffff_ffff_0000_0000L) | (ts & 0xffff_ffffL);
                reject(reply, now, BaStatus.MIPV6_ID_MISMATCH.code(), "replayed or stale timestamp");
                return;
            }
            lastTimestamp.put(cred.spi(), ts);
            reply.timestamp = ts;
        }
        if (!serves(anycast) || anycast.isUnspecified()) { // :: is no anycast address, whatever is served
            reject(reply, now, BaStatus.NOT_HOME_SUBNET.code(), anycast + " is not served here");
            return;
        }
        if (!cred.mayServe(anycast)) {
            reject(reply, now, BaStatus.ADMINISTRATIVELY_PROHIBITED.code(),
                    cred.identity() + " may not serve " + anycast);
            return;
        }
        java.util.Optional<MobilityOption.BindingIdentifier> bidOpt =
                bu.option(MobilityOption.BindingIdentifier.class);
        int bid = 0;
        if (model == Model.ADVANCED) {
            if (bidOpt.isEmpty() || bidOpt.get().bid() == 0) {
                // RFC 5648 §4.4, §6: a malformed or missing Binding Identifier
                reject(reply, now, BaStatus.MCOA_MALFORMED.code(), "Advanced Model needs a Binding Identifier");
                return;
            }
            bid = bidOpt.get().bid();
            reply.bid = bid;
            careOf = bidOpt.get().ipv6CareOfAddress().orElse(careOf);
        }
        if (!careOf.isUnicastRoutable()) {
            reject(reply, now, BaStatus.INVALID_CARE_OF_ADDRESS.code(), "care-of address not unicast routable");
            return;
        }
        int ownerId = ownerIds.get(cred.identity());
        int existing = cache.find(anycast.high(), anycast.low(), bid);
        // RFC 6275 §9.5.1: the sequence number must be newer than the last accepted for this binding, also for a
        // while after it was deleted (MAX_DELETE_BCE_TIMEOUT)
        SeqKey sk = new SeqKey(ownerId, anycast, bid);
        int last = -1;
        if (existing != BindingCache.NONE && cache.owner(existing) == ownerId) {
            last = cache.sequence(existing);
        } else {
            DeletedSeq d = deletedSequences.get(sk);
            if (d != null && d.forgetAt() - now > 0) {
                last = d.sequence();
            }
        }
        if (last >= 0 && !Sequence.isNewer(bu.sequence(), last)) {
            reply.sequence = last;
            reject(reply, now, BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code(), "sequence number out of window");
            return;
        }
        boolean dereg = bu.lifetime() == 0 || careOf.equals(anycast);
        if (dereg) {
            // RFC 6275 §10.3.2: no binding for this MN: 133; else BA 0 with lifetime 0
            if (existing == BindingCache.NONE || cache.owner(existing) != ownerId) {
                reject(reply, now, BaStatus.NOT_HOME_AGENT_FOR_THIS_MN.code(), "no binding to delete");
                return;
            }
            AnycastBinding gone = view(existing);
            removeBinding(existing, bu.sequence(), now);
            listener.onEvent(new AgentEvent.Deregistered(now, gone));
            sendBa(reply, now, BaStatus.ACCEPTED.code(), 0);
            return;
        }
        if (existing != BindingCache.NONE && model == Model.ADVANCED && cache.owner(existing) != ownerId) {
            reject(reply, now, BaStatus.ADMINISTRATIVELY_PROHIBITED.code(),
                    "binding id " + bid + " belongs to " + owners.get(cache.owner(existing)));
            return;
        }
        int slot = existing;
        if (slot == BindingCache.NONE) {
            slot = cache.insert(anycast.high(), anycast.low(), bid, ownerId);
            if (slot == BindingCache.NONE) {
                reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), cache.size() >= cache.maxBindings()
                        ? "binding cache full" : "too many bindings for " + anycast);
                return;
            }
        }
        AnycastBinding before = existing == BindingCache.NONE ? null : view(existing);
        deletedSequences.remove(sk);
        // a new owner (Basic Model overwrite) changes the slot's generation: pins to the old responder lapse
        cache.setOwner(slot, ownerId);
        int granted = Math.min(bu.lifetime(), maxLifetimeUnits);
        long expires = now + granted * 4_000_000_000L;
        int weight = cache.weight(slot);
        int load = cache.load(slot);
        java.util.Optional<MobilityOption.VendorSpecific> wl = bu.option(MobilityOption.VendorSpecific.class)
                .filter(v -> v.vendorId() == MGA_VENDOR_ID && v.subtype() == MGA_SUBTYPE_WEIGHT_LOAD
                        && v.data().length() >= 4);
        if (wl.isPresent()) {
            Bytes d = wl.get().data();
            weight = d.get(0) << 8 | d.get(1);
            load = d.get(2) << 8 | d.get(3);
        }
        cache.update(slot, careOf.high(), careOf.low(), bu.sequence(), weight, load, expires);
        if (refreshRequests) {
            cache.setFlags(slot, REFRESH_DUE);
            timers.schedule(slot, now + granted * 4_000_000_000L * 9 / 10);
        } else {
            cache.setFlags(slot, 0);
            timers.schedule(slot, expires);
        }
        AnycastBinding after = view(slot);
        if (before == null) {
            listener.onEvent(new AgentEvent.Registered(now, after));
        } else if (!before.responder().equals(after.responder())) {
            listener.onEvent(new AgentEvent.Overwritten(now, before, after));
        } else {
            listener.onEvent(new AgentEvent.Refreshed(now, after));
        }
        sendBa(reply, now, BaStatus.ACCEPTED.code(), granted);
    }

    /** A binding's timer: at 90% of its lifetime a Binding Refresh Request (if enabled), at the end expiry. */
    private void bindingTimer(int slot, long now) {
        if (!cache.isLive(slot)) {
            return;
        }
        if ((cache.flags(slot) & REFRESH_DUE) != 0) {
            cache.setFlags(slot, 0);
            refreshRequest(slot);
            timers.schedule(slot, cache.expiresAt(slot));
            return;
        }
        AnycastBinding gone = view(slot);
        removeBinding(slot, cache.sequence(slot), now);
        LOG.debug("binding expired: {}", gone);
        listener.onEvent(new AgentEvent.Expired(now, gone));
    }

    /**
     * Removes a binding and remembers its last sequence number for MAX_DELETE_BCE_TIMEOUT. The memory is bounded:
     * past twice the binding bound, lapsed entries go, then the oldest.
     */
    private void removeBinding(int slot, int sequence, long now) {
        SeqKey k = new SeqKey(cache.owner(slot), new Ipv6Address(cache.anycastHigh(slot), cache.anycastLow(slot)),
                cache.bindingId(slot));
        timers.cancel(slot);
        cache.remove(slot);
        deletedSequences.remove(k);
        deletedSequences.put(k, new DeletedSeq(sequence, now + MAX_DELETE_BCE_NANOS));
        int bound = 2 * maxBindings + 1024;
        if (deletedSequences.size() > bound) {
            deletedSequences.values().removeIf(x -> x.forgetAt() - now <= 0);
            java.util.Iterator<SeqKey> it = deletedSequences.keySet().iterator();
            while (deletedSequences.size() > bound && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    /** RFC 6275 §6.1.2: ask the responder to refresh; sent like a BA, with a type 2 routing header. */
    private void refreshRequest(int slot) {
        Ipv6Packet p = Ipv6Packet.build(
                Ipv6Header.of(64, address, new Ipv6Address(cache.careOfHigh(slot), cache.careOfLow(slot))),
                List.of(ExtensionHeader.Type2Routing.of(new Ipv6Address(cache.anycastHigh(slot),
                        cache.anycastLow(slot)))),
                new MobilityHeader(MobilityMessage.BindingRefreshRequest.of()));
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }

    /** What a BA answering a BU needs. */
    private static final class Reply {
        final Ipv6Address to;
        final Ipv6Address anycast;
        final Ipv6Address careOf;
        final MobilityMessage.BindingUpdate bu;
        final byte[] key;
        final long spi;
        int sequence;
        int bid;
        Long timestamp;

        Reply(Ipv6Address to, Ipv6Address anycast, Ipv6Address careOf, MobilityMessage.BindingUpdate bu, byte[] key,
                long spi) {
            this.to = to;
            this.anycast = anycast;
            this.careOf = careOf;
            this.bu = bu;
            this.key = key;
            this.spi = spi;
            this.sequence = bu.sequence();
        }
    }

    private void drop(long now, Ipv6Address from, String reason) {
        counters.rejected++;
        LOG.debug("BU from {} dropped: {}", from, reason);
        listener.onEvent(new AgentEvent.Rejected(now, from, -1, reason));
    }

    private void reject(Reply r, long now, int status, String reason) {
        counters.rejected++;
        LOG.debug("BU from {} rejected with {}: {}", r.to, status, reason);
        listener.onEvent(new AgentEvent.Rejected(now, r.to, status, reason));
        sendBa(r, now, status, 0);
    }

    /** A BA to the BU's source, through a type 2 routing header naming the anycast address (RFC 6275 §9.5.4). */
    private void sendBa(Reply r, long now, int status, int lifetime) {
        List<MobilityOption> opts = new ArrayList<>();
        if (r.bid != 0) {
            opts.add(MobilityOption.BindingIdentifier.of(r.bid, 0));
        }
        if (status < 128 && lifetime >= 2) {
            // RFC 6275 §6.2.4: the refresh interval must be less than the granted lifetime
            opts.add(new MobilityOption.BindingRefreshAdvice(lifetime * 4 / 5));
        }
        if (r.timestamp != null) {
            opts.add(new MobilityOption.ReplayProtection(r.timestamp));
        }
        // RFC 4285 §5.1: the HA MUST echo the authentication option in the BA
        opts.add(new MobilityOption.Authentication(MobilityOption.Authentication.MN_HA, r.spi,
                Bytes.zeros(MnHaAuth.MAC_LENGTH)));
        MobilityMessage.BindingAcknowledgement ba = MobilityMessage.BindingAcknowledgement.of(status, 0, r.sequence,
                lifetime, opts.toArray(MobilityOption[]::new));
        MobilityMessage signed = auth.sign(r.key, r.careOf, r.anycast, ba,
                o -> new MobilityMessage.BindingAcknowledgement(status, 0, r.sequence, lifetime, o));
        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, address, r.to),
                List.of(ExtensionHeader.Type2Routing.of(r.anycast)), new MobilityHeader(signed));
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }
}
