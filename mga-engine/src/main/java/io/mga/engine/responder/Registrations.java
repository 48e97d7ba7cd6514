package io.mga.engine.responder;

import io.mga.api.Ipv6Address;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.engine.mobility.AnswerLimiter;
import io.mga.engine.mobility.Lifetimes;
import io.mga.engine.mobility.MnHaKey;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.RateLimitedLog;
import io.mga.engine.mobility.ReplayClock;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.BaStatus;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.mga.WeightLoad;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder's home registrations, one state machine per agent (RFC 6275 §11.7.1, §11.8; RFC 4285): a BU with
 * H=1, A=1, the Home Address option (the anycast address), an Alternate Care-of Address option, the Binding
 * Identifier (Advanced Model), the weight/load option, the replay-protection timestamp, and the MN-HA
 * authentication option last. The first retransmission timer is InitialBindackTimeoutFirstReg (1.5 s), later ones
 * INITIAL_BINDACK_TIMEOUT (1 s), doubling to MAX_BINDACK_TIMEOUT (32 s) and continuing at that rate; every
 * retransmission uses a new sequence number. Refreshes come at the agent's Binding Refresh Advice, or at 80% of
 * the granted lifetime. Single-threaded.
 */
public final class Registrations {
    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);
    static final long FIRST_REG_TIMEOUT = 1_500_000_000L;
    /** RFC 6275 §12 INITIAL_BINDACK_TIMEOUT. */
    public static final long INITIAL_BINDACK_TIMEOUT = 1_000_000_000L;
    /** RFC 6275 §12 MAX_BINDACK_TIMEOUT. */
    public static final long MAX_BINDACK_TIMEOUT = 32_000_000_000L;
    /**
     * Refreshes triggered by Binding Refresh Requests: four a second in the long run (a forged BRR can do no more),
     * enough for an agent's liveness probes every 500 ms and a probe after a tunnel error between them. A flood of
     * forged BRRs cannot starve the agent's probes: the refreshes it draws go to the agent and answer them.
     */
    static final long REFRESH_REQUEST_INTERVAL = 250_000_000L;
    /** BUs sent again at once after a 135 or 144 before the backoff takes over. */
    static final int MAX_IMMEDIATE_RETRIES = 3;
    /** Deregistration retransmissions before giving up. */
    static final int MAX_DEREGISTRATION_TRIES = 5;
    /**
     * With agents that share one binding store: retransmissions unanswered (or refusals) before the registration
     * moves to the next agent of the store (1 + 2 + 4 s after a refresh's first BU, 1.5 + 3 + 6 s at the start).
     */
    static final int FAILOVER_AFTER = 3;

    /** Where a registration with one agent stands. */
    public enum Phase {
        /** Not registered and not trying. */
        IDLE,
        /** A BU is outstanding. */
        REGISTERING,
        /** Acknowledged; refreshes are scheduled. */
        REGISTERED,
        /** A deregistration (lifetime 0) is outstanding. */
        DEREGISTERING,
        /** The agent refused the last BU; retried with backoff, reported each time. */
        FAILED
    }

    /** What became of a Binding Acknowledgement. */
    public enum Verdict {
        /** It answered the outstanding BU and was acted on. */
        TAKEN,
        /** It did not authenticate. */
        UNAUTHENTICATED,
        /** It authenticated but answers no outstanding BU (late, duplicated or replayed). */
        UNMATCHED
    }

    /** Receives phase changes, on the responder's thread. */
    @FunctionalInterface
    public interface Events {
        /**
         * @param agent the agent
         * @param phase the new phase
         * @param status the BA status that caused it, or -1
         * @param now when
         */
        void phase(Ipv6Address agent, Phase phase, int status, long now);
    }

    private final class Link {
        final Ipv6Address agent;
        Phase phase = Phase.IDLE;
        int sequence;
        int outstanding = -1;
        long outstandingTimestamp;
        int lifetime;
        long timeout;
        int retransmissions;
        TimerWheel.Timer timer;
        /** BRR-triggered refreshes: four a second in the long run, four at once (a probe right after a BRR). */
        final AnswerLimiter refreshRequests = new AnswerLimiter(REFRESH_REQUEST_INTERVAL, REFRESH_REQUEST_INTERVAL,
                4, 1, 0);
        int immediate;

        Link(Ipv6Address agent, int firstSequence) {
            this.agent = agent;
            this.sequence = firstSequence;
        }
    }

    private final Ipv6Address anycast;
    private final Ipv6Address careOf;
    private final String identity;
    private final MnHaKey key;
    private final int bindingId;
    private final int lifetimeUnits;
    private final WeightLoad weightLoad;
    private final ReplayClock replay;
    private final MobilitySender sender;
    private final TimerWheel wheel;
    private final Events events;
    private final Map<Ipv6Address, Link> links = new LinkedHashMap<>();
    private final RateLimitedLog refusalLog;
    /** Agents sharing one binding store, in the order tried; empty: every agent is registered with on its own. */
    private List<Ipv6Address> ring = List.of();
    private java.util.function.IntSupplier firstSequences;

    /**
     * @param anycast the anycast (home) address
     * @param careOf the peer unicast (care-of) address
     * @param identity the responder's NAI
     * @param key its security association
     * @param bindingId its Binding ID (0: Basic Model, no option)
     * @param lifetimeUnits the lifetime asked for
     * @param weightLoad its weight and load
     * @param replay its replay-protection clock
     * @param sender its sender
     * @param wheel its timers
     * @param events who hears of phase changes
     */
    public Registrations(Ipv6Address anycast, Ipv6Address careOf, String identity, MnHaKey key, int bindingId,
            int lifetimeUnits, WeightLoad weightLoad, ReplayClock replay, MobilitySender sender, TimerWheel wheel,
            Events events) {
        this.anycast = anycast;
        this.careOf = careOf;
        this.identity = identity;
        this.key = key;
        this.bindingId = bindingId;
        this.lifetimeUnits = lifetimeUnits;
        this.weightLoad = weightLoad;
        this.replay = replay;
        this.sender = sender;
        this.wheel = wheel;
        this.events = events;
        this.refusalLog = new RateLimitedLog(10_000_000_000L);
    }

    /**
     * Adds an agent (idle until started).
     *
     * @param agent its address
     * @param firstSequence the sequence number to start from (RFC 6275 §11.7.1: random)
     * @return false if it was known already
     */
    public boolean add(Ipv6Address agent, int firstSequence) {
        return links.putIfAbsent(agent, new Link(agent, firstSequence)) == null;
    }

    /**
     * Adds an agent and starts registering with it at once (an agent found by discovery).
     *
     * @param agent its address
     * @param firstSequence the sequence number to start from
     * @param now the current time
     * @return false if it was known already (nothing is sent)
     */
    public boolean addAndStart(Ipv6Address agent, int firstSequence, long now) {
        if (!add(agent, firstSequence)) {
            return false;
        }
        Link l = links.get(agent);
        l.timeout = FIRST_REG_TIMEOUT;
        setPhase(l, Phase.REGISTERING, -1, now);
        sendBu(l, lifetimeUnits, now);
        return true;
    }

    /**
     * Agents that share one binding store (issue 14): a registration with any one of them serves through all, so
     * the responder holds one registration at a time, with the first agent it was given, and moves it to the next
     * of {@code ring} (round robin) when the one it holds stops answering ({@link #FAILOVER_AFTER} unanswered
     * retransmissions) or refuses it: a binding then outlives an agent that stays down longer than its lifetime.
     * The one it left goes idle (two registrations of one binding through two agents would race each other's
     * sequence numbers).
     *
     * @param agents the agents of the store, in the order to try them, at most 128
     * @param firstSequences random first sequence numbers for agents added on the way (RFC 6275 §11.7.1)
     */
    public void shareOneStore(List<Ipv6Address> agents, java.util.function.IntSupplier firstSequences) {
        if (agents.size() > 128) {
            throw new IllegalArgumentException("at most 128 agents share a store");
        }
        this.ring = List.copyOf(agents);
        this.firstSequences = firstSequences;
    }

    /** The agent after {@code agent} in the ring, or null when there is no other. */
    private Ipv6Address nextInRing(Ipv6Address agent) {
        int n = ring.size();
        if (n < 2 && (n == 0 || ring.get(0).equals(agent))) {
            return null;
        }
        int i = ring.indexOf(agent);
        return ring.get((i + 1) % n); // not in the ring (i = -1): its first
    }

    /** Moves the registration held with {@code from} to the next agent of the store; false if there is none. */
    private boolean failOver(Link from, long now) {
        Ipv6Address next = nextInRing(from.agent);
        if (next == null) {
            return false;
        }
        wheel.cancel(from.timer);
        from.outstanding = -1;
        setPhase(from, Phase.IDLE, -1, now);
        refusalLog.warn(LOG, now, "agent {} did not take the registration of {} for {} ({} tries): registering with"
                + " {}, which shares its binding store", from.agent, identity, anycast, from.retransmissions, next);
        Link to = links.get(next);
        if (to == null) {
            return addAndStart(next, firstSequences.getAsInt(), now);
        }
        if (to.phase == Phase.IDLE || to.phase == Phase.FAILED) {
            to.timeout = FIRST_REG_TIMEOUT;
            to.retransmissions = 0;
            to.immediate = 0;
            setPhase(to, Phase.REGISTERING, -1, now);
            sendBu(to, lifetimeUnits, now);
        }
        return true;
    }

    /** @return the number of agents known */
    public int size() {
        return links.size();
    }

    /**
     * @param a an address
     * @return true when it is one of the agents
     */
    public boolean isAgent(Ipv6Address a) {
        return links.containsKey(a);
    }

    /** @return the agents' addresses */
    public Collection<Ipv6Address> agents() {
        return List.copyOf(links.keySet());
    }

    /**
     * @param agent an agent
     * @return its phase (IDLE when unknown)
     */
    public Phase phase(Ipv6Address agent) {
        Link l = links.get(agent);
        return l == null ? Phase.IDLE : l.phase;
    }

    /**
     * Starts registering with every idle or failed agent (with agents sharing one store, with the first only).
     *
     * @param now the current time
     */
    public void start(long now) {
        boolean one = !ring.isEmpty(); // agents sharing a store: one registration, with the first
        if (one && links.values().stream().anyMatch(x -> x.phase == Phase.REGISTERED
                || x.phase == Phase.REGISTERING)) {
            return;
        }
        for (Link l : links.values()) {
            if (l.phase == Phase.IDLE || l.phase == Phase.FAILED) {
                l.timeout = FIRST_REG_TIMEOUT;
                l.retransmissions = 0;
                setPhase(l, Phase.REGISTERING, -1, now);
                sendBu(l, lifetimeUnits, now);
                if (one) {
                    return;
                }
            }
        }
    }

    /**
     * Deregisters from every agent registered or registering (lifetime 0, retransmitted until acknowledged).
     *
     * @param now the current time
     */
    public void stop(long now) {
        for (Link l : links.values()) {
            if (l.phase == Phase.REGISTERED || l.phase == Phase.REGISTERING) {
                l.timeout = INITIAL_BINDACK_TIMEOUT;
                l.retransmissions = 0;
                setPhase(l, Phase.DEREGISTERING, -1, now);
                sendBu(l, 0, now);
            } else if (l.phase == Phase.FAILED) {
                wheel.cancel(l.timer); // refused: there is no binding to delete, only the retries to stop
                l.outstanding = -1;
                setPhase(l, Phase.IDLE, -1, now);
            }
        }
    }

    private void setPhase(Link l, Phase p, int status, long now) {
        if (l.phase != p) {
            l.phase = p;
            events.phase(l.agent, p, status, now);
        }
    }

    private void sendBu(Link l, int lifetime, long now) {
        l.sequence = (l.sequence + 1) & 0xffff;
        l.outstanding = l.sequence;
        List<MobilityOption> opts = new ArrayList<>(5);
        opts.add(new MobilityOption.AlternateCareOfAddress(careOf));
        if (bindingId != 0) {
            opts.add(MobilityOption.BindingIdentifier.of(bindingId, 0, careOf));
        }
        if (!weightLoad.equals(WeightLoad.DEFAULT)) {
            opts.add(weightLoad.toOption());
        }
        opts.add(MobilityOption.MobileNodeIdentifier.nai(identity));
        l.outstandingTimestamp = replay.next(now);
        l.lifetime = lifetime;
        opts.add(new MobilityOption.ReplayProtection(l.outstandingTimestamp));
        sender.homeBindingUpdate(careOf, l.agent, anycast, l.sequence,
                MobilityMessage.BindingUpdate.FLAG_A | MobilityMessage.BindingUpdate.FLAG_H, lifetime, opts, key);
        arm(l, now + l.timeout, t -> retransmit(l, lifetime, t));
    }

    private void arm(Link l, long at, TimerWheel.Action action) {
        wheel.cancel(l.timer);
        l.timer = wheel.schedule(at, action);
    }

    private void retransmit(Link l, int lifetime, long now) {
        if (l.phase != Phase.REGISTERING && l.phase != Phase.DEREGISTERING && l.phase != Phase.FAILED) {
            return;
        }
        // RFC 6275 §11.8: double the timeout up to MAX_BINDACK_TIMEOUT, then continue at that rate
        l.timeout = Math.min(l.timeout * 2, MAX_BINDACK_TIMEOUT);
        l.retransmissions++;
        if (l.phase == Phase.DEREGISTERING && l.retransmissions > MAX_DEREGISTRATION_TRIES) {
            setPhase(l, Phase.IDLE, -1, now);
            return;
        }
        if (l.phase != Phase.DEREGISTERING && l.retransmissions >= FAILOVER_AFTER && failOver(l, now)) {
            return;
        }
        sendBu(l, lifetime, now);
    }

    private void refresh(Link l, long now) {
        if (l.phase == Phase.REGISTERED) {
            l.timeout = INITIAL_BINDACK_TIMEOUT;
            setPhase(l, Phase.REGISTERING, -1, now);
            sendBu(l, lifetimeUnits, now);
        }
    }

    /**
     * RFC 6275 §11.7.4: a Binding Refresh Request from an agent: refresh at once, at most once a second.
     *
     * @param agent the agent it came from
     * @param now the current time
     */
    public void refreshRequested(Ipv6Address agent, long now) {
        Link l = links.get(agent);
        if (l == null || (l.phase != Phase.REGISTERED && l.phase != Phase.REGISTERING)
                || !l.refreshRequests.allow(0, now)) {
            return;
        }
        if (l.phase == Phase.REGISTERED) {
            refresh(l, now);
        } else {
            sendBu(l, l.lifetime, now); // a BU is outstanding: send the next at once (the agent is probing)
        }
    }

    /**
     * A Binding Acknowledgement from an agent. It is taken only if it authenticates (RFC 4285 §5.1) and answers the
     * outstanding BU: the same sequence number (RFC 6275 §11.7.3) and the timestamp echoed (RFC 4285 §6: the whole
     * timestamp, or its low 32 bits in a 144; otherwise silently discarded), so that no BA captured earlier or
     * obtained from the agent for another BU can be replayed into this registration. No BA ends the registration:
     * a refusal is reported and the BU retried with backoff (RFC 6275 §11.8).
     *
     * @param agent the agent it came from
     * @param ba the message
     * @param mnHa the authenticator to verify it with
     * @param now the current time
     * @return what became of it (the caller counts what was not taken)
     */
    public Verdict acknowledgement(Ipv6Address agent, MobilityMessage.BindingAcknowledgement ba, MnHaAuth mnHa,
            long now) {
        Link l = links.get(agent);
        if (l == null) {
            return Verdict.UNMATCHED;
        }
        int status = ba.status();
        boolean echoed = echoes(l, ba, status == BaStatus.MIPV6_ID_MISMATCH.code());
        if (!mnHa.verify(key.key().toArray(), careOf, anycast, ba)) {
            if (status == BaStatus.MIPV6_AUTH_FAIL.code() && l.outstanding >= 0 && ba.sequence() == l.outstanding
                    && echoed && l.phase != Phase.DEREGISTERING) {
                // the agent could not verify our MAC: its 146 is unsigned (see the agent's README), so it is a
                // hint, not a verdict; say so loudly and keep retrying with backoff
                refusalLog.warn(LOG, now, "agent {} could not verify the MN-HA authentication of {} (status 146): is"
                        + " the key for SPI {} the same on both sides?", l.agent, identity, key.spi());
                setPhase(l, Phase.FAILED, status, now);
            }
            return Verdict.UNAUTHENTICATED;
        }
        if (!echoed || l.outstanding < 0) {
            return Verdict.UNMATCHED;
        }
        if (status == BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code()) {
            // resynchronise on the agent's last accepted number, then try again at once (a few times in a row at
            // most; after that the retransmission timer's backoff paces it)
            l.sequence = ba.sequence();
            if (l.immediate++ < MAX_IMMEDIATE_RETRIES) {
                sendBu(l, l.lifetime, now);
            }
            return Verdict.TAKEN;
        }
        if (ba.sequence() != l.outstanding) {
            return Verdict.UNMATCHED;
        }
        l.outstanding = -1;
        l.immediate = 0;
        if (l.phase == Phase.DEREGISTERING) {
            wheel.cancel(l.timer);
            setPhase(l, Phase.IDLE, status, now);
            return Verdict.TAKEN;
        }
        if (status < 128) {
            long granted = Lifetimes.toNanos(ba.lifetime());
            long refresh = ba.option(MobilityOption.BindingRefreshAdvice.class)
                    .map(r -> Lifetimes.toNanos(r.refreshInterval())).orElse(granted * 4 / 5);
            l.timeout = INITIAL_BINDACK_TIMEOUT;
            l.retransmissions = 0;
            setPhase(l, Phase.REGISTERED, status, now);
            arm(l, now + Math.max(refresh, 1_000_000_000L), t -> refresh(l, t));
            return Verdict.TAKEN;
        }
        if (status == BaStatus.MIPV6_ID_MISMATCH.code()) {
            // RFC 4285 §6: resynchronise with the agent's clock (its high 32 bits) and retry
            ba.option(MobilityOption.ReplayProtection.class).ifPresent(rp -> replay.resynchronise(rp.timestamp(), now));
            if (l.immediate++ < MAX_IMMEDIATE_RETRIES) {
                sendBu(l, l.lifetime, now);
            }
            return Verdict.TAKEN;
        }
        if (status == BaStatus.INSUFFICIENT_RESOURCES.code()) {
            return Verdict.TAKEN; // the retransmission timer retries with backoff
        }
        // 129, 132, 133, 145, 146 (RFC 4285 §5.3: SHOULD stop sending BUs), 164, 174, ...: the agent's answer to
        // this BU, authenticated; the registration is retried with backoff, so that one BA cannot end it for good
        refusalLog.warn(LOG, now, "registration of {} for {} with {} refused: {} ({}); retrying in {} s", identity,
                anycast, l.agent, BaStatus.valueOf(status).name(), status, l.timeout / 1_000_000_000L);
        setPhase(l, Phase.FAILED, status, now);
        return Verdict.TAKEN;
    }

    /** Whether a BA echoes the outstanding BU's timestamp (a 144 echoes only its low 32 bits, RFC 4285 §6). */
    private static boolean echoes(Link l, MobilityMessage.BindingAcknowledgement ba, boolean idMismatch) {
        MobilityOption.ReplayProtection rp = ba.option(MobilityOption.ReplayProtection.class).orElse(null);
        if (rp == null) {
            return false;
        }
        return idMismatch ? (rp.timestamp() & 0xffff_ffffL) == (l.outstandingTimestamp & 0xffff_ffffL)
                : rp.timestamp() == l.outstandingTimestamp;
    }
}
