package io.mga.engine;

import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.engine.hash.KeyedHash;
import io.mga.engine.mobility.Inbound;
import io.mga.engine.mobility.Lifetimes;
import io.mga.engine.mobility.MnHaKey;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.NodeAnswers;
import io.mga.engine.mobility.ReplayClock;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.engine.responder.Discovery;
import io.mga.engine.responder.HostPath;
import io.mga.engine.responder.Registrations;
import io.mga.engine.responder.ReverseTunnel;
import io.mga.engine.responder.RouteOptimiser;
import io.mga.engine.responder.ServiceHost;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.Checksums;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.Tunnel;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import io.mga.wire.mga.WeightLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An Anycast Responder (the mobile node of MGA, MGA paper §4.2): it registers its peer unicast address for an anycast
 * address with one or more agents, keeps the registrations alive, receives what the agents tunnel to it, hands
 * UDP datagrams to the service and answers ICMPv6 Echo, and replies through the reverse tunnel with the anycast
 * address as source, or directly once route-optimised with a Mobile IPv6 initiator.
 *
 * <p>This class classifies each packet once and hands it to the room that handles it: the home registrations
 * (one state machine per agent, RFC 6275 §11.7.1, §11.8, RFC 4285), agent discovery (DHAAD), the service host,
 * and the route optimiser (return routability, RFC 6275 §5.2).
 *
 * <p>Threading: single-threaded; call everything from one thread.
 */
public final class AnycastResponder implements Role {
    /**
     * The smallest link MTU host delivery accepts ({@link ResponderConfig.Builder#deliverToHost}): 1280 + 40, so
     * that the inner path MTU is at least IPv6's minimum (RFC 8200 §5).
     */
    public static final int MIN_HOST_LINK_MTU = HostPath.MIN_LINK_MTU;

    /** At most this many agents are taken from a discovery reply. */
    static final int MAX_AGENTS = 8;

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

    private final Ipv6Address anycast;
    private final Ipv6Address careOf;
    private final EpochClock epoch;
    private final EventListener<ResponderEvent> listener;
    private final boolean routeOptimisation;
    private final Random cookies;
    private final TimerWheel wheel;
    private final Registrations registrations;
    /** Agents sharing a binding store with ours: their tunnels are taken too (ResponderConfig#sharedAgents). */
    private final java.util.Set<Ipv6Address> sharedAgents;
    private final List<Ipv6Address> configuredAgents;
    private final Discovery discovery;
    private final ServiceHost services;
    private final RouteOptimiser optimiser;
    private final ReverseTunnel tunnel;
    private final MobilitySender sender;
    private final Inbound in = new Inbound();
    private final Ipv6View view = in.view();
    private final NodeAnswers answers;
    private long received;
    private long malformed;
    private long unauthenticated;
    private long unmatched;
    private final HostPath hostPath;
    private final Inbound hostIn = new Inbound();
    private final Ipv6View inner = new Ipv6View();
    private final java.util.function.Supplier<Ipv6Address> firstRegistered = this::firstRegistered;
    private final HostPath.Direct boundTo = this::boundTo;
    private long notFromAgent;
    private long notForAnycast;
    private long spoofedSource;
    private long sentDirect;

    AnycastResponder(ResponderConfig c, PacketIo io, EventListener<ResponderEvent> listener, long now) {
        this.anycast = c.anycast();
        this.careOf = c.careOf();
        this.epoch = c.epoch();
        this.listener = listener != null ? listener : e -> { };
        this.routeOptimisation = c.routeOptimisation();
        this.cookies = new Random(c.seed() * 31 + 7);
        this.wheel = new TimerWheel(10_000_000L, now);
        RrAuthenticator rr = new RrAuthenticator();
        this.sender = new MobilitySender(io, rr);
        this.tunnel = new ReverseTunnel(careOf, sender);
        this.answers = new NodeAnswers(careOf, anycast::equals, sender, KeyedHash.mix(c.seed() ^ 0x9b05_688c_2b3e_6c1fL));
        this.registrations = new Registrations(anycast, careOf, c.identity(), new MnHaKey(c.spi(), c.key()),
                c.bindingId(), Lifetimes.unitsOf(c.lifetimeSeconds()), new WeightLoad(c.weight(), c.load()),
                new ReplayClock(epoch), sender, wheel, this::phase);
        Random r = new Random(c.seed());
        this.sharedAgents = java.util.Set.copyOf(c.sharedAgents());
        this.configuredAgents = List.copyOf(c.agents());
        for (Ipv6Address a : c.agents()) {
            // RFC 6275 §11.7.1: with no Binding Update List entry, start from a random sequence number
            registrations.add(a, r.nextInt(0x10000));
        }
        if (!c.sharedAgents().isEmpty()) {
            // the agents named and those sharing their store: one registration at a time, moved on failure
            List<Ipv6Address> ring = new ArrayList<>(c.agents());
            for (Ipv6Address a : c.sharedAgents()) {
                if (!ring.contains(a)) {
                    ring.add(a);
                }
            }
            registrations.shareOneStore(ring, () -> cookies.nextInt(0x10000));
        }
        this.discovery = c.discovery() == null ? null
                : new Discovery(careOf, c.discovery(), sender, wheel, cookies, this::discovered);
        this.services = new ServiceHost(anycast, c.services());
        this.hostPath = c.hostStack() == null ? null : new HostPath(anycast, careOf, c.hostStack(), io, c.linkMtu());
        this.optimiser = new RouteOptimiser(anycast, careOf, Lifetimes.unitsOf(c.lifetimeSeconds()),
                c.maxCorrespondents(), sender, rr, tunnel, wheel, cookies, new RouteOptimiser.Events() {
                    @Override
                    public void bound(Ipv6Address initiator, long t) {
                        report(new ResponderEvent.RouteOptimised(t, epoch.unixNanos(t), initiator));
                    }

                    @Override
                    public void stopped(Ipv6Address initiator, String reason, long t) {
                        report(new ResponderEvent.RouteOptimisationStopped(t, epoch.unixNanos(t), initiator, reason));
                    }
                }, KeyedHash.mix(c.seed() ^ 0x7f4a_7c15_9e37_79b9L));
    }

