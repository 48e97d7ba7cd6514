package io.mga.engine;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.wire.BaStatus;
import io.mga.wire.Checksums;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Tunnel;
import io.mga.wire.Udp;
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
 * An Anycast Responder (the mobile node of MGA, paper §4.2): it registers its peer unicast address for an anycast
 * address with one or more agents, keeps the registrations alive, receives what the agents tunnel to it, hands
 * UDP datagrams to the service and answers ICMPv6 Echo, and replies through the reverse tunnel with the anycast
 * address as source.
 *
 * <p>Registration (RFC 6275 §11.7.1, §11.8; RFC 4285): a BU with H=1, A=1, the Home Address option (the anycast
 * address), an Alternate Care-of Address option, the Binding Identifier (Advanced Model), the weight/load
 * Vendor-Specific option, the replay-protection timestamp, and the MN-HA authentication option last. The first
 * retransmission timer is InitialBindackTimeoutFirstReg (1.5 s), later ones INITIAL_BINDACK_TIMEOUT (1 s),
 * doubling to MAX_BINDACK_TIMEOUT (32 s) and continuing at that rate; every retransmission uses a new sequence
 * number. Refreshes come at the agent's Binding Refresh Advice, or at 80% of the granted lifetime.
 *
 * <p>Threading: single-threaded; call everything from one thread.
 */
public final class AnycastResponder implements Role {
    private static final Logger LOG = LoggerFactory.getLogger(AnycastResponder.class);
    static final long FIRST_REG_TIMEOUT = 1_500_000_000L;
    static final long INITIAL_BINDACK_TIMEOUT = 1_000_000_000L;
    static final long MAX_BINDACK_TIMEOUT = 32_000_000_000L;

    /** A UDP service on the anycast address. */
    @FunctionalInterface
    public interface UdpService {
        /**
         * Handles one datagram.
         *
         * @param from the initiator's address
         * @param fromPort the initiator's port
         * @param payload the datagram's data
         * @return the reply's data, or null for no reply
         */
        Bytes handle(Ipv6Address from, int fromPort, Bytes payload);
    }

    /** Registration state toward one agent. */
    public enum State {
        /** Not registered and not trying. */
        IDLE,
        /** A BU is outstanding. */
        REGISTERING,
        /** Acknowledged; refreshes are scheduled. */
        REGISTERED,
        /** A deregistration (lifetime 0) is outstanding. */
        DEREGISTERING,
        /** The agent refused permanently (status reported); no more BUs are sent to it. */
        FAILED
    }

