package io.mga.engine;

import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.engine.initiator.Correspondent;
import io.mga.engine.mobility.BindingUpdateView;
import io.mga.engine.mobility.Inbound;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.NodeAnswers;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.Checksums;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Option;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityMessage;
import io.mga.wire.PartialPacket;
import io.mga.wire.Udp;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.fast.Protocols;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An Anycast Initiator that speaks Mobile IPv6 as a correspondent node (RFC 6275 §9): a client that sends
 * datagrams to an anycast address and receives the answers, and that lets a responder route-optimise toward it
 * (MGA paper §4.5, Fig. 8). A plain IPv6 host needs none of this: the agent serves it through the tunnel.
 *
 * <p>This class is the client and the receive front-end; the correspondent node (return routability, Binding
 * Update verification, the bounded binding cache whose entries expire on a timer at their lifetime) is its room.
 * Once bound it sends with a type 2 routing header, and accepts Home Address option packets only with a binding
 * (else Binding Error status 1, §9.3.1/§9.3.3). A "returned home" BU (lifetime 0) or an ICMPv6 Destination
 * Unreachable for the bound care-of address drops the binding, and packets go back through the agent, which picks
 * another responder (the Pseudo MIPv6 paper's hot swap).
 *
 * <p>Threading: single-threaded.
 */
public final class AnycastInitiator implements Role {
    /**
     * A datagram received by the client.
     *
     * @param timeNanos when
     * @param from the anycast (home) address it came from, after Home Address option processing
     * @param careOf the address it physically came from (a responder's peer unicast address when route-optimised,
     *     else equal to {@code from})
     * @param fromPort source port
     * @param toPort destination port
     * @param payload the data
     */
    public record Datagram(long timeNanos, Ipv6Address from, Ipv6Address careOf, int fromPort, int toPort,
            Bytes payload) {
    }

    private final Ipv6Address address;
    private final EpochClock epoch;
    private final EventListener<InitiatorEvent> listener;
    private final MobilitySender sender;
    private final TimerWheel wheel;
    private final Correspondent correspondent;
    private final NodeAnswers answers;
    private final Inbound in = new Inbound();
    private final Ipv6View view = in.view();
    /** The datagrams kept for {@link #received()}: the most recent {@value #KEPT}, so that no flood grows it. */
    static final int KEPT = 4096;
    private final java.util.ArrayDeque<Datagram> received = new java.util.ArrayDeque<>();
    private long datagrams;
    private long packets;
    private long malformed;

    private AnycastInitiator(Builder b, long now) {
        this.address = Objects.requireNonNull(b.address, "address");
        this.epoch = b.epoch;
        this.listener = b.listener != null ? b.listener : e -> { };
        RrAuthenticator rr = new RrAuthenticator();
        this.sender = new MobilitySender(Objects.requireNonNull(b.io, "io"), rr);
        this.wheel = new TimerWheel(10_000_000L, now);
        Random random = b.random != null ? b.random : new SecureRandom();
        this.correspondent = new Correspondent(address, random,
                b.maxBindings, sender, rr, wheel, new Correspondent.Events() {
                    @Override
                    public void bound(Ipv6Address home, Ipv6Address careOf, long t) {
                        listener.onEvent(new InitiatorEvent.Bound(t, epoch.unixNanos(t), home, careOf));
                    }

                    @Override
                    public void lost(Ipv6Address home, Ipv6Address careOf, Correspondent.Loss why, long t) {
                        InitiatorEvent.Cause cause = switch (why) {
                            case LIFETIME_ENDED -> InitiatorEvent.Cause.LIFETIME_ENDED;
                            case RETURNED_HOME -> InitiatorEvent.Cause.RETURNED_HOME;
                            case UNREACHABLE -> InitiatorEvent.Cause.DESTINATION_UNREACHABLE;
                        };
                        listener.onEvent(new InitiatorEvent.Unbound(t, epoch.unixNanos(t), home, careOf, cause));
                    }
                }, now);
        this.answers = new NodeAnswers(address, sender, random.nextLong());
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures an {@link AnycastInitiator}. */
    public static final class Builder {
        private Ipv6Address address;
        private PacketIo io;
        private Random random;
        private int maxBindings = 1024;
        private EpochClock epoch = EpochClock.simulated();
        private EventListener<InitiatorEvent> listener;

        private Builder() {
        }

        /**
         * @param a the initiator's address
         * @return this builder
         */
        public Builder address(Ipv6Address a) {
            this.address = a;
            return this;
        }

        /**
         * @param p where it sends
         * @return this builder
         */
        public Builder io(PacketIo p) {
            this.io = p;
            return this;
        }

        /**
         * The random source of Kcn and nonces (default {@link SecureRandom}; a seeded one makes simulations
         * repeatable, never use one in production).
         *
         * @param r the source
         * @return this builder
         */
        public Builder random(Random r) {
            this.random = r;
            return this;
        }

        /**
         * Bound of the binding cache (default 1024): beyond it new bindings get status 130.
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
         * The wall clock of events (default {@link EpochClock#simulated()}).
         *
         * @param e the clock
         * @return this builder
         */
        public Builder epochClock(EpochClock e) {
            this.epoch = Objects.requireNonNull(e, "epoch");
            return this;
        }

        /**
         * @param l who hears about bindings
         * @return this builder
         */
        public Builder listener(EventListener<InitiatorEvent> l) {
            this.listener = l;
            return this;
        }

        /**
         * @param nowNanos the current time
         * @return the initiator
         */
        public AnycastInitiator build(long nowNanos) {
            return new AnycastInitiator(this, nowNanos);
        }
    }

    /** @return the initiator's address */
    public Ipv6Address address() {
        return address;
    }

    /**
     * @param home an anycast address
     * @return the responder's peer unicast address it is bound to, or null
     */
    public Ipv6Address boundTo(Ipv6Address home) {
        return correspondent.boundTo(home);
    }

    /** @return the datagrams received so far, the most recent 4096 of them */
    public List<Datagram> received() {
        return List.copyOf(received);
    }

    /** @return Binding Errors sent (Home Address option without a binding) */
    public long bindingErrorsSent() {
        return correspondent.bindingErrorsSent();
    }

    /** For tests in this package: the answers every node gives (Binding Error 2, Parameter Problem, Echo). */
    NodeAnswers nodeAnswers() {
        return answers;
    }

    /** @return a snapshot of the counters */
    public InitiatorCounters counters() {
        return new InitiatorCounters(packets, datagrams, malformed, correspondent.bindingErrorsSent(),
                correspondent.testAnswersSuppressed());
    }

    /**
     * Sends a datagram to an anycast address: directly to the bound responder with a type 2 routing header when
     * route-optimised (RFC 6275 §9.3.2), else to the anycast address (through the agent).
     *
     * @param to the anycast address
     * @param fromPort source port
     * @param toPort destination port
     * @param payload the data
     * @param now the current time
     */
    public void sendUdp(Ipv6Address to, int fromPort, int toPort, Bytes payload, long now) {
        wheel.poll(now);
        Ipv6Address careOf = correspondent.boundTo(to);
        Udp udp = new Udp(fromPort, toPort, payload);
        sender.send(careOf != null
                ? Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, address, careOf),
                        List.of(ExtensionHeader.Type2Routing.of(to)), udp)
                : Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, address, to), List.of(), udp));
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
        packets++;
        wheel.poll(now);
        if (!in.wrap(packet, offset, length) || !view.destinationEquals(address)) {
            malformed++;
            return;
        }
        Ipv6Packet p = in.packet();
        if (p == null) {
            if (view.upperLayerProtocol() == Protocols.MOBILITY) {
                answers.mobility(in, now); // RFC 6275 §9.2: a Header Len too short draws a Parameter Problem
            }
            malformed++;
            return;
        }
        switch (view.upperLayerProtocol()) {
            case Protocols.MOBILITY -> mobility(p, now);
            case Protocols.ICMPV6 -> {
                if (in.icmpv6() instanceof Icmpv6Message.DestinationUnreachable du) {
                    unreachable(du, now);
                } else if (view.icmpv6Type() == Protocols.ICMPV6_ECHO_REQUEST) {
                    answers.echo(in, now); // RFC 4443 §4.1, rate-limited
                } else {
                    malformed++;
                }
            }
            default -> data(p, now);
        }
    }

    private void mobility(Ipv6Packet p, long now) {
        // RFC 6275 §9.2: the checks and answers of every node (Binding Error 2, Parameter Problem)
        if (answers.mobility(in, now) != NodeAnswers.Outcome.PROCESS) {
            malformed++;
            return;
        }
        MobilityMessage m = in.mobility();
        if (m instanceof MobilityMessage.HomeTestInit || m instanceof MobilityMessage.CareOfTestInit) {
            correspondent.testInit(p, m, now);
        } else if (m instanceof MobilityMessage.BindingUpdate bu) {
            correspondent.bindingUpdate(BindingUpdateView.of(p, bu), now);
        } else {
            malformed++;
        }
    }

    /**
     * Hot swap (Pseudo MIPv6 paper): a Destination Unreachable quoting a packet of ours drops bindings to its
     * destination.
     */
    private void unreachable(Icmpv6Message.DestinationUnreachable du, long now) {
        PartialPacket inv = du.invokingPacket(1);
        if (inv.header() == null || !inv.header().source().equals(address)) {
            malformed++;
            return;
        }
        correspondent.unreachable(inv.header().destination(), now);
    }

    private void data(Ipv6Packet p, long now) {
        Ipv6Address from = p.header().source();
        Ipv6Address careOf = from;
        Ipv6Option.HomeAddress hao = p.homeAddressOption().orElse(null);
        if (hao != null) {
            if (!correspondent.acceptHomeAddress(from, hao.homeAddress(), now)) {
                return;
            }
            from = hao.homeAddress();
        }
        if (p.upper() instanceof Udp u && Checksums.verify(p)) {
            if (received.size() == KEPT) {
                received.removeFirst();
            }
            received.addLast(new Datagram(now, from, careOf, u.sourcePort(), u.destinationPort(), u.payload()));
            datagrams++;
        } else {
            malformed++;
        }
    }
}