    /** @return a builder */
    public static ResponderConfig.Builder builder() {
        return new ResponderConfig.Builder();
    }

    private void report(ResponderEvent e) {
        listener.onEvent(e);
    }

    private void phase(Ipv6Address agent, Registrations.Phase p, int status, long now) {
        State s = switch (p) {
            case IDLE -> State.IDLE;
            case REGISTERING -> State.REGISTERING;
            case REGISTERED -> State.REGISTERED;
            case DEREGISTERING -> State.DEREGISTERING;
            case FAILED -> State.FAILED;
        };
        report(new ResponderEvent.StateChanged(now, epoch.unixNanos(now), agent, s, status));
    }

    private void discovered(List<Ipv6Address> agents, long now) {
        report(new ResponderEvent.AgentsDiscovered(now, epoch.unixNanos(now), agents));
        for (Ipv6Address a : agents) {
            // never register with ourselves or the anycast address (a forged reply could name them)
            if (registrations.size() >= MAX_AGENTS || registrations.isAgent(a) || !a.isUnicastRoutable()
                    || a.equals(careOf) || a.equals(anycast)) {
                continue;
            }
            registrations.addAndStart(a, cookies.nextInt(0x10000), now);
        }
    }

    /**
     * Starts registering with every agent (and discovering them, if configured).
     *
     * @param now the current time
     */
    public void start(long now) {
        if (discovery != null) {
            discovery.start(now);
        }
        registrations.start(now);
    }

    /**
     * Deregisters from every agent (a BU with lifetime 0, retransmitted until acknowledged); call before leaving.
     * Route-optimised initiators are told first that the responder "returned home" (the Pseudo MIPv6 paper's hot swap).
     *
     * @param now the current time
     */
    public void stop(long now) {
        optimiser.stop(now);
        registrations.stop(now);
    }

    /**
     * @param agent an agent's address
     * @return the registration state toward it
     */
    public State state(Ipv6Address agent) {
        return switch (registrations.phase(agent)) {
            case IDLE -> State.IDLE;
            case REGISTERING -> State.REGISTERING;
            case REGISTERED -> State.REGISTERED;
            case DEREGISTERING -> State.DEREGISTERING;
            case FAILED -> State.FAILED;
        };
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
        return services.served();
    }

    /** @return packets that did not parse, were not for this responder, or that no service took */
    public long malformed() {
        return malformed;
    }

    /** @return a snapshot of the counters */
    public ResponderCounters counters() {
        HostPath h = hostPath;
        return new ResponderCounters(received, services.served(), malformed, unauthenticated, unmatched,
                new ResponderCounters.Host(h == null ? 0 : h.delivered(), notFromAgent, notForAnycast, spoofedSource,
                        h == null ? 0 : h.tunnelled(), sentDirect, h == null ? 0 : h.refused(),
                        h == null ? 0 : h.tooBig(), h == null ? 0 : h.noAgent()));
    }

    /** @return true when this responder hands packets to the host's stack ({@code deliverToHost}) */
    public boolean deliversToHost() {
        return hostPath != null;
    }

    /**
     * @return the MTU to give the host's side of host delivery (a TUN device): the link MTU less the 40 octets of
     *     encapsulation, so that TCP picks a segment size that fits the tunnel (RFC 2473 §7.1); 0 without host
     *     delivery
     */
    public int hostMtu() {
        return hostPath == null ? 0 : hostPath.innerMtu();
    }

