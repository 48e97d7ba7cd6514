package io.mga.engine.responder;

import io.mga.api.Ipv6Address;
import io.mga.engine.mobility.AnswerLimiter;
import io.mga.engine.mobility.Lifetimes;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.BaStatus;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route optimisation toward Mobile IPv6 initiators (MGA paper §4.5, Fig. 8; RFC 6275 §5.2, §11.7.2): started by a
 * tunnelled packet from an initiator; HoTI through the agent that delivered it (reverse tunnel, home address as
 * source), CoTI directly; with both tokens, the RR-authorised BU; once the BA verifies, replies go directly with a
 * Home Address option. It stops for RO_HOLD_DOWN after a Parameter Problem (a legacy host) or MAX_RO_FAILURE
 * unanswered attempts; the tunnel serves meanwhile. Return routability is re-run every RO_REFRESH so that the home
 * token stays within MAX_TOKEN_LIFETIME for the "returned home" BU. The table of correspondents is bounded.
 * Single-threaded.
 */
public final class RouteOptimiser {
    private static final Logger LOG = LoggerFactory.getLogger(RouteOptimiser.class);
    /** RFC 6275 §12 MAX_RO_FAILURE. */
    static final int MAX_RO_FAILURE = 3;
    /** Re-run return routability before MAX_TOKEN_LIFETIME (210 s) so that tokens stay valid. */
    static final long RO_REFRESH = 200_000_000_000L;
    /** Route-optimisation attempts toward one source /64: one a minute in the long run. */
    static final long ATTEMPT_INTERVAL_PER_PREFIX = 60_000_000_000L;
    /** Route-optimisation attempts in all: 50 a second in the long run. */
    static final long ATTEMPT_INTERVAL = 20_000_000L;
    /** After a failure, do not try a correspondent again for this long. */
    static final long RO_HOLD_DOWN = 600_000_000_000L;

    /** Receives what happens with each correspondent. */
    public interface Events {
        /**
         * Route optimisation with a correspondent is in force.
         *
         * @param initiator the correspondent
         * @param now when
         */
        void bound(Ipv6Address initiator, long now);

        /**
         * Route optimisation with a correspondent stopped; the tunnel serves it.
         *
         * @param initiator the correspondent
         * @param reason a few words
         * @param now when
         */
        void stopped(Ipv6Address initiator, String reason, long now);
    }

    private enum RoState {
        TESTING,
        BOUND,
        FAILED
    }

    private final class Peer {
        final Ipv6Address cn;
        final Ipv6Address via;
        RoState state = RoState.TESTING;
        long homeCookie;
        long careOfCookie;
        Long homeToken;
        Long careOfToken;
        int homeIndex;
        int careOfIndex;
        int sequence;
        int attempts;
        long timeout = Registrations.INITIAL_BINDACK_TIMEOUT;
        TimerWheel.Timer timer;

        Peer(Ipv6Address cn, Ipv6Address via) {
            this.cn = cn;
            this.via = via;
            this.sequence = random.nextInt(0x10000);
        }
    }

    private final Ipv6Address anycast;
    private final Ipv6Address careOf;
    private final int lifetimeUnits;
    private final int maxPeers;
    private final MobilitySender sender;
    private final RrAuthenticator rr;
    private final ReverseTunnel tunnel;
    private final TimerWheel wheel;
    private final Random random;
    private final Events events;
    private final Map<Ipv6Address, Peer> peers = new HashMap<>();
    private final AnswerLimiter attempts;

    /**
     * @param anycast the home (anycast) address
     * @param careOf the peer unicast (care-of) address
     * @param lifetimeUnits the lifetime asked for (at most MAX_RR_BINDING_LIFETIME is sent)
     * @param maxPeers the bound of the correspondent table
     * @param sender the responder's sender
     * @param rr its RR authenticator
     * @param tunnel its reverse tunnel (for HoTI)
     * @param wheel its timers
     * @param random the source of cookies and sequence numbers
     * @param events who hears of bindings made and lost
     * @param limiterKey the secret of the attempt limiter's table
     */
    public RouteOptimiser(Ipv6Address anycast, Ipv6Address careOf, int lifetimeUnits, int maxPeers,
            MobilitySender sender, RrAuthenticator rr, ReverseTunnel tunnel, TimerWheel wheel, Random random,
            Events events, long limiterKey) {
        this.anycast = anycast;
        this.careOf = careOf;
        this.lifetimeUnits = lifetimeUnits;
        this.maxPeers = maxPeers;
        this.sender = sender;
        this.rr = rr;
        this.tunnel = tunnel;
        this.wheel = wheel;
        this.random = random;
        this.events = events;
        // one attempt a minute to a source /64 (bursts of 4), 50 a second in all
        this.attempts = new AnswerLimiter(ATTEMPT_INTERVAL_PER_PREFIX, ATTEMPT_INTERVAL, 4, 4096, limiterKey);
    }

