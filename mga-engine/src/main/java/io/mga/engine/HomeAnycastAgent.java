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

    /** One binding (or, when {@code valid} is false, the remembered sequence number of a deleted one). */
    private static final class Entry {
        final Ipv6Address anycast;
        final int bid;
        Ipv6Address careOf;
        String responder;
        int weight = 1;
        int load;
        long expiresAt;
        TimerWheel.Timer timer;
        TimerWheel.Timer refreshTimer;
        AnycastBinding view;

        Entry(Ipv6Address anycast, int bid) {
            this.anycast = anycast;
            this.bid = bid;
        }

        AnycastBinding toBinding() {
            return new AnycastBinding(anycast, bid, careOf, responder, weight, load, expiresAt);
        }
    }

    /** The bindings of one anycast address, ordered by Binding ID. */
    private static final class Group {
        final List<Entry> entries = new ArrayList<>();
        List<AnycastBinding> views = List.of();

        void refreshViews() {
            entries.sort((a, b) -> Integer.compare(a.bid, b.bid));
            List<AnycastBinding> v = new ArrayList<>(entries.size());
            for (Entry e : entries) {
                e.view = e.toBinding();
                v.add(e.view);
            }
            views = List.copyOf(v);
        }
    }

    /** The last accepted sequence number of one (responder, anycast, BID), kept while its binding lives + 10 s. */
    private record SeqKey(String responder, Ipv6Address anycast, int bid) {
    }

    private static final class SeqState {
        int sequence;
        long forgetAt = Long.MAX_VALUE;
    }

    private record Pin(Entry entry, long lastUsed) {
    }

    private final Ipv6Address address;
    private final List<Ipv6Prefix> served;
    private final Model model;
    private final SelectionPolicy policy;
    private final Map<Long, ResponderCredentials> bySpi = new HashMap<>();
    private final Map<Long, Long> lastTimestamp = new HashMap<>();
    private final int maxLifetimeUnits;
    private final int maxBindings;
    private final int maxPins;
    private final long pinIdleNanos;
    private final long replayWindowNanos;
    private final boolean requireReplayProtection;
    private final long wallOffsetNanos;
    private final int tunnelHopLimit;
    private final PacketIo io;
    private final Listener listener;
    private final List<Ipv6Address> peerAgents;
    private final boolean refreshRequests;
    private final TimerWheel wheel;
    private final Map<Ipv6Address, Group> groups = new HashMap<>();
    private final Map<SeqKey, SeqState> sequences = new HashMap<>();
    private final LinkedHashMap<Ipv6Address, Pin> pins;
    private final Ipv6View view = new Ipv6View();
    private final Ipv6View inner = new Ipv6View();
    private final byte[] tx = new byte[Encapsulation.OVERHEAD + 65535 + 40];
    private final MnHaAuth auth = new MnHaAuth();
    private final Counters counters = new Counters();
    private int bindingCount;

    private HomeAnycastAgent(Builder b, long nowNanos) {
        this.address = Objects.requireNonNull(b.address, "address");
        if (b.served.isEmpty()) {
            throw new IllegalArgumentException("an agent serves at least one anycast prefix");
        }
        this.served = List.copyOf(b.served);
        this.model = b.model;
        this.policy = b.policy != null ? b.policy : (b.model == Model.BASIC ? Policies.first() : Policies.roundRobin());
        for (ResponderCredentials c : b.responders) {
            if (bySpi.put(c.spi(), c) != null) {
                throw new IllegalArgumentException("two responders share SPI " + c.spi());
            }
        }
        this.maxLifetimeUnits = b.maxLifetimeUnits;
        this.maxBindings = b.maxBindings;
        this.maxPins = b.maxPins;
        this.pinIdleNanos = b.pinIdleNanos;
        this.replayWindowNanos = b.replayWindowNanos;
        this.requireReplayProtection = b.requireReplayProtection;
        this.wallOffsetNanos = b.wallOffsetNanos;
        this.tunnelHopLimit = b.tunnelHopLimit;
        this.io = Objects.requireNonNull(b.io, "io");
        this.listener = b.listener != null ? b.listener : e -> { };
        this.peerAgents = List.copyOf(b.peers);
        this.refreshRequests = b.refreshRequests;
        this.wheel = new TimerWheel(10_000_000L, 1024, nowNanos);
        this.pins = new LinkedHashMap<>(16, 0.75f, true);
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
         * @param n at least 1
         * @return this builder
         */
        public Builder maxBindings(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBindings must be positive");
            }
            this.maxBindings = n;
            return this;
        }

        /**
         * Session pinning (Advanced Model, paper §4.5): how many initiators are remembered (default 100,000; the
         * least recently used is evicted) and after how long without a packet a pin is forgotten (default 60 s).
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
        Group g = groups.get(anycast);
        return g == null ? List.of() : g.views;
    }

    /** @return the number of live bindings, all anycast addresses together */
    public int bindingCount() {
        return bindingCount;
    }

    /** @return the number of pinned initiators */
    public int pinCount() {
        return pins.size();
    }

    @Override
    public int doWork(long nowNanos) {
        return wheel.poll(nowNanos);
    }

    @Override
    public long nextDeadline() {
        return wheel.nextDeadline();
    }

    private boolean serves(long hi, long lo) {
        for (Ipv6Prefix p : served) {
            if (p.contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    private boolean serves(Ipv6Address a) {
        return serves(a.high(), a.low());
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long now) {
        counters.received++;
        wheel.poll(now);
        if (!view.wrap(packet, offset, length)) {
            counters.malformed++;
            return;
        }
        if (view.destinationEquals(address)) {
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
        if (serves(view.destinationHigh(), view.destinationLow())) {
            if (view.icmpv6Type() == 144 && isHomeAgentsAnycast(view.destinationLow())) {
                dhaad(packet, offset, length);
                return;
            }
            forward(packet, offset, now);
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

    private void forward(byte[] packet, int offset, long now) {
        Ipv6Address dst = new Ipv6Address(view.destinationHigh(), view.destinationLow());
        Group g = groups.get(dst);
        if (g == null || g.entries.isEmpty()) {
            counters.noBinding++;
            return;
        }
        Entry e = choose(g, now);
        int len = view.packetLength();
        System.arraycopy(packet, offset, tx, Encapsulation.OVERHEAD, len);
        // forwarding into a tunnel is one hop for the inner packet (RFC 2473 §3.1)
        int hop = tx[Encapsulation.OVERHEAD + 7] & 0xff;
        if (hop <= 1) {
            counters.dropped++;
            return;
        }
        tx[Encapsulation.OVERHEAD + 7] = (byte) (hop - 1);
        int start = Encapsulation.wrapInPlace(tx, Encapsulation.OVERHEAD, len, address, e.careOf, tunnelHopLimit);
        counters.forwarded++;
        io.send(tx, start, len + Encapsulation.OVERHEAD);
    }

    private Entry choose(Group g, long now) {
        if (g.entries.size() == 1 || model == Model.BASIC) {
            return g.entries.get(0);
        }
        Ipv6Address src = null;
        if (maxPins > 0) {
            src = new Ipv6Address(view.sourceHigh(), view.sourceLow());
            Pin pin = pins.get(src);
            if (pin != null && pin.entry().timer != null && pin.entry().timer.isPending()
                    && now - pin.lastUsed() < pinIdleNanos && g.entries.contains(pin.entry())) {
                pins.put(src, new Pin(pin.entry(), now));
                return pin.entry();
            }
        }
        if (src == null) {
            src = new Ipv6Address(view.sourceHigh(), view.sourceLow());
        }
        int i = policy.select(src, g.views);
        Entry e = g.entries.get(Math.floorMod(i, g.entries.size()));
        if (maxPins > 0) {
            pins.put(src, new Pin(e, now));
            if (pins.size() > maxPins) {
                Ipv6Address eldest = pins.keySet().iterator().next();
                pins.remove(eldest);
            }
        }
        return e;
    }

    /** RFC 6275 §10.4.5: a reverse-tunnelled packet's outer source must be the registered care-of address. */
    private void reverseTunnel(byte[] packet, long now) {
        int off = view.upperLayerOffset();
        if (!inner.wrap(packet, off, view.upperLayerLength())) {
            counters.malformed++;
            return;
        }
        Ipv6Address anycast = new Ipv6Address(inner.sourceHigh(), inner.sourceLow());
        Group g = groups.get(anycast);
        boolean ok = false;
        if (g != null) {
            for (Entry e : g.entries) {
                if (view.sourceEquals(e.careOf)) {
                    ok = true;
                    break;
                }
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
     * packet this agent tunnelled to a responder means the responder is gone: its bindings are dropped at once
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
        io.mga.wire.PartialPacket inv = du.invokingPacket(1);
        if (inv.header() == null || !inv.header().source().equals(address) || inv.nextHeader() != 41) {
            counters.dropped++;
            return;
        }
        Ipv6Address dead = inv.header().destination();
        for (Group g : new ArrayList<>(groups.values())) {
            for (Entry e : new ArrayList<>(g.entries)) {
                if (e.careOf.equals(dead)) {
                    AnycastBinding gone = e.view;
                    remove(g, e);
                    listener.onEvent(new AgentEvent.Unreachable(now, gone));
                }
            }
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
        if (!serves(anycast)) {
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
        SeqKey sk = new SeqKey(cred.identity(), anycast, bid);
        SeqState seq = sequences.get(sk);
        if (seq != null && seq.forgetAt - now > 0 && !Sequence.isNewer(bu.sequence(), seq.sequence)) {
            reply.sequence = seq.sequence;
            reject(reply, now, BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code(), "sequence number out of window");
            return;
        }
        Group g = groups.get(anycast);
        Entry existing = null;
        if (g != null) {
            for (Entry e : g.entries) {
                if (e.bid == bid) {
                    existing = e;
                }
            }
        }
        boolean dereg = bu.lifetime() == 0 || careOf.equals(anycast);
        if (dereg) {
            // RFC 6275 §10.3.2: no binding for this MN: 133; else BA 0 with lifetime 0
            if (existing == null || !existing.responder.equals(cred.identity())) {
                reject(reply, now, BaStatus.NOT_HOME_AGENT_FOR_THIS_MN.code(), "no binding to delete");
                return;
            }
            remember(sk, bu.sequence(), now + MAX_DELETE_BCE_NANOS, now);
            AnycastBinding gone = existing.view;
            remove(g, existing);
            listener.onEvent(new AgentEvent.Deregistered(now, gone));
            sendBa(reply, now, BaStatus.ACCEPTED.code(), 0);
            return;
        }
        if (existing != null && model == Model.ADVANCED && !existing.responder.equals(cred.identity())) {
            reject(reply, now, BaStatus.ADMINISTRATIVELY_PROHIBITED.code(),
                    "binding id " + bid + " belongs to " + existing.responder);
            return;
        }
        if (existing == null && bindingCount >= maxBindings) {
            reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), "binding cache full");
            return;
        }
        int granted = Math.min(bu.lifetime(), maxLifetimeUnits);
        long expires = now + granted * 4_000_000_000L;
        remember(sk, bu.sequence(), Long.MAX_VALUE, now);
        if (g == null) {
            g = new Group();
            groups.put(anycast, g);
        }
        AnycastBinding before = existing == null ? null : existing.view;
        String previousResponder = existing == null ? null : existing.responder;
        Entry e = existing;
        if (e == null) {
            e = new Entry(anycast, bid);
            g.entries.add(e);
            bindingCount++;
            Entry fe = e;
            Group fg = g;
            e.timer = wheel.schedule(expires, t -> expire(fg, fe, t));
        } else {
            wheel.reschedule(e.timer, expires);
        }
        if (refreshRequests) {
            Entry fe = e;
            long at = now + granted * 4_000_000_000L * 9 / 10;
            wheel.cancel(e.refreshTimer);
            e.refreshTimer = wheel.schedule(at, t -> refreshRequest(fe));
        }
        if (previousResponder != null && !previousResponder.equals(cred.identity())) {
            // the previous owner's sequence state no longer guards this binding (Basic Model overwrite)
            sequences.remove(new SeqKey(previousResponder, anycast, bid));
        }
        e.careOf = careOf;
        e.responder = cred.identity();
        e.expiresAt = expires;
        java.util.Optional<MobilityOption.VendorSpecific> wl = bu.option(MobilityOption.VendorSpecific.class)
                .filter(v -> v.vendorId() == MGA_VENDOR_ID && v.subtype() == MGA_SUBTYPE_WEIGHT_LOAD
                        && v.data().length() >= 4);
        if (wl.isPresent()) {
            Bytes d = wl.get().data();
            e.weight = d.get(0) << 8 | d.get(1);
            e.load = d.get(2) << 8 | d.get(3);
        }
        g.refreshViews();
        if (before == null) {
            listener.onEvent(new AgentEvent.Registered(now, e.view));
        } else if (!before.responder().equals(e.responder)) {
            dropPinsTo(e);
            listener.onEvent(new AgentEvent.Overwritten(now, before, e.view));
        } else {
            listener.onEvent(new AgentEvent.Refreshed(now, e.view));
        }
        sendBa(reply, now, BaStatus.ACCEPTED.code(), granted);
    }

    /**
     * Records the last accepted sequence number of (responder, anycast, BID); {@code forgetAt} is
     * {@link Long#MAX_VALUE} while the binding lives. The table is bounded: past twice the binding bound, the
     * remembered numbers of deleted bindings whose MAX_DELETE_BCE_TIMEOUT has run out are forgotten first.
     */
    private void remember(SeqKey k, int sequence, long forgetAt, long now) {
        SeqState s = sequences.computeIfAbsent(k, x -> new SeqState());
        s.sequence = sequence;
        s.forgetAt = forgetAt;
        if (sequences.size() > 2 * maxBindings + 1024) {
            sequences.values().removeIf(x -> x.forgetAt != Long.MAX_VALUE && x.forgetAt - now <= 0);
        }
    }

    private void expire(Group g, Entry e, long now) {
        SeqState s = sequences.get(new SeqKey(e.responder, e.anycast, e.bid));
        if (s != null) {
            s.forgetAt = now + MAX_DELETE_BCE_NANOS;
        }
        AnycastBinding gone = e.view;
        remove(g, e);
        LOG.debug("binding expired: {}", gone);
        listener.onEvent(new AgentEvent.Expired(now, gone));
    }

    private void remove(Group g, Entry e) {
        wheel.cancel(e.timer);
        wheel.cancel(e.refreshTimer);
        g.entries.remove(e);
        bindingCount--;
        dropPinsTo(e);
        if (g.entries.isEmpty()) {
            groups.remove(e.anycast);
        } else {
            g.refreshViews();
        }
    }

    /** RFC 6275 §6.1.2: ask the responder to refresh; sent like a BA, with a type 2 routing header. */
    private void refreshRequest(Entry e) {
        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, address, e.careOf),
                List.of(ExtensionHeader.Type2Routing.of(e.anycast)),
                new MobilityHeader(MobilityMessage.BindingRefreshRequest.of()));
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }

    private void dropPinsTo(Entry e) {
        pins.values().removeIf(p -> p.entry() == e);
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