    /**
     * A packet the host's stack sent (read from the TUN device): tunnelled to the agent that delivered its
     * destination's last packet, or sent directly with a Home Address option when route-optimised with it
     * (RFC 6275 §11.3.1). Only packets from the anycast address leave; the rest are dropped and counted; a packet
     * too large for the tunnel is answered with Packet Too Big toward the host. Call on the responder's thread.
     *
     * @param packet the buffer
     * @param offset where the IPv6 header starts
     * @param length its octets
     * @param now the current time
     * @throws IllegalStateException without host delivery
     */
    public void fromHost(byte[] packet, int offset, int length, long now) {
        if (hostPath == null) {
            throw new IllegalStateException("this responder does not deliver to the host");
        }
        wheel.poll(now);
        HostPath.Verdict v = hostPath.fromHost(packet, offset, length, firstRegistered,
                routeOptimisation ? boundTo : null, now);
        if (v == HostPath.Verdict.DIRECT) {
            Ipv6Packet p = hostIn.wrap(packet, offset, length) ? hostIn.packet() : null;
            if (p != null) {
                optimiser.sendDirect(p);
                sentDirect++;
            }
        }
    }

    private Ipv6Address firstRegistered() {
        for (Ipv6Address a : registrations.agents()) {
            if (registrations.phase(a) == Registrations.Phase.REGISTERED) {
                return a;
            }
        }
        return null;
    }

    private boolean boundTo(long high, long low) {
        return !optimiser.isEmpty() && optimiser.isBound(new Ipv6Address(high, low));
    }

    /** RFC 6275 §10.4.5 at the tunnel's far end: only an agent this responder registers with may tunnel to it. */
    private boolean registeredWith(Ipv6Address agent) {
        if (sharedAgents.contains(agent)) {
            // an agent sharing the store serves the binding made with one of ours
            for (Ipv6Address a : configuredAgents) {
                if (registeredWith(a)) {
                    return true;
                }
            }
            return false;
        }
        Registrations.Phase p = registrations.phase(agent);
        return p != Registrations.Phase.IDLE && p != Registrations.Phase.FAILED;
    }

    /**
     * @param initiator an initiator's address
     * @return true when this responder is route-optimised with it
     */
    public boolean isRouteOptimised(Ipv6Address initiator) {
        return optimiser.isBound(initiator);
    }

    @Override
    public int doWork(long now) {
        return wheel.poll(now);
    }

    @Override
    public long nextDeadline() {
        return wheel.nextDeadline();
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long now) {
        received++;
        wheel.poll(now);
        if (!in.wrap(packet, offset, length) || !view.destinationEquals(careOf)) {
            malformed++;
            return;
        }
        int protocol = view.upperLayerProtocol();
        if (protocol == Protocols.ICMPV6 && view.icmpv6Type() == Protocols.ICMPV6_HAAD_REPLY) {
            if (discovery != null && in.icmpv6() instanceof Icmpv6Message.HaadReply reply) {
                discovery.reply(reply, now);
            }
            return;
        }
        if (protocol == Protocols.ICMPV6 && view.icmpv6Type() == Protocols.ICMPV6_ECHO_REQUEST) {
            answers.echo(in, now); // RFC 4443 §4.1 on the peer unicast address, rate-limited
            return;
        }
        // RFC 6275 §9.2: the checks and answers of every node (Binding Error 2, Parameter Problem)
        if (protocol == Protocols.MOBILITY && answers.mobility(in, now) != NodeAnswers.Outcome.PROCESS) {
            malformed++;
            return;
        }
        Ipv6Address from = new Ipv6Address(view.sourceHigh(), view.sourceLow());
        if (!registrations.isAgent(from) && !(protocol == Protocols.IPV6_IN_IPV6 && sharedAgents.contains(from))) {
            if (protocol == Protocols.IPV6_IN_IPV6) {
                // RFC 6275 §11.3.3 / §10.4.5: a tunnelled packet not from our agent is not decapsulated
                notFromAgent++;
                malformed++;
                return;
            }
            direct(now);
            return;
        }
        switch (protocol) {
            case Protocols.IPV6_IN_IPV6 -> {
                if (hostPath != null) {
                    toHost(from, packet, now);
                    return;
                }
                // RFC 6275 §11.3.3: a tunnelled packet's outer source must be the agent (checked above)
                Ipv6Packet p = in.packet();
                if (p != null && p.upper() instanceof Tunnel t) {
                    deliver(from, t.inner(), now);
                } else {
                    malformed++;
                }
            }
            case Protocols.MOBILITY -> {
                MobilityMessage m = in.mobility();
                if (m instanceof MobilityMessage.BindingAcknowledgement ba) {
                    switch (registrations.acknowledgement(from, ba, sender.mnHa(), now)) {
                        case UNAUTHENTICATED -> {
                            unauthenticated++;
                            malformed++;
                        }
                        case UNMATCHED -> unmatched++;
                        case TAKEN -> { }
                    }
                } else if (m instanceof MobilityMessage.BindingRefreshRequest) {
                    registrations.refreshRequested(from, now);
                } else {
                    malformed++;
                }
            }
            default -> malformed++;
        }
    }