    /** Receives the responder's events on its thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Something happened toward an agent.
         *
         * @param timeNanos when
         * @param agent which agent
         * @param state the new state
         * @param status the BA status that caused it, or -1
         */
        void onStateChange(long timeNanos, Ipv6Address agent, State state, int status);
    }

    private final class AgentLink {
        final Ipv6Address agent;
        State state = State.IDLE;
        int sequence;
        int outstanding = -1;
        long timeout;
        int retransmissions;
        TimerWheel.Timer timer;
        long lastRefreshRequest = Long.MIN_VALUE / 2;

        AgentLink(Ipv6Address agent, int firstSequence) {
            this.agent = agent;
            this.sequence = firstSequence;
        }
    }

    private final Ipv6Address anycast;
    private final Ipv6Address careOf;
    private final String identity;
    private final long spi;
    private final byte[] key;
    private final int bindingId;
    private final int lifetimeUnits;
    private final int weight;
    private final int load;
    private long wallOffsetNanos;
    private final PacketIo io;
    private final Listener listener;
    private final Map<Integer, UdpService> services;
    private final Map<Ipv6Address, AgentLink> agents = new LinkedHashMap<>();
    private final Map<Ipv6Address, Peer> peers = new HashMap<>();
    private final boolean routeOptimisation;
    private final int maxPeers;
    private final java.util.Random cookies;
    private final io.mga.api.Ipv6Prefix discovery;
    private int dhaadId = -1;
    private int dhaadTries;
    private long dhaadTimeout;
    private TimerWheel.Timer dhaadTimer;
    /** RFC 6275 §12 DHAAD_RETRIES and INITIAL_DHAAD_TIMEOUT. */
    static final int DHAAD_RETRIES = 4;
    static final long INITIAL_DHAAD_TIMEOUT = 3_000_000_000L;
    static final int MAX_AGENTS = 8;
    private final io.mga.engine.crypto.ReturnRoutability rr = new io.mga.engine.crypto.ReturnRoutability();
    private final TimerWheel wheel;
    private final MnHaAuth auth = new MnHaAuth();
    private final Ipv6View view = new Ipv6View();
    private long served;
    private long malformed;
    private long ntpLast;

    private AnycastResponder(Builder b, long now) {
        this.anycast = Objects.requireNonNull(b.anycast, "anycast");
        this.careOf = Objects.requireNonNull(b.careOf, "careOf");
        this.identity = Objects.requireNonNull(b.identity, "identity");
        this.spi = b.spi;
        this.key = Objects.requireNonNull(b.key, "key").toArray();
        this.bindingId = b.bindingId;
        this.lifetimeUnits = b.lifetimeSeconds / 4;
        this.weight = b.weight;
        this.load = b.load;
        this.wallOffsetNanos = b.wallOffsetNanos;
        this.io = Objects.requireNonNull(b.io, "io");
        this.listener = b.listener != null ? b.listener : (t, a, s, st) -> { };
        this.services = new HashMap<>(b.services);
        if (b.agents.isEmpty() && b.discovery == null) {
            throw new IllegalArgumentException("a responder registers with at least one agent, or discovers them");
        }
        this.discovery = b.discovery;
        this.routeOptimisation = b.routeOptimisation;
        this.maxPeers = b.maxPeers;
        this.cookies = new java.util.Random(b.seed * 31 + 7);
        java.util.Random r = new java.util.Random(b.seed);
        for (Ipv6Address a : b.agents) {
            // RFC 6275 §11.7.1: with no Binding Update List entry, start from a random sequence number
            agents.put(a, new AgentLink(a, r.nextInt(0x10000)));
        }
        this.wheel = new TimerWheel(10_000_000L, now);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures an {@link AnycastResponder}. */
    public static final class Builder {
        private Ipv6Address anycast;
        private Ipv6Address careOf;
        private final List<Ipv6Address> agents = new ArrayList<>();
        private String identity;
        private long spi;
        private Bytes key;
        private int bindingId;
        private int lifetimeSeconds = 300;
        private int weight = 1;
        private int load;
        private long wallOffsetNanos = 1_700_000_000_000_000_000L;
        private long seed = 1;
        private PacketIo io;
        private Listener listener;
        private final Map<Integer, UdpService> services = new HashMap<>();
        private boolean routeOptimisation = true;
        private int maxPeers = 1024;
        private io.mga.api.Ipv6Prefix discovery;

        private Builder() {
        }

        /**
         * Finds the agents of an anycast home link with Dynamic Home Agent Address Discovery (RFC 6275 §11.4.1): a
         * request to the link's Home-Agents anycast address, retried DHAAD_RETRIES (4) times from
         * INITIAL_DHAAD_TIMEOUT (3 s), doubling; then registration with every agent in the reply (at most 8).
         *
         * @param anycastHomePrefix the /64 prefix of the anycast home link
         * @return this builder
         */
        public Builder discoverAgents(io.mga.api.Ipv6Prefix anycastHomePrefix) {
            this.discovery = anycastHomePrefix;
            return this;
        }

        /**
         * Route optimisation toward MIPv6-capable initiators (paper §4.5, Fig. 8; default on): return routability,
         * then direct packets with the Home Address option. Initiators that do not answer (plain hosts) are served
         * through the agent's tunnel after MAX_RO_FAILURE attempts, or at once on a Parameter Problem.
         *
         * @param enabled true to try route optimisation
         * @param maxCorrespondents bound of the per-initiator table (default 1024); beyond it, no new attempts
         * @return this builder
         */
        public Builder routeOptimisation(boolean enabled, int maxCorrespondents) {
            this.routeOptimisation = enabled;
            this.maxPeers = maxCorrespondents;
            return this;
        }

        /**
         * @param a the anycast address this responder serves
         * @return this builder
         */
        public Builder anycast(Ipv6Address a) {
            this.anycast = a;
            return this;
        }

        /**
         * @param a this responder's peer unicast address (its care-of address)
         * @return this builder
         */
        public Builder careOf(Ipv6Address a) {
            this.careOf = a;
            return this;
        }

        /**
         * An agent to register with (call several times for several agents: each gets its own registration).
         *
         * @param a the agent's unicast address
         * @return this builder
         */
        public Builder agent(Ipv6Address a) {
            this.agents.add(a);
            return this;
        }

        /**
         * The RFC 4285 security association shared with the agents.
         *
         * @param nai this responder's identity
         * @param securityParameterIndex the Mobility SPI
         * @param sharedKey the MN-HA key
         * @return this builder
         */
        public Builder credentials(String nai, long securityParameterIndex, Bytes sharedKey) {
            this.identity = nai;
            this.spi = securityParameterIndex;
            this.key = sharedKey;
            return this;
        }

        /**
         * The Binding ID (Advanced Model, RFC 5648), 1 to 65535, unique among the responders of the anycast
         * address; 0 (the default) sends no Binding Identifier option (Basic Model).
         *
         * @param bid the Binding ID
         * @return this builder
         */
        public Builder bindingId(int bid) {
            if (bid < 0 || bid > 0xffff) {
                throw new IllegalArgumentException("binding id is 0..65535");
            }
            this.bindingId = bid;
            return this;
        }

        /**
         * The lifetime requested, in seconds (default 300; sent in 4-second units).
         *
         * @param seconds 4 to 262140
         * @return this builder
         */
        public Builder lifetimeSeconds(int seconds) {
            if (seconds < 4 || seconds > 262_140) {
                throw new IllegalArgumentException("lifetime must be 4..262140 s");
            }
            this.lifetimeSeconds = seconds;
            return this;
        }

        /**
         * Weight and load advertised in every registration (Vendor-Specific option, see the module README).
         *
         * @param w weight, 0 to 65535
         * @param l load, 0 to 65535
         * @return this builder
         */
        public Builder weightAndLoad(int w, int l) {
            this.weight = w;
            this.load = l;
            return this;
        }

        /**
         * Serves a UDP port of the anycast address.
         *
         * @param port the port
         * @param s the service
         * @return this builder
         */
        public Builder udpService(int port, UdpService s) {
            services.put(port, s);
            return this;
        }

        /**
         * Maps the injected clock to wall time for replay-protection timestamps (see the agent's builder).
         *
         * @param offsetNanos Unix nanoseconds minus the clock's nanoseconds
         * @return this builder
         */
        public Builder wallClockOffset(long offsetNanos) {
            this.wallOffsetNanos = offsetNanos;
            return this;
        }

        /**
         * Seed of the random first sequence number (RFC 6275 §11.7.1).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * @param p where the responder sends packets
         * @return this builder
         */
        public Builder io(PacketIo p) {
            this.io = p;
            return this;
        }

        /**
         * @param l who hears about registration state changes
         * @return this builder
         */
        public Builder listener(Listener l) {
            this.listener = l;
            return this;
        }

        /**
         * Builds the responder (it sends nothing until {@link AnycastResponder#start}).
         *
         * @param nowNanos the current time
         * @return the responder
         */
        public AnycastResponder build(long nowNanos) {
            return new AnycastResponder(this, nowNanos);
        }
    }

    /**
     * Starts registering with every agent.
     *
     * @param now the current time
     */
    public void start(long now) {
        if (discovery != null) {
            dhaadTries = 0;
            dhaadTimeout = INITIAL_DHAAD_TIMEOUT;
            sendDhaad(now);
        }
        for (AgentLink l : agents.values()) {
            if (l.state == State.IDLE || l.state == State.FAILED) {
                l.timeout = FIRST_REG_TIMEOUT;
                l.retransmissions = 0;
                setState(l, State.REGISTERING, -1, now);
                sendBu(l, lifetimeUnits, now);
            }
        }
    }

    /**
     * Deregisters from every agent (a BU with lifetime 0, retransmitted until acknowledged); call before leaving.
     *
     * @param now the current time
     */
    public void stop(long now) {
        // seed 001's hot swap: tell route-optimised initiators this responder "returned home"
        for (Peer c : peers.values()) {
            if (c.state == RoState.BOUND) {
                sendRoBu(c, true, now);
            }
            wheel.cancel(c.timer);
        }
        peers.clear();
        for (AgentLink l : agents.values()) {
            if (l.state == State.REGISTERED || l.state == State.REGISTERING) {
                l.timeout = INITIAL_BINDACK_TIMEOUT;
                l.retransmissions = 0;
                setState(l, State.DEREGISTERING, -1, now);
                sendBu(l, 0, now);
            }
        }
    }

    /**
     * @param agent an agent's address
     * @return the registration state toward it
     */
    public State state(Ipv6Address agent) {
        AgentLink l = agents.get(agent);
        return l == null ? State.IDLE : l.state;
    }

    /** @return the anycast address served */
    public Ipv6Address anycast() {
        return anycast;
    }

    /** @return the peer unicast address */
    public Ipv6Address careOf() {
        return careOf;
    }

    /** @return datagrams and echo requests served so far */
    public long served() {
        return served;
    }

    /** @return packets that did not parse or were not for this responder */
    public long malformed() {
        return malformed;
    }

    @Override
    public int doWork(long now) {
        return wheel.poll(now);
    }

    @Override
    public long nextDeadline() {
        return wheel.nextDeadline();
    }

    private void setState(AgentLink l, State s, int status, long now) {
        if (l.state != s) {
            l.state = s;
            listener.onStateChange(now, l.agent, s, status);
        }
    }

    private void sendBu(AgentLink l, int lifetime, long now) {
        l.sequence = (l.sequence + 1) & 0xffff;
        l.outstanding = l.sequence;
        List<MobilityOption> opts = new ArrayList<>();
        opts.add(new MobilityOption.AlternateCareOfAddress(careOf));
        if (bindingId != 0) {
            opts.add(MobilityOption.BindingIdentifier.of(bindingId, 0, careOf));
        }
        if (weight != 1 || load != 0) {
            byte[] wl = {(byte) (weight >>> 8), (byte) weight, (byte) (load >>> 8), (byte) load};
            opts.add(new MobilityOption.VendorSpecific(HomeAnycastAgent.MGA_VENDOR_ID,
                    HomeAnycastAgent.MGA_SUBTYPE_WEIGHT_LOAD, Bytes.of(wl)));
        }
        opts.add(MobilityOption.MobileNodeIdentifier.nai(identity));
        long ts = Ntp.fromUnixNanos(wallOffsetNanos + now);
        if (Long.compareUnsigned(ts, ntpLast) <= 0) {
            ts = ntpLast + 1; // strictly increasing, even within one clock tick
        }
        ntpLast = ts;
        opts.add(new MobilityOption.ReplayProtection(ts));
        opts.add(new MobilityOption.Authentication(MobilityOption.Authentication.MN_HA, spi,
                Bytes.zeros(MnHaAuth.MAC_LENGTH)));
        int flags = MobilityMessage.BindingUpdate.FLAG_A | MobilityMessage.BindingUpdate.FLAG_H;
        int seq = l.sequence;
        MobilityMessage.BindingUpdate unsigned = MobilityMessage.BindingUpdate.of(seq, flags, lifetime,
                opts.toArray(MobilityOption[]::new));
        MobilityMessage signed = auth.sign(key, careOf, anycast, unsigned,
                o -> new MobilityMessage.BindingUpdate(seq, flags, lifetime, o));
        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, careOf, l.agent),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(anycast)), new MobilityHeader(signed));
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
        arm(l, now + l.timeout, t -> retransmit(l, lifetime, t));
    }

    private void arm(AgentLink l, long at, TimerWheel.Action action) {
        wheel.cancel(l.timer);
        l.timer = wheel.schedule(at, action);
    }

    private void retransmit(AgentLink l, int lifetime, long now) {
        if (l.state != State.REGISTERING && l.state != State.DEREGISTERING) {
            return;
        }
        // RFC 6275 §11.8: double the timeout up to MAX_BINDACK_TIMEOUT, then continue at that rate
        l.timeout = Math.min(l.timeout * 2, MAX_BINDACK_TIMEOUT);
        l.retransmissions++;
        if (l.state == State.DEREGISTERING && l.retransmissions > 5) {
            setState(l, State.IDLE, -1, now);
            return;
        }
        sendBu(l, lifetime, now);
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long now) {
        wheel.poll(now);
        if (!view.wrap(packet, offset, length) || !view.destinationEquals(careOf)) {
            malformed++;
            return;
        }
        Ipv6Address from = new Ipv6Address(view.sourceHigh(), view.sourceLow());
        AgentLink l = agents.get(from);
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        if (p.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.HaadReply reply) {
            discovered(reply, now);
            return;
        }
        if (l == null) {
            direct(p, now);
            return;
        }
        if (p.upper() instanceof Tunnel t) {
            // RFC 6275 §11.3.3: a tunnelled packet's outer source must be the agent (checked above)
            deliver(l, t.inner(), now);
        } else if (p.upper() instanceof MobilityHeader mh
                && mh.message() instanceof MobilityMessage.BindingAcknowledgement ba) {
            acknowledgement(l, p, ba, now);
        } else if (p.upper() instanceof MobilityHeader mh
                && mh.message() instanceof MobilityMessage.BindingRefreshRequest && Checksums.verify(p)) {
            // RFC 6275 §11.7.4: refresh at once; at most one BRR-triggered refresh per second (a forged BRR
            // can do no more than that)
            if (l.state == State.REGISTERED && now - l.lastRefreshRequest > 1_000_000_000L) {
                l.lastRefreshRequest = now;
                refresh(l, now);
            }
        } else {
            malformed++;
        }
    }

    private void acknowledgement(AgentLink l, Ipv6Packet p, MobilityMessage.BindingAcknowledgement ba, long now) {
        // RFC 6275 §11.7.3: the BA must authenticate and carry the sequence number of an outstanding BU
        if (!Checksums.verify(p) || !auth.verify(key, careOf, anycast, ba)) {
            malformed++;
            return;
        }
        int status = ba.status();
        if (status == BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code()) {
            // resynchronise on the agent's last accepted number, then try again at once
            l.sequence = ba.sequence();
            sendBu(l, l.state == State.DEREGISTERING ? 0 : lifetimeUnits, now);
            return;
        }
        if (ba.sequence() != l.outstanding) {
            return;
        }
        l.outstanding = -1;
        if (l.state == State.DEREGISTERING) {
            wheel.cancel(l.timer);
            setState(l, State.IDLE, status, now);
            return;
        }
        if (status < 128) {
            long granted = ba.lifetime() * 4_000_000_000L;
            long refresh = ba.option(MobilityOption.BindingRefreshAdvice.class)
                    .map(r -> r.refreshInterval() * 4_000_000_000L).orElse(granted * 4 / 5);
            l.timeout = INITIAL_BINDACK_TIMEOUT;
            l.retransmissions = 0;
            setState(l, State.REGISTERED, status, now);
            arm(l, now + Math.max(refresh, 1_000_000_000L), t -> refresh(l, t));
            return;
        }
        if (status == BaStatus.MIPV6_ID_MISMATCH.code()) {
            // RFC 4285 §6: resynchronise with the agent's clock (its high 32 bits) and retry
            ba.option(MobilityOption.ReplayProtection.class).ifPresent(rp -> {
                long theirs = (rp.timestamp() >>> 32) * 1_000_000_000L;
                long ours = Ntp.fromUnixNanos(wallOffsetNanos + now) >>> 32;
                wallOffsetNanos += theirs - ours * 1_000_000_000L;
            });
            sendBu(l, lifetimeUnits, now);
            return;
        }
        if (status == BaStatus.INSUFFICIENT_RESOURCES.code()) {
            return; // the retransmission timer retries with backoff
        }
        // 146 (RFC 4285 §5.3: SHOULD stop sending BUs), 129, 132, 133, 145, 164, 174, ...: permanent
        wheel.cancel(l.timer);
        LOG.warn("registration for {} with {} refused: {}", anycast, l.agent, BaStatus.valueOf(status).name());
        setState(l, State.FAILED, status, now);
    }

    private void refresh(AgentLink l, long now) {
        if (l.state == State.REGISTERED) {
            l.timeout = INITIAL_BINDACK_TIMEOUT;
            setState(l, State.REGISTERING, -1, now);
            sendBu(l, lifetimeUnits, now);
        }
    }

    private void deliver(AgentLink l, Ipv6Packet inner, long now) {
        if (!inner.header().destination().equals(anycast)) {
            malformed++;
            return;
        }
        Ipv6Address initiator = inner.header().source();
        if (inner.upper() instanceof MobilityHeader mh) {
            if (mh.message() instanceof MobilityMessage.HomeTest hot && Checksums.verify(inner)) {
                homeTest(initiator, hot, now);
            }
            return;
        }
        if (inner.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.ParameterProblem) {
            legacy(initiator, now);
            return;
        }
        serve(l, inner, initiator, now);
        // RFC 6275 §11.7.2: a tunnelled packet from a correspondent may start route optimisation
        if (routeOptimisation && !peers.containsKey(initiator) && peers.size() < maxPeers
                && initiator.isUnicastRoutable()) {
            Peer c = new Peer(initiator, l);
            peers.put(initiator, c);
            startTest(c, now);
        }
    }

    private void serve(AgentLink l, Ipv6Packet inner, Ipv6Address initiator, long now) {
        if (inner.upper() instanceof Udp u) {
            UdpService s = services.get(u.destinationPort());
            if (s == null || !Checksums.verify(inner)) {
                malformed++;
                return;
            }
            served++;
            Bytes out = s.handle(initiator, u.sourcePort(), u.payload());
            if (out != null) {
                reply(l, Ipv6Packet.build(Ipv6Header.of(64, anycast, initiator), List.of(),
                        new Udp(u.destinationPort(), u.sourcePort(), out)));
            }
        } else if (inner.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.Echo e
                && e.type() == Icmpv6Message.Echo.REQUEST) {
            served++;
            reply(l, Ipv6Packet.build(Ipv6Header.of(64, anycast, initiator), List.of(),
                    new Icmpv6(new Icmpv6Message.Echo(Icmpv6Message.Echo.REPLY, 0, e.identifier(), e.sequence(),
                            e.data()))));
        } else {
            malformed++;
        }
    }

    /**
     * A reply: directly with the Home Address option when route-optimised with its destination (RFC 6275
     * §11.3.1: built with the home address, then the option, then the care-of address as source), else through
     * the reverse tunnel.
     */
    private void reply(AgentLink l, Ipv6Packet innerReply) {
        Peer c = peers.get(innerReply.header().destination());
        if (c != null && c.state == RoState.BOUND) {
            Ipv6Header h = innerReply.header();
            Ipv6Packet direct = Ipv6Packet.build(new Ipv6Header(h.trafficClass(), h.flowLabel(), h.hopLimit(), careOf,
                    h.destination()), List.of(ExtensionHeader.DestinationOptions.homeAddress(anycast)),
                    innerReply.upper());
            byte[] b = PacketEncoder.encode(direct);
            io.send(b, 0, b.length);
            return;
        }
        tunnel(l, innerReply);
    }

    /** Reverse tunnel: outer source the peer unicast address, destination the agent (RFC 6275 §11.3.1). */
    private void tunnel(AgentLink l, Ipv6Packet innerReply) {
        Ipv6Packet outer = new Ipv6Packet(Ipv6Header.of(64, careOf, l.agent), List.of(), new Tunnel(innerReply));
        byte[] b = PacketEncoder.encode(outer);
        io.send(b, 0, b.length);
    }

    private void sendDhaad(long now) {
        dhaadId = cookies.nextInt(0x10000);
        sendDirect(Ipv6Packet.build(Ipv6Header.of(64, careOf, HomeAnycastAgent.homeAgentsAnycast(discovery)),
                List.of(), new Icmpv6(new Icmpv6Message.HaadRequest(0, dhaadId, 0))));
        wheel.cancel(dhaadTimer);
        dhaadTimer = wheel.schedule(now + dhaadTimeout, t -> {
            if (dhaadId >= 0 && dhaadTries++ < DHAAD_RETRIES) {
                dhaadTimeout *= 2;
                sendDhaad(t);
            }
        });
    }

    private void discovered(Icmpv6Message.HaadReply reply, long now) {
        if (reply.identifier() != dhaadId) {
            return;
        }
        dhaadId = -1;
        wheel.cancel(dhaadTimer);
        for (Ipv6Address a : reply.homeAgents()) {
            if (agents.size() >= MAX_AGENTS || agents.containsKey(a) || !a.isUnicastRoutable()) {
                continue;
            }
            AgentLink l = new AgentLink(a, cookies.nextInt(0x10000));
            agents.put(a, l);
            l.timeout = FIRST_REG_TIMEOUT;
            setState(l, State.REGISTERING, -1, now);
            sendBu(l, lifetimeUnits, now);
        }
    }

    // ------------------------------------------------------------------------------------ route optimisation

    /** Route-optimisation state toward one correspondent initiator. */
    private enum RoState {
        TESTING,
        BOUND,
        FAILED
    }

    private final class Peer {
        final Ipv6Address cn;
        final AgentLink via;
        RoState state = RoState.TESTING;
        long homeCookie;
        long careOfCookie;
        Long homeToken;
        Long careOfToken;
        int homeIndex;
        int careOfIndex;
        int sequence;
        int attempts;
        long timeout = INITIAL_BINDACK_TIMEOUT;
        TimerWheel.Timer timer;

        Peer(Ipv6Address cn, AgentLink via) {
            this.cn = cn;
            this.via = via;
            this.sequence = cookies.nextInt(0x10000);
        }
    }

    /** RFC 6275 §12 MAX_RO_FAILURE. */
    static final int MAX_RO_FAILURE = 3;
    /** Re-run return routability before MAX_TOKEN_LIFETIME (210 s) so that tokens stay valid. */
    static final long RO_REFRESH = 200_000_000_000L;
    /** After a failure, do not try a correspondent again for this long. */
    static final long RO_HOLD_DOWN = 600_000_000_000L;

    /** HoTI through the agent (reverse tunnel, home address as source), CoTI directly (RFC 6275 §5.2.1). */
    private void startTest(Peer c, long now) {
        c.state = RoState.TESTING;
        c.homeToken = null;
        c.careOfToken = null;
        // RFC 6275 §5.2.3, §11.8: every HoTI/CoTI, retransmissions included, carries a fresh cookie
        c.homeCookie = cookies.nextLong();
        c.careOfCookie = cookies.nextLong();
        tunnel(c.via, Ipv6Packet.build(Ipv6Header.of(64, anycast, c.cn), List.of(),
                new MobilityHeader(MobilityMessage.HomeTestInit.of(c.homeCookie))));
        sendDirect(Ipv6Packet.build(Ipv6Header.of(64, careOf, c.cn), List.of(),
                new MobilityHeader(MobilityMessage.CareOfTestInit.of(c.careOfCookie))));
        armPeer(c, now + c.timeout, t -> testTimeout(c, t));
    }

    private void armPeer(Peer c, long at, TimerWheel.Action a) {
        wheel.cancel(c.timer);
        c.timer = wheel.schedule(at, a);
    }

    private void testTimeout(Peer c, long now) {
        if (c.state == RoState.BOUND) {
            return;
        }
        c.attempts++;
        if (c.attempts >= MAX_RO_FAILURE) {
            // RFC 6275 §5.2.9: after MAX_RO_FAILURE attempts, keep using the home agent (here: the tunnel)
            fail(c, now, "no answer");
            return;
        }
        c.timeout = Math.min(c.timeout * 2, MAX_BINDACK_TIMEOUT);
        startTest(c, now);
    }

    private void fail(Peer c, long now, String why) {
        LOG.debug("route optimisation with {} given up: {}", c.cn, why);
        c.state = RoState.FAILED;
        armPeer(c, now + RO_HOLD_DOWN, t -> peers.remove(c.cn));
    }

    /** A legacy correspondent answered HoTI/CoTI with Parameter Problem (RFC 6275 §11.6.2): tunnel only. */
    private void legacy(Ipv6Address cn, long now) {
        Peer c = peers.get(cn);
        if (c != null && c.state != RoState.FAILED) {
            fail(c, now, "parameter problem");
        }
    }

    private void homeTest(Ipv6Address cn, MobilityMessage.HomeTest hot, long now) {
        Peer c = peers.get(cn);
        // RFC 6275 §11.6.2: accept only for a test in progress, not yet received, with the right cookie
        if (c == null || c.state != RoState.TESTING || c.homeToken != null || hot.cookie() != c.homeCookie) {
            return;
        }
        c.homeToken = hot.keygenToken();
        c.homeIndex = hot.homeNonceIndex();
        tokensReady(c, now);
    }

    private void careOfTest(Ipv6Address cn, MobilityMessage.CareOfTest cot, long now) {
        Peer c = peers.get(cn);
        if (c == null || c.state != RoState.TESTING || c.careOfToken != null || cot.cookie() != c.careOfCookie) {
            return;
        }
        c.careOfToken = cot.keygenToken();
        c.careOfIndex = cot.careOfNonceIndex();
        tokensReady(c, now);
    }

    private void tokensReady(Peer c, long now) {
        if (c.homeToken != null && c.careOfToken != null) {
            sendRoBu(c, false, now);
            armPeer(c, now + c.timeout, t -> testTimeout(c, t));
        }
    }

    /**
     * The RR-authorised BU (RFC 6275 §5.2.6, §6.2.7): Nonce Indices and Binding Authorization Data, lifetime at
     * most MAX_RR_BINDING_LIFETIME. A deregistration ("returned home", seed 001) has lifetime 0, care-of nonce
     * index 0, and Kbm from the home token alone, the authenticator computed with the home address.
     */
    private void sendRoBu(Peer c, boolean returnedHome, long now) {
        c.sequence = (c.sequence + 1) & 0xffff;
        int lifetime = returnedHome ? 0 : Math.min(lifetimeUnits, AnycastInitiator.MAX_RR_LIFETIME_UNITS);
        int seq = c.sequence;
        int flags = MobilityMessage.BindingUpdate.FLAG_A;
        MobilityMessage.BindingUpdate unsigned = MobilityMessage.BindingUpdate.of(seq, flags, lifetime,
                new MobilityOption.NonceIndices(c.homeIndex, returnedHome ? 0 : c.careOfIndex),
                new MobilityOption.BindingAuthorizationData(Bytes.zeros(12)));
        byte[] kbm = returnedHome ? rr.kbm(c.homeToken, null) : rr.kbm(c.homeToken, c.careOfToken);
        byte[] mh = PacketEncoder.encode(new MobilityHeader(59, 0, 0, unsigned));
        byte[] auth = rr.authenticator(kbm, returnedHome ? anycast : careOf, c.cn,
                java.util.Arrays.copyOf(mh, mh.length - 12));
        List<MobilityOption> opts = new ArrayList<>(unsigned.options());
        opts.set(opts.size() - 1, new MobilityOption.BindingAuthorizationData(Bytes.of(auth)));
        sendDirect(Ipv6Packet.build(Ipv6Header.of(64, careOf, c.cn),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(anycast)),
                new MobilityHeader(new MobilityMessage.BindingUpdate(seq, flags, lifetime, opts))));
    }

    private void sendDirect(Ipv6Packet p) {
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }

    /** Packets that come straight from a correspondent, not through an agent. */
    private void direct(Ipv6Packet p, long now) {
        Ipv6Address cn = p.header().source();
        Peer c = peers.get(cn);
        if (p.upper() instanceof MobilityHeader mh && Checksums.verify(p)) {
            MobilityMessage m = mh.message();
            if (m instanceof MobilityMessage.CareOfTest cot) {
                careOfTest(cn, cot, now);
            } else if (m instanceof MobilityMessage.BindingAcknowledgement ba && c != null) {
                roAck(c, p, ba, now);
            } else if (m instanceof MobilityMessage.BindingError be && c != null
                    && be.homeAddress().equals(anycast)) {
                // the correspondent has no binding for us (RFC 6275 §11.3.6): back to the tunnel, test again later
                wheel.cancel(c.timer);
                peers.remove(cn);
            } else {
                malformed++;
            }
            return;
        }
        if (p.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.ParameterProblem) {
            legacy(cn, now);
            return;
        }
        // data with a type 2 routing header (RFC 6275 §11.3.3): Hdr Ext Len 2 (checked by the decoder), Segments
        // Left 1, and the home address one of ours; else silently discarded
        java.util.Optional<ExtensionHeader.Type2Routing> rh = p.type2Routing();
        if (rh.isEmpty() || rh.get().segmentsLeft() != 1 || !rh.get().homeAddress().equals(anycast) || c == null
                || c.state != RoState.BOUND) {
            malformed++;
            return;
        }
        Ipv6Header h = p.header();
        List<ExtensionHeader> rest = new ArrayList<>(p.extensions());
        rest.remove(rh.get());
        Ipv6Packet asHome = new Ipv6Packet(new Ipv6Header(h.trafficClass(), h.flowLabel(), h.hopLimit(), cn, anycast),
                rest, p.upper());
        serve(c.via, asHome, cn, now);
    }

    private void roAck(Peer c, Ipv6Packet p, MobilityMessage.BindingAcknowledgement ba, long now) {
        if (c.state != RoState.TESTING || c.homeToken == null || c.careOfToken == null || ba.sequence() != c.sequence) {
            return;
        }
        if (ba.status() >= 136 && ba.status() <= 138) {
            startTest(c, now); // expired nonces: run the test again
            return;
        }
        byte[] kbm = rr.kbm(c.homeToken, c.careOfToken);
        List<MobilityOption> opts = ba.options();
        if (opts.isEmpty() || !(opts.get(opts.size() - 1) instanceof MobilityOption.BindingAuthorizationData bad)) {
            return;
        }
        byte[] mh = PacketEncoder.encode(new MobilityHeader(59, 0, 0, ba));
        byte[] expect = rr.authenticator(kbm, careOf, c.cn, java.util.Arrays.copyOf(mh, mh.length - 12));
        if (!java.security.MessageDigest.isEqual(expect, bad.authenticator().toArray())) {
            return;
        }
        if (ba.status() < 128) {
            c.state = RoState.BOUND;
            c.attempts = 0;
            c.timeout = INITIAL_BINDACK_TIMEOUT;
            LOG.debug("route optimised with {}", c.cn);
            armPeer(c, now + Math.min(RO_REFRESH, ba.lifetime() * 4_000_000_000L * 4 / 5), t -> {
                c.attempts = 0;
                startTest(c, t);
            });
        } else {
            fail(c, now, "status " + ba.status());
        }
    }

    /**
     * @param initiator an initiator's address
     * @return true when this responder is route-optimised with it
     */
    public boolean isRouteOptimised(Ipv6Address initiator) {
        Peer c = peers.get(initiator);
        return c != null && c.state == RoState.BOUND;
    }
}