    /**
     * RFC 6275 §11.7.2: a tunnelled packet from a correspondent may start route optimisation.
     *
     * @param initiator the packet's source
     * @param via the agent that delivered it
     * @param now the current time
     */
    public void tunnelled(Ipv6Address initiator, Ipv6Address via, long now) {
        if (peers.containsKey(initiator) || !initiator.isUnicastRoutable() || initiator.equals(careOf)
                || initiator.equals(anycast)) {
            return;
        }
        // the sources of tunnelled packets can be forged: each attempt sends HoTI and CoTI (and retries) to the
        // source, so attempts are rate-limited per source /64 and in total (no reflection, no amplification), and
        // a full table gives up a failed entry rather than refuse real initiators
        if (!attempts.allow(initiator.high(), now) || peers.size() >= maxPeers && !evictFailed()) {
            return;
        }
        Peer c = new Peer(initiator, via);
        peers.put(initiator, c);
        startTest(c, now);
    }

    /** Frees an entry held by a failed attempt (the spoofed sources'): false when every entry is alive. */
    private boolean evictFailed() {
        for (java.util.Iterator<Peer> it = peers.values().iterator(); it.hasNext();) {
            Peer c = it.next();
            if (c.state == RoState.FAILED) {
                wheel.cancel(c.timer);
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * @param initiator an initiator's address
     * @return true when route-optimised with it
     */
    public boolean isBound(Ipv6Address initiator) {
        Peer c = peers.get(initiator);
        return c != null && c.state == RoState.BOUND;
    }

    /** @return true when no initiator is known (no attempt, no binding): a per-packet check that allocates nothing */
    public boolean isEmpty() {
        return peers.isEmpty();
    }

    /**
     * The agent a bound correspondent's requests are accounted to.
     *
     * @param initiator an initiator's address
     * @return the agent that delivered its first packet, or null when not bound
     */
    public Ipv6Address via(Ipv6Address initiator) {
        Peer c = peers.get(initiator);
        return c != null && c.state == RoState.BOUND ? c.via : null;
    }

    /**
     * The Pseudo MIPv6 paper's hot swap: tells every bound correspondent that the responder "returned home", then
      * forgets all.
     *
     * @param now the current time
     */
    public void stop(long now) {
        for (Peer c : peers.values()) {
            if (c.state == RoState.BOUND) {
                sendBu(c, true);
            }
            wheel.cancel(c.timer);
        }
        peers.clear();
    }

    /** HoTI through the agent (reverse tunnel, home address as source), CoTI directly (RFC 6275 §5.2.1). */
    private void startTest(Peer c, long now) {
        c.state = RoState.TESTING;
        c.homeToken = null;
        c.careOfToken = null;
        // RFC 6275 §5.2.3, §11.8: every HoTI/CoTI, retransmissions included, carries a fresh cookie
        c.homeCookie = random.nextLong();
        c.careOfCookie = random.nextLong();
        tunnel.send(c.via, Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, anycast, c.cn), List.of(),
                new MobilityHeader(MobilityMessage.HomeTestInit.of(c.homeCookie))));
        sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, careOf, c.cn), List.of(),
                new MobilityHeader(MobilityMessage.CareOfTestInit.of(c.careOfCookie))));
        arm(c, now + c.timeout, t -> testTimeout(c, t));
    }

    private void arm(Peer c, long at, TimerWheel.Action a) {
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
        c.timeout = Math.min(c.timeout * 2, Registrations.MAX_BINDACK_TIMEOUT);
        startTest(c, now);
    }

    private void fail(Peer c, long now, String why) {
        LOG.debug("route optimisation with {} given up: {}", c.cn, why);
        c.state = RoState.FAILED;
        events.stopped(c.cn, why, now);
        arm(c, now + RO_HOLD_DOWN, t -> peers.remove(c.cn));
    }

    /**
     * A legacy correspondent answered HoTI/CoTI with Parameter Problem (RFC 6275 §11.6.2): tunnel only.
     *
     * @param cn the correspondent
     * @param now the current time
     */
    public void parameterProblem(Ipv6Address cn, long now) {
        Peer c = peers.get(cn);
        if (c != null && c.state != RoState.FAILED) {
            fail(c, now, "parameter problem");
        }
    }

    /**
     * A Home Test, received through the tunnel (RFC 6275 §11.6.2: accepted only for a test in progress, not yet
     * received, with the right cookie).
     *
     * @param cn the correspondent
     * @param hot the message
     * @param now the current time
     */
    public void homeTest(Ipv6Address cn, MobilityMessage.HomeTest hot, long now) {
        Peer c = peers.get(cn);
        if (c == null || c.state != RoState.TESTING || c.homeToken != null || hot.cookie() != c.homeCookie) {
            return;
        }
        c.homeToken = hot.keygenToken();
        c.homeIndex = hot.homeNonceIndex();
        tokensReady(c, now);
    }

    /**
     * A Care-of Test, received directly.
     *
     * @param cn the correspondent
     * @param cot the message
     * @param now the current time
     */
    public void careOfTest(Ipv6Address cn, MobilityMessage.CareOfTest cot, long now) {
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
            sendBu(c, false);
            arm(c, now + c.timeout, t -> testTimeout(c, t));
        }
    }

    /**
     * The RR-authorised BU (RFC 6275 §5.2.6, §6.2.7): Nonce Indices and Binding Authorization Data, lifetime at
     * most MAX_RR_BINDING_LIFETIME. A deregistration ("returned home", Pseudo MIPv6 paper) has lifetime 0, care-of
      * nonce
     * index 0, and Kbm from the home token alone, the authenticator computed with the home address.
     */
    private void sendBu(Peer c, boolean returnedHome) {
        c.sequence = (c.sequence + 1) & 0xffff;
        int lifetime = returnedHome ? 0 : Math.min(lifetimeUnits, Lifetimes.MAX_RR_BINDING_LIFETIME_UNITS);
        byte[] kbm = returnedHome ? rr.functions().kbm(c.homeToken, null)
                : rr.functions().kbm(c.homeToken, c.careOfToken);
        sender.rrBindingUpdate(careOf, c.cn, anycast, c.sequence, MobilityMessage.BindingUpdate.FLAG_A, lifetime,
                new MobilityOption.NonceIndices(c.homeIndex, returnedHome ? 0 : c.careOfIndex), kbm);
    }

    /**
     * A Binding Acknowledgement from a correspondent (RFC 6275 §11.7.3): it must answer the outstanding BU and
     * carry a valid authenticator; 136-138 (expired nonces) restart the test.
     *
     * @param cn the correspondent
     * @param ba the message
     * @param now the current time
     * @return false when it was for no known correspondent
     */
    public boolean acknowledgement(Ipv6Address cn, MobilityMessage.BindingAcknowledgement ba, long now) {
        Peer c = peers.get(cn);
        if (c == null) {
            return false;
        }
        if (c.state != RoState.TESTING || c.homeToken == null || c.careOfToken == null || ba.sequence() != c.sequence) {
            return true;
        }
        int status = ba.status();
        if (status == BaStatus.EXPIRED_HOME_NONCE_INDEX.code() || status == BaStatus.EXPIRED_CARE_OF_NONCE_INDEX.code()
                || status == BaStatus.EXPIRED_NONCES.code()) {
            startTest(c, now); // expired nonces: run the test again
            return true;
        }
        if (!rr.verify(rr.functions().kbm(c.homeToken, c.careOfToken), careOf, c.cn, ba)) {
            return true;
        }
        if (status < 128) {
            c.state = RoState.BOUND;
            c.attempts = 0;
            c.timeout = Registrations.INITIAL_BINDACK_TIMEOUT;
            LOG.debug("route optimised with {}", c.cn);
            events.bound(c.cn, now);
            arm(c, now + Math.min(RO_REFRESH, Lifetimes.toNanos(ba.lifetime()) * 4 / 5), t -> {
                c.attempts = 0;
                startTest(c, t);
            });
        } else {
            fail(c, now, "status " + status);
        }
        return true;
    }

    /**
     * A Binding Error from a correspondent that has no binding for us (RFC 6275 §11.3.6): back to the tunnel,
     * test again later.
     *
     * @param cn the correspondent
     * @param be the message
     * @param now the current time
     * @return false when it was for no known correspondent or another home address
     */
    public boolean bindingError(Ipv6Address cn, MobilityMessage.BindingError be, long now) {
        Peer c = peers.get(cn);
        if (c == null || !be.homeAddress().equals(anycast)) {
            return false;
        }
        wheel.cancel(c.timer);
        peers.remove(cn);
        events.stopped(cn, "binding error " + be.status(), now);
        return true;
    }

    /**
     * A packet a bound correspondent sent directly with a type 2 routing header (RFC 6275 §11.3.3): Segments Left
     * 1 and the home address ours, else silently discarded. Returns it as if it had been sent to the home address.
     *
     * @param p the packet
     * @return the packet from the correspondent to the anycast address, or null when it is not acceptable
     */
    public Ipv6Packet asHome(Ipv6Packet p) {
        Ipv6Address cn = p.header().source();
        ExtensionHeader.Type2Routing rh = p.type2Routing().orElse(null);
        if (rh == null || rh.segmentsLeft() != 1 || !rh.homeAddress().equals(anycast) || !isBound(cn)) {
            return null;
        }
        Ipv6Header h = p.header();
        List<ExtensionHeader> rest = new ArrayList<>(p.extensions());
        rest.remove(rh);
        return new Ipv6Packet(new Ipv6Header(h.trafficClass(), h.flowLabel(), h.hopLimit(), cn, anycast), rest,
                p.upper());
    }

    /**
     * A reply route-optimised with its destination (RFC 6275 §11.3.1: built with the home address, then the Home
     * Address option, then the care-of address as source).
     *
     * @param reply the reply, from the anycast address
     */
    public void sendDirect(Ipv6Packet reply) {
        Ipv6Header h = reply.header();
        sender.send(Ipv6Packet.build(new Ipv6Header(h.trafficClass(), h.flowLabel(), h.hopLimit(), careOf,
                h.destination()), List.of(ExtensionHeader.DestinationOptions.homeAddress(anycast)), reply.upper()));
    }
}