    /**
     * Host delivery of a packet an agent tunnelled: Mobility Header messages (HoT) and Parameter Problems are the
     * optimiser's, as without host delivery; everything else addressed to the anycast address goes to the host.
     */
    private void toHost(Ipv6Address agent, byte[] packet, long now) {
        if (!registeredWith(agent)) {
            notFromAgent++;
            malformed++;
            return;
        }
        int off = view.upperLayerOffset();
        int len = view.upperLayerLength();
        if (!inner.wrap(packet, off, len)) {
            malformed++;
            return;
        }
        int p = inner.upperLayerProtocol();
        if (p == Protocols.MOBILITY || p == Protocols.ICMPV6 && inner.icmpv6Type() == 4) {
            Ipv6Packet outer = in.packet();
            if (outer != null && outer.upper() instanceof Tunnel t) {
                deliver(agent, t.inner(), now);
            } else {
                malformed++;
            }
            return;
        }
        switch (hostPath.deliver(packet, off, len, agent)) {
            case NONE -> {
                if (routeOptimisation) {
                    optimiser.tunnelled(new Ipv6Address(inner.sourceHigh(), inner.sourceLow()), agent, now);
                }
            }
            case NOT_FOR_ANYCAST -> {
                notForAnycast++;
                malformed++;
            }
            case SPOOFED_SOURCE -> {
                spoofedSource++;
                malformed++;
            }
            case MALFORMED -> malformed++;
        }
    }

    /** A packet an agent tunnelled: the services answer it; HoT and Parameter Problem go to the optimiser. */
    private void deliver(Ipv6Address agent, Ipv6Packet inner, long now) {
        if (!inner.header().destination().equals(anycast)) {
            malformed++;
            return;
        }
        Ipv6Address initiator = inner.header().source();
        if (inner.upper() instanceof MobilityHeader mh) {
            if (mh.message() instanceof MobilityMessage.HomeTest hot && Checksums.verify(inner)) {
                optimiser.homeTest(initiator, hot, now);
            }
            return;
        }
        if (inner.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.ParameterProblem) {
            optimiser.parameterProblem(initiator, now);
            return;
        }
        serve(agent, inner);
        if (routeOptimisation) {
            optimiser.tunnelled(initiator, agent, now);
        }
    }

    private void serve(Ipv6Address agent, Ipv6Packet request) {
        long unserved = services.unserved();
        Ipv6Packet reply = services.serve(request);
        if (services.unserved() != unserved) {
            malformed++; // no service took it (a service that answers nothing has served it)
        } else if (reply == null) {
            return;
        } else if (optimiser.isBound(reply.header().destination())) {
            optimiser.sendDirect(reply);
        } else {
            tunnel.send(agent, reply);
        }
    }

    /** Packets that come straight from a correspondent, not through an agent. */
    private void direct(long now) {
        Ipv6Packet p = in.packet();
        if (p == null) {
            malformed++;
            return;
        }
        Ipv6Address cn = p.header().source();
        if (view.upperLayerProtocol() == Protocols.MOBILITY) {
            MobilityMessage m = in.mobility();
            boolean taken;
            if (m instanceof MobilityMessage.CareOfTest cot) {
                optimiser.careOfTest(cn, cot, now);
                taken = true;
            } else if (m instanceof MobilityMessage.BindingAcknowledgement ba) {
                taken = optimiser.acknowledgement(cn, ba, now);
            } else if (m instanceof MobilityMessage.BindingError be) {
                taken = optimiser.bindingError(cn, be, now);
            } else {
                taken = false;
            }
            if (!taken) {
                malformed++;
            }
            return;
        }
        if (in.icmpv6() instanceof Icmpv6Message.ParameterProblem) {
            optimiser.parameterProblem(cn, now);
            return;
        }
        // data with a type 2 routing header from a bound correspondent (RFC 6275 §11.3.3)
        Ipv6Packet asHome = optimiser.asHome(p);
        if (asHome == null) {
            malformed++;
            return;
        }
        if (hostPath != null) {
            byte[] b = io.mga.wire.PacketEncoder.encode(asHome);
            if (hostPath.deliver(b, 0, b.length, optimiser.via(cn)) != HostPath.Refusal.NONE) {
                spoofedSource++;
                malformed++;
            }
            return;
        }
        serve(optimiser.via(cn), asHome);
    }
}
