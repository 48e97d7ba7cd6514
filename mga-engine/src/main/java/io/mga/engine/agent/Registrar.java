package io.mga.engine.agent;

import io.mga.api.AnycastBinding;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.ResponderCredentials;
import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoredBinding;
import io.mga.engine.mobility.AnswerLimiter;
import io.mga.engine.mobility.BindingUpdateView;
import io.mga.engine.mobility.Lifetimes;
import io.mga.engine.mobility.MnHaKey;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.RateLimitedLog;
import io.mga.engine.mobility.ReplayGuard;
import io.mga.engine.mobility.Sequence;
import io.mga.engine.time.IntTimerWheel;
import io.mga.wire.BaStatus;
import io.mga.wire.MobilityOption;
import io.mga.wire.mga.WeightLoad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's registration pipeline (RFC 6275 §10.3.1 with RFC 4285 authentication, RFC 5648 Binding IDs) and
 * the soft state of its bindings: one timer per binding slot, a Binding Refresh Request at 90% of the lifetime
 * (§6.1.2), expiry at its end, the sequence numbers of deleted bindings kept for MAX_DELETE_BCE_TIMEOUT (§9.5.1).
 *
 * <p>Order of checks: Home Address option and H flag (else silent drop) → authentication option and known SPI
 * (else silent drop, RFC 4285 §5) → MAC (146) → timestamp (144/145) → served prefix (132) → authorisation (129) →
 * Binding ID (164) → care-of address (174) → sequence (135) → deregistration without binding (133) → Binding ID
 * owner (129) → quota (130) → share of the anycast address (130) → table bound (130) → the binding store's
 * conditional write: waiting writes bounded (130), store unreachable or silent for 2 s (130), replay mark not newer
 * than one any agent of the store committed (144), binding changed since this agent's copy (135). The BA with
 * status 0 goes only once the store committed (RFC 6275 §10.3.1); the embedded store commits at once, on this
 * thread, so the agent alone answers inline as it always did. Every BA is signed with the responder's key.
 *
 * <p>With a shared store the local copy is fed by the store's watch (events from every agent, handed to this
 * thread through a bounded queue and applied after the checks {@link #restore} makes), and only the agent that
 * committed a binding's last change sends it Binding Refresh Requests and liveness probes: a responder answers
 * only the agents it registered with, so another agent's probe would go unanswered and drop a live binding.
 * Single-threaded, but for the store's callbacks, which only queue.
 */
public final class Registrar {
    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
    /** RFC 6275 §12 MAX_DELETE_BCE_TIMEOUT: how long a deleted binding's sequence number is remembered. */
    static final long MAX_DELETE_BCE_NANOS = 10_000_000_000L;
    /**
     * The most binding timers one {@link #doWork} runs (refresh requests and expiries): a mass expiry is spread
     * over several duty cycles instead of stalling the forwarding for its whole length.
     */
    public static final int TIMERS_PER_POLL = 4096;
    /** Answers per second to one source /64 for BUs that fail authentication. */
    static final int ANSWERS_PER_SOURCE = 2;
    /** Answers per second in all for BUs that fail authentication. */
    static final int ANSWERS_TOTAL = 100;
    /** Flag bit of a binding whose timer is at 90% of its lifetime: a Binding Refresh Request is due there. */
    private static final int REFRESH_DUE = 1;
    /** Flag bit of a binding being probed after a tunnel error: its timer is the probe's deadline. */
    private static final int PROBING = 2;
    /** Probes after tunnel errors, per second, all bindings together. */
    static final int PROBES_PER_SECOND = 20;
    /** How long a BU's write may wait for the store before it is refused with 130 (the responder retries). */
    public static final long PENDING_TIMEOUT_NANOS = 2_000_000_000L;
    /** Store flag of a slot whose revision is the binding's own in the store (not a snapshot's). */
    private static final byte EXACT = 1;
    /** Store flag of a slot whose last change this agent committed: this agent probes it. */
    private static final byte MINE = 2;

    /** What happened to a binding. */
    public enum Change {
        /** A new binding. */
        REGISTERED,
        /** Refreshed by its responder. */
        REFRESHED,
        /** Taken over by another responder (Basic Model). */
        OVERWRITTEN,
        /** Deleted by its responder. */
        DEREGISTERED,
        /** Lapsed (soft state). */
        EXPIRED,
        /** Dropped when a probe (liveness, or after an error about its tunnel) got no answer. */
        UNREACHABLE,
        /** Dropped because the operator withdrew its responder's authorisation (a reload). */
        REVOKED
    }

    /** Receives what the pipeline decided, on the agent's thread. */
    public interface Events {
        /**
         * A binding changed.
         *
         * @param change what
         * @param before the binding before (null for a new one)
         * @param after the binding after (null when removed)
         * @param now when
         */
        void changed(Change change, AnycastBinding before, AnycastBinding after, long now);

        /**
         * A BU was refused with a BA, or dropped without one.
         *
         * @param from its source
         * @param status the BA status sent, or -1 when dropped silently
         * @param reason a few words
         * @param now when
         */
        void rejected(Ipv6Address from, int status, String reason, long now);
    }

    /** A deleted binding's last sequence number, remembered for MAX_DELETE_BCE_TIMEOUT (RFC 6275 §9.5.1). */
    private record SeqKey(int owner, Ipv6Address anycast, int bid) {
    }

    private record DeletedSeq(int sequence, long forgetAt) {
    }

    private final Ipv6Address address;
    private final ServedPrefixes served;
    private final boolean advanced;
    /** The most identities ever known (reloads add to them); a reload that would pass it is refused. */
    public static final int MAX_IDENTITIES = 65_536;

    private Map<Long, ResponderCredentials> bySpi = new HashMap<>();
    private final List<String> owners = new ArrayList<>();
    private final Map<String, Integer> ownerIds = new HashMap<>();
    private final int maxLifetimeUnits;
    private final boolean refreshRequests;
    private final ReplayGuard replay;
    private final BindingCache cache;
    private final IntTimerWheel timers;
    private final IntTimerWheel.Expiry onTimer = this::bindingTimer;
    private final MobilitySender sender;
    private final Events events;
    private final LinkedHashMap<SeqKey, DeletedSeq> deletedSequences = new LinkedHashMap<>();
    private final AgentStats stats;
    private final AnswerLimiter answers;
    private final AnswerLimiter probeLimit;
    private final int maxPerResponder;
    private final int maxPerResponderPerAnycast;
    private int[] owned;
    private final RateLimitedLog loopLog = new RateLimitedLog(10_000_000_000L);
    private final long probeTimeoutNanos;
    /** Liveness probes: the round's period (0: off), the most probes one round sends, when the next is due. */
    private long livenessInterval;
    private int livenessPerRound;
    private long nextRound;
    // the binding store (attachStore): per slot the revision of its last change and the store flags
    private BindingStore store;
    private boolean embedded = true;
    private EpochClock epoch;
    private int maxPending = 1;
    private int maxInbox = 1;
    private long[] rev = new long[0];
    private byte[] storeFlags = new byte[0];
    private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
    private long pendingIds;
    private final ConcurrentLinkedQueue<Answer> storeAnswers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<StoreEvent> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private volatile boolean overflowed;
    private volatile Runnable wake;
    private AutoCloseable watch;
    private long lastApplied;
    private boolean storeConnected = true;
    private final RateLimitedLog storeLog = new RateLimitedLog(10_000_000_000L);

    /**
     * @param address the agent's address
     * @param served the anycast prefixes served
     * @param advanced Advanced Model (Binding IDs) or Basic Model
     * @param responders the accepted responders
     * @param maxLifetimeUnits the longest lifetime granted
     * @param refreshRequests whether to send Binding Refresh Requests at 90% of a lifetime
     * @param replay the replay-protection guard
     * @param cache the binding cache
     * @param sender the agent's sender
     * @param events who hears of changes
     * @param stats the agent's counters
     * @param probeTimeoutNanos how long a probed binding has to answer with a refresh
     * @param maxPerResponder the most bindings one responder identity may hold, all anycast addresses together
     * @param maxPerResponderPerAnycast the most bindings one identity may hold for one anycast address
     * @param limiterKey the secret of the answer limiter's table
     * @param now the current time
     */
    public Registrar(Ipv6Address address, List<Ipv6Prefix> served, boolean advanced,
            List<ResponderCredentials> responders, int maxLifetimeUnits, boolean refreshRequests, ReplayGuard replay,
            BindingCache cache, MobilitySender sender, Events events, AgentStats stats, long probeTimeoutNanos,
            int maxPerResponder, int maxPerResponderPerAnycast, long limiterKey, long now) {
        this.address = address;
        this.served = new ServedPrefixes(served);
        this.advanced = advanced;
        this.bySpi = index(responders);
        for (ResponderCredentials c : responders) {
            if (!ownerIds.containsKey(c.identity())) {
                ownerIds.put(c.identity(), owners.size());
                owners.add(c.identity());
            }
        }
        this.maxLifetimeUnits = maxLifetimeUnits;
        this.refreshRequests = refreshRequests;
        this.replay = replay;
        this.cache = cache;
        this.timers = new IntTimerWheel(10_000_000L, now, 0);
        this.sender = sender;
        this.events = events;
        this.stats = stats;
        this.answers = new AnswerLimiter(1_000_000_000L / ANSWERS_PER_SOURCE, 1_000_000_000L / ANSWERS_TOTAL, 10, 4096,
                limiterKey);
        long probeInterval = 1_000_000_000L / PROBES_PER_SECOND;
        this.probeLimit = new AnswerLimiter(probeInterval, probeInterval, PROBES_PER_SECOND, 1, 0);
        this.probeTimeoutNanos = probeTimeoutNanos;
        this.maxPerResponder = maxPerResponder;
        this.maxPerResponderPerAnycast = maxPerResponderPerAnycast;
        this.owned = new int[owners.size()];
    }

    private static Map<Long, ResponderCredentials> index(List<ResponderCredentials> responders) {
        Map<Long, ResponderCredentials> m = new HashMap<>();
        for (ResponderCredentials c : responders) {
            if (m.put(c.spi(), c) != null) {
                throw new IllegalArgumentException("two responders share SPI " + c.spi());
            }
        }
        return m;
    }

    /**
     * Replaces the accepted responders (an operator's reload), keeping every binding whose responder identity is
     * still accepted for its anycast address: such a binding, its sequence number and its replay-protection state
     * (kept per SPI) stay as they were, also when the identity's key or SPI changed; its next refresh is checked
     * against the new credentials.
     *
     * <p>A binding whose identity is no longer listed, or may no longer serve its anycast address, is removed at
     * once and reported as {@link Change#REVOKED}. RFC 6275 leaves revocation to the operator; the agent keeps a
     * binding only for a responder it authorises (RFC 4285 §5 has it accept only Binding Updates that a security
     * association of its own verifies), and keeping a withdrawn responder in the cache until its lifetime ran out (up to the
     * maximum lifetime) would keep tunnelling traffic to a host the operator has just taken out.
     *
     * @param responders the new list (at least none; SPIs distinct)
     * @param now the current time
     * @return the number of bindings revoked
     * @throws IllegalArgumentException if two credentials share an SPI, or the identities ever known would pass
     *     {@link #MAX_IDENTITIES}; nothing changed then
     */
    public int replaceResponders(List<ResponderCredentials> responders, long now) {
        Map<Long, ResponderCredentials> next = index(responders);
        int fresh = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ResponderCredentials c : responders) {
            if (!ownerIds.containsKey(c.identity()) && seen.add(c.identity())) {
                fresh++;
            }
        }
        if (owners.size() + fresh > MAX_IDENTITIES) {
            throw new IllegalArgumentException("more than " + MAX_IDENTITIES + " responder identities since start");
        }
        for (ResponderCredentials c : responders) {
            if (!ownerIds.containsKey(c.identity())) {
                ownerIds.put(c.identity(), owners.size());
                owners.add(c.identity());
            }
        }
        if (owned.length < owners.size()) {
            owned = java.util.Arrays.copyOf(owned, owners.size());
        }
        this.bySpi = next;
        int revoked = 0;
        for (int s = 0; s < cache.slotLimit(); s++) {
            if (!cache.isLive(s)) {
                continue;
            }
            String identity = owners.get(cache.owner(s));
            Ipv6Address anycast = new Ipv6Address(cache.anycastHigh(s), cache.anycastLow(s));
            boolean allowed = false;
            for (ResponderCredentials c : responders) {
                if (c.identity().equals(identity) && c.mayServe(anycast)) {
                    allowed = true;
                    break;
                }
            }
            if (!allowed) {
                AnycastBinding gone = binding(s);
                forget(s, true);
                remove(s, cache.sequence(s), now);
                events.changed(Change.REVOKED, gone, null, now);
                revoked++;
            }
        }
        return revoked;
    }

    /** @return the accepted responders, in no particular order */
    public List<ResponderCredentials> responders() {
        return List.copyOf(bySpi.values());
    }

    /**
     * Runs the bindings' timers due by {@code now}.
     *
     * @param now the current time
     * @return timers run
     */
    public int doWork(long now) {
        int n = store != null && !embedded ? drainStore(now) : 0;
        n += timers.poll(now, onTimer, TIMERS_PER_POLL);
        if (livenessInterval != 0 && now - nextRound >= 0) {
            n += livenessRound(now);
        }
        return n;
    }

    /** @return when {@link #doWork} is due next */
    public long nextDeadline() {
        if (!inbox.isEmpty() || !storeAnswers.isEmpty() || overflowed) {
            return Long.MIN_VALUE; // store answers or events wait: due now
        }
        long d = timers.nextDeadline();
        if (!pending.isEmpty()) {
            long p = pending.values().iterator().next().received() + PENDING_TIMEOUT_NANOS;
            d = d == Long.MIN_VALUE ? d : d == Long.MAX_VALUE || p - d < 0 ? p : d;
        }
        if (livenessInterval == 0 || cache.usedCount() == 0 || d == Long.MIN_VALUE) {
            return d;
        }
        return d == Long.MAX_VALUE || nextRound - d < 0 ? nextRound : d;
    }

    /**
     * Turns on the liveness probes (fast failure detection): every {@code intervalNanos}, each binding that carried
     * traffic since the last round (the forwarder marks it, {@link BindingCache#markUsedAt}) is probed as after a
     * tunnel error: a Binding Refresh Request (RFC 6275 §6.1.2: "the mobile node SHOULD respond with a Binding
     * Update", which an authenticated refresh is), and the binding dropped as unreachable if none authenticates
     * within the probe timeout. Bounded per binding (one probe a round) and in all ({@code probesPerSecond}; what a
     * round cannot probe waits, in order, for the next). Idle bindings are never probed.
     *
     * @param intervalNanos the round's period, positive
     * @param probesPerSecond the most probes a second, positive
     * @param now the current time
     */
    public void liveness(long intervalNanos, int probesPerSecond, long now) {
        livenessInterval = intervalNanos;
        livenessPerRound = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                (long) probesPerSecond * intervalNanos / 1_000_000_000L));
        nextRound = now + intervalNanos;
        cache.trackUse();
    }

    private int livenessRound(long now) {
        nextRound = now + livenessInterval;
        int n = Math.min(cache.usedCount(), livenessPerRound);
        for (int i = 0; i < n; i++) {
            int s = cache.pollUsed();
            if (cache.isLive(s) && (cache.flags(s) & PROBING) == 0 && probes(s)) {
                probe(s, now);
            }
        }
        return n;
    }

    /**
     * @param hi the high half of an address
     * @param lo its low half
     * @return true when it is in a served prefix
     */
    public boolean serves(long hi, long lo) {
        return served.contains(hi, lo);
    }

    /** How many bindings of one anycast address an identity holds. */
    private int heldFor(Ipv6Address anycast, int ownerId) {
        int n = 0;
        for (int s = cache.find(anycast.high(), anycast.low()); s != BindingCache.NONE; s = cache.next(s)) {
            if (cache.owner(s) == ownerId) {
                n++;
            }
        }
        return n;
    }

    /**
     * The binding in a slot as a value.
     *
     * @param slot a live slot
     * @return the binding
     */
    public AnycastBinding binding(int slot) {
        return new AnycastBinding(new Ipv6Address(cache.anycastHigh(slot), cache.anycastLow(slot)),
                cache.bindingId(slot), new Ipv6Address(cache.careOfHigh(slot), cache.careOfLow(slot)),
                owners.get(cache.owner(slot)), cache.weight(slot), cache.load(slot), cache.expiresAt(slot));
    }

    /**
     * Handles a Binding Update sent to the agent.
     *
     * @param v the parsed BU
     * @param now the current time
     */
    public void bindingUpdate(BindingUpdateView v, long now) {
        Ipv6Address src = v.source();
        // a BU comes from a care-of address: never answer one "from" a multicast, link-local or own address
        if (!src.isUnicastRoutable() || src.equals(address)) {
            drop(now, src, "source is not a unicast care-of address");
            return;
        }
        // RFC 6275 §10.3.1: a home registration carries a Home Address option; it names the anycast address
        if (v.homeAddress() == null || !v.isHomeRegistration()) {
            drop(now, src, "not a home registration (no Home Address option or H=0)");
            return;
        }
        Ipv6Address anycast = v.homeAddress();
        // RFC 4285 §5: a BU without the authentication option when one is expected is discarded silently;
        // an unknown SPI (no security association) likewise
        MobilityOption.Authentication a = v.authentication();
        if (a == null) {
            drop(now, src, "no MN-HA authentication option");
            return;
        }
        ResponderCredentials cred = bySpi.get(a.spi());
        if (cred == null) {
            drop(now, src, "unknown SPI " + a.spi());
            return;
        }
        Ipv6Address careOf = v.careOf();
        Reply reply = new Reply(src, anycast, careOf, v.bu().sequence(), new MnHaKey(cred.spi(), cred.key()));
        // RFC 4285 §5.1: verification fails and an SA exists: BA with status 146 (unsigned, rate-limited: it
        // answers input nobody authenticated)
        if (!sender.mnHa().verify(cred.key().toArray(), careOf, anycast, v.bu())) {
            stats.rejected++;
            if (answers.allow(src.high(), now)) {
                sender.authenticationFailure(address, src, anycast, v.bu().sequence(), v.timestamp(), a);
                events.rejected(src, BaStatus.MIPV6_AUTH_FAIL.code(), "authentication failed", now);
            } else {
                events.rejected(src, -1, "authentication failed (answer rate-limited)", now);
            }
            return;
        }
        // RFC 4285 §6: the timestamp must be newer than any accepted before and close to our clock
        switch (replay.check(cred.spi(), v.timestamp(), now)) {
            case MISSING -> {
                reject(reply, now, BaStatus.MIPV6_MESG_ID_REQD.code(), "replay protection required");
                return;
            }
            case STALE -> {
                reply.timestamp = replay.resynchronisation(v.timestamp(), now);
                reject(reply, now, BaStatus.MIPV6_ID_MISMATCH.code(), "replayed or stale timestamp");
                return;
            }
            case ACCEPTED -> reply.timestamp = v.timestamp();
            case NOT_REQUIRED -> { }
        }
        if (!serves(anycast.high(), anycast.low()) || anycast.isUnspecified()) { // :: is no anycast address
            reject(reply, now, BaStatus.NOT_HOME_SUBNET.code(), anycast + " is not served here");
            return;
        }
        if (!cred.mayServe(anycast)) {
            reject(reply, now, BaStatus.ADMINISTRATIVELY_PROHIBITED.code(),
                    cred.identity() + " may not serve " + anycast);
            return;
        }
        int bid = 0;
        if (advanced) {
            MobilityOption.BindingIdentifier bidOpt = v.bindingId();
            if (bidOpt == null || bidOpt.bid() == 0) {
                // RFC 5648 §4.4, §6: a malformed or missing Binding Identifier
                reject(reply, now, BaStatus.MCOA_MALFORMED.code(), "Advanced Model needs a Binding Identifier");
                return;
            }
            bid = bidOpt.bid();
            reply.bid = bid;
            careOf = bidOpt.ipv6CareOfAddress().orElse(careOf);
        }
        if (!careOf.isUnicastRoutable()) {
            reject(reply, now, BaStatus.INVALID_CARE_OF_ADDRESS.code(), "care-of address not unicast routable");
            return;
        }
        // RFC 6275 §9.5.1: lifetime 0, or the care-of address (after the Binding Identifier's, RFC 5648) equal to
        // the home address, is a deregistration
        boolean dereg = v.bu().lifetime() == 0 || careOf.equals(anycast);
        // a care-of address that leads back to the agent (its own address, an anycast address it serves) would
        // make the tunnel a loop that re-encapsulates each packet with a fresh hop limit (RFC 2473 §4.1.1)
        if (!dereg && (careOf.equals(address) || serves(careOf.high(), careOf.low()))) {
            loopLog.warn(LOG, now, "refused {}'s care-of address {} for {}: it leads back to this agent", cred.identity(),
                    careOf, anycast);
            reject(reply, now, BaStatus.INVALID_CARE_OF_ADDRESS.code(), "care-of address leads back to the agent");
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
        int sequence = v.bu().sequence();
        if (last >= 0 && !Sequence.isNewer(sequence, last)) {
            reply.sequence = last;
            reject(reply, now, BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code(), "sequence number out of window");
            return;
        }
        if (dereg) {
            // RFC 6275 §10.3.2: no binding for this MN: 133; else BA 0 with lifetime 0
            if (existing == BindingCache.NONE || cache.owner(existing) != ownerId) {
                reject(reply, now, BaStatus.NOT_HOME_AGENT_FOR_THIS_MN.code(), "no binding to delete");
                return;
            }
            write(new Pending(reply, cred, ownerId, new BindingKey(anycast, bid), null, 0, 0, now), existing, now);
            return;
        }
        if (existing != BindingCache.NONE && advanced && cache.owner(existing) != ownerId) {
            reject(reply, now, BaStatus.ADMINISTRATIVELY_PROHIBITED.code(),
                    "binding id " + bid + " belongs to " + owners.get(cache.owner(existing)));
            return;
        }
        boolean takesOne = existing == BindingCache.NONE || cache.owner(existing) != ownerId;
        if (takesOne && owned[ownerId] >= maxPerResponder) {
            reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), cred.identity() + " holds its quota of "
                    + maxPerResponder + " bindings");
            return;
        }
        // one identity takes at most its share of an anycast address's room, so that another can still register
        // there (a walk of one chain, bounded by maxBindingsPerAnycast, and only for a new Binding ID)
        if (advanced && existing == BindingCache.NONE
                && heldFor(anycast, ownerId) >= maxPerResponderPerAnycast) {
            reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), cred.identity() + " holds its share of "
                    + maxPerResponderPerAnycast + " bindings for " + anycast);
            return;
        }
        if (existing == BindingCache.NONE && (cache.size() >= cache.maxBindings()
                || cache.chainLength(cache.find(anycast.high(), anycast.low())) >= cache.maxPerAnycast())) {
            reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), cache.size() >= cache.maxBindings()
                    ? "binding cache full" : "too many bindings for " + anycast);
            return;
        }
        int granted = Math.min(v.bu().lifetime(), maxLifetimeUnits);
        long lifetime = Lifetimes.toNanos(granted);
        long expires = now + lifetime;
        WeightLoad wl = v.weightLoad();
        int weight = wl != null ? wl.weight() : existing != BindingCache.NONE ? cache.weight(existing) : 1;
        int load = wl != null ? wl.load() : existing != BindingCache.NONE ? cache.load(existing) : 0;
        StoredBinding sb = new StoredBinding(new BindingKey(anycast, bid), careOf, cred.identity(), weight, load,
                sequence, lifetime, epoch.unixNanos(expires));
        write(new Pending(reply, cred, ownerId, sb.key(), sb, granted, expires, now), existing, now);
    }

    // ------------------------------------------------------------------ the binding store (issue 14)

    /**
     * Connects the pipeline to its binding store and starts the store's watch: from now on every accepted
     * registration, refresh and deregistration is written through the store and acknowledged only once the store
     * committed it (RFC 6275 §10.3.1: "the home agent MUST ... create a new entry in its binding cache" before it
     * returns a BA with status 0: with a store, the entry is the store's), and the local copy is fed by the watch.
     *
     * @param s the store
     * @param embeddedStore true when the store is the agent's own {@code LocalBindingStore} (every binding is this
     *     agent's: it probes and expires them all, and mirrors its local removals into the store; it has no watch,
     *     since all it could tell is what the agent applied already)
     * @param clock the wall clock stored lifetimes are told in
     * @param pendingLimit the most writes waiting for the store at once
     * @param inboxLimit the most watch events waiting for the agent's thread; beyond it the agent resynchronises
     *     from a new snapshot
     */
    public void attachStore(BindingStore s, boolean embeddedStore, EpochClock clock, int pendingLimit,
            int inboxLimit) {
        this.store = java.util.Objects.requireNonNull(s, "store");
        this.embedded = embeddedStore;
        this.epoch = java.util.Objects.requireNonNull(clock, "clock");
        this.maxPending = pendingLimit;
        this.maxInbox = inboxLimit;
        // the embedded store holds only what this agent wrote, applied already: nothing to hear from it
        this.watch = embeddedStore ? null : s.watch(this::heard);
    }

    /**
     * Who to call (from the store's threads) when a store answer or event waits for the agent's thread: the live
     * runner's wake-up. Null for none (a simulation polls {@link #nextDeadline}).
     *
     * @param w the wake-up, or null
     */
    public void wakeup(Runnable w) {
        this.wake = w;
    }

    /** A BU the store has not answered yet: what its BA and its application need. */
    private record Pending(Reply reply, ResponderCredentials cred, int ownerId, BindingKey key, StoredBinding put,
            int granted, long expires, long received) {
    }

    /** A store's answer, handed to the agent's thread. */
    private record Answer(long id, StoreResult result) {
    }

    /** Writes a BU's change through the store; applies and answers at once if the store answered at once. */
    private void write(Pending p, int existing, long now) {
        if (pending.size() >= maxPending) {
            stats.storeBusy++;
            stats.storeUnavailable++;
            storeLog.warn(LOG, now, "{} writes wait for the binding store: refusing {}'s BU with 130", maxPending,
                    p.cred().identity());
            reject(p.reply(), now, BaStatus.INSUFFICIENT_RESOURCES.code(), "binding store busy");
            return;
        }
        long expected = expected(existing);
        ReplayMark mark = p.reply().timestamp != null ? new ReplayMark(p.cred().spi(), p.reply().timestamp) : null;
        CompletableFuture<StoreResult> f;
        try {
            f = (p.put() != null ? store.put(p.put(), expected, mark) : store.remove(p.key(), expected, mark))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(new StoreResult.Unavailable(String.valueOf(e.getMessage())));
        }
        if (f.isDone()) {
            finish(p, result(f), now);
            return;
        }
        long id = ++pendingIds;
        pending.put(id, p);
        f.whenComplete((r, t) -> {
            storeAnswers.offer(new Answer(id, r != null ? r : new StoreResult.Unavailable(String.valueOf(t))));
            ring();
        });
    }

    private static StoreResult result(CompletableFuture<StoreResult> f) {
        try {
            StoreResult r = f.join();
            return r != null ? r : new StoreResult.Unavailable("no answer");
        } catch (RuntimeException e) {
            return new StoreResult.Unavailable(String.valueOf(e.getMessage()));
        }
    }

    private void ring() {
        Runnable w = wake;
        if (w != null) {
            w.run();
        }
    }

    /** The store answered a BU's write: apply and acknowledge, or refuse. */
    private void finish(Pending p, StoreResult r, long now) {
        Reply reply = p.reply();
        if (r instanceof StoreResult.Committed c) {
            if (p.put() == null) {
                int s = cache.find(p.key().anycast().high(), p.key().anycast().low(), p.key().bindingId());
                if (s != BindingCache.NONE && cache.owner(s) == p.ownerId()) {
                    AnycastBinding gone = binding(s);
                    remove(s, reply.sequence, now);
                    events.changed(Change.DEREGISTERED, gone, null, now);
                } else {
                    deletedSequences.put(new SeqKey(p.ownerId(), p.key().anycast(), p.key().bindingId()),
                            new DeletedSeq(reply.sequence, now + MAX_DELETE_BCE_NANOS));
                }
                acknowledge(reply, BaStatus.ACCEPTED.code(), 0);
                return;
            }
            String why = applyStored(p.put(), c.revision(), true, true, p.expires(), now);
            if (why != null) {
                reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), "committed but not applied: " + why);
                return;
            }
            acknowledge(reply, BaStatus.ACCEPTED.code(), p.granted());
        } else if (r instanceof StoreResult.Conflict c && c.reason() == StoreResult.Reason.STALE_TIMESTAMP) {
            // RFC 4285 §6: a timestamp not newer than one accepted before (by any agent of the store): 144
            stats.storeConflicts++;
            reply.timestamp = replay.resynchronisation(reply.timestamp != null ? reply.timestamp : 0, now);
            reject(reply, now, BaStatus.MIPV6_ID_MISMATCH.code(), "replayed or stale timestamp (binding store)");
        } else if (r instanceof StoreResult.Conflict) {
            // another agent changed the binding since this one's copy: 135 with the newest sequence number
            // known, which the responder takes to resynchronise and send again at once (RFC 6275 §9.5.1)
            stats.storeConflicts++;
            int s = cache.find(p.key().anycast().high(), p.key().anycast().low(), p.key().bindingId());
            if (s != BindingCache.NONE && cache.owner(s) == p.ownerId()
                    && Sequence.isNewer(cache.sequence(s), reply.sequence)) {
                reply.sequence = cache.sequence(s);
            }
            reject(reply, now, BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code(), "binding changed in the store");
        } else if (r instanceof StoreResult.Unavailable u) {
            // a status the responder retries with backoff (130), never one it takes as a configuration error
            stats.storeUnavailable++;
            storeLog.warn(LOG, now, "binding store unavailable ({}): {}'s BU refused with 130, forwarding"
                    + " continues from the local copy", u.why(), p.cred().identity());
            reject(reply, now, BaStatus.INSUFFICIENT_RESOURCES.code(), "binding store unavailable: " + u.why());
        }
    }

    /** The watch, on the store's thread: events wait for the agent's thread, in a bounded queue. */
    private void heard(StoreEvent e) {
        if (inboxSize.incrementAndGet() > maxInbox) {
            inboxSize.decrementAndGet();
            overflowed = true;
        } else {
            inbox.offer(e);
        }
        ring();
    }

    /** On the agent's thread: the store's answers and events that arrived, at most {@value #TIMERS_PER_POLL}. */
    private int drainStore(long now) {
        int n = 0;
        for (Answer a; n < TIMERS_PER_POLL && (a = storeAnswers.poll()) != null; n++) {
            Pending p = pending.remove(a.id());
            if (p != null) {
                finish(p, a.result(), now);
            }
        }
        if (overflowed && watch != null) {
            // events were lost: start again from a snapshot
            overflowed = false;
            inbox.clear();
            inboxSize.set(0);
            storeLog.warn(LOG, now, "more than {} binding store events waited: resynchronising from a snapshot",
                    maxInbox);
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing the store's watch", e);
            }
            watch = store.watch(this::heard);
        }
        for (StoreEvent e; n < TIMERS_PER_POLL && (e = inbox.poll()) != null; n++) {
            inboxSize.decrementAndGet();
            apply(e, now);
        }
        if (!pending.isEmpty()) {
            Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
            while (it.hasNext()) {
                Pending p = it.next().getValue();
                if (now - p.received() < PENDING_TIMEOUT_NANOS) {
                    break;
                }
                it.remove();
                stats.storeUnavailable++;
                storeLog.warn(LOG, now, "the binding store did not answer within {} ms: {}'s BU refused with 130",
                        PENDING_TIMEOUT_NANOS / 1_000_000, p.cred().identity());
                reject(p.reply(), now, BaStatus.INSUFFICIENT_RESOURCES.code(), "binding store did not answer");
            }
        }
        return n;
    }

    /** One event of the watch, from this agent or another, into the local copy. */
    private void apply(StoreEvent e, long now) {
        if (e instanceof StoreEvent.Put p) {
            lastApplied = Math.max(lastApplied, p.revision());
            long offset = epoch.unixNanos(now) - now;
            String why = applyStored(p.binding(), p.revision(), true, false,
                    p.binding().expiresAtUnixNanos() - offset, now);
            if (why != null) {
                stats.storeRefused++;
                LOG.debug("binding from the store left out: {}: {}", why, p.binding());
            }
        } else if (e instanceof StoreEvent.Removed r) {
            lastApplied = Math.max(lastApplied, r.revision());
            int s = cache.find(r.key().anycast().high(), r.key().anycast().low(), r.key().bindingId());
            if (s != BindingCache.NONE && rev[s] < r.revision()) {
                AnycastBinding gone = binding(s);
                remove(s, cache.sequence(s), now);
                events.changed(r.expired() ? Change.EXPIRED : Change.DEREGISTERED, gone, null, now);
            }
        } else if (e instanceof StoreEvent.Snapshot sn) {
            snapshot(sn, now);
        } else if (e instanceof StoreEvent.Connectivity c) {
            storeConnected = c.connected();
            if (c.connected()) {
                LOG.info("binding store reachable: {}", c.why());
            } else {
                LOG.warn("binding store unreachable: {}; forwarding continues from the local copy, new"
                        + " registrations are refused with 130", c.why());
            }
        }
    }

    /** A snapshot replaces the copy: what it holds is applied, what it lacks (and is not newer) goes. */
    private void snapshot(StoreEvent.Snapshot sn, long now) {
        lastApplied = Math.max(lastApplied, sn.revision());
        long offset = epoch.unixNanos(now) - now;
        java.util.Set<BindingKey> keys = new java.util.HashSet<>();
        for (StoredBinding b : sn.bindings()) {
            keys.add(b.key());
            int s = cache.find(b.key().anycast().high(), b.key().anycast().low(), b.key().bindingId());
            if (s != BindingCache.NONE && same(s, b)) {
                rev[s] = Math.max(rev[s], sn.revision()); // unchanged; its own revision stays exact if it was
                continue;
            }
            String why = applyStored(b, sn.revision(), false, false, b.expiresAtUnixNanos() - offset, now);
            if (why != null) {
                stats.storeRefused++;
                LOG.debug("binding from the store left out: {}: {}", why, b);
            }
        }
        for (int s = 0; s < cache.slotLimit(); s++) {
            if (cache.isLive(s) && rev[s] <= sn.revision() && !keys.contains(new BindingKey(
                    new Ipv6Address(cache.anycastHigh(s), cache.anycastLow(s)), cache.bindingId(s)))) {
                AnycastBinding gone = binding(s);
                remove(s, cache.sequence(s), now);
                events.changed(gone.expiresAtNanos() - now <= 0 ? Change.EXPIRED : Change.DEREGISTERED, gone, null,
                        now);
            }
        }
    }

    private boolean same(int s, StoredBinding b) {
        Integer o = ownerIds.get(b.responder());
        return o != null && cache.owner(s) == o && cache.careOfHigh(s) == b.careOf().high()
                && cache.careOfLow(s) == b.careOf().low() && cache.sequence(s) == b.sequence()
                && cache.weight(s) == b.weight() && cache.load(s) == b.load();
    }

    /**
     * Puts a binding the store holds into the local copy, after the checks {@link #restore} makes; an older
     * revision than the copy's is ignored. Reports the change as a Binding Update would.
     *
     * @return null when applied (or already there), else why not
     */
    private String applyStored(StoredBinding b, long revision, boolean exact, boolean mine, long expiresAt,
            long now) {
        Ipv6Address anycast = b.key().anycast();
        int bid = b.key().bindingId();
        int existing = cache.find(anycast.high(), anycast.low(), bid);
        if (existing != BindingCache.NONE && rev[existing] >= revision) {
            if (mine && rev[existing] == revision) {
                storeFlags[existing] |= MINE;
            }
            return null;
        }
        Integer ownerId = ownerIds.get(b.responder());
        String why = admissible(anycast, bid, b.careOf(), b.responder(), ownerId);
        if (why == null && expiresAt - now <= 0) {
            why = "lapsed";
        }
        if (why == null && (existing == BindingCache.NONE || cache.owner(existing) != ownerId)
                && owned[ownerId] >= maxPerResponder) {
            why = "responder's quota full";
        }
        if (why != null) {
            if (existing != BindingCache.NONE) {
                // the store holds something newer for this key that this agent may not serve: the old one goes
                AnycastBinding gone = binding(existing);
                remove(existing, cache.sequence(existing), now);
                events.changed(Change.REVOKED, gone, null, now);
            }
            return why;
        }
        // never longer than a Binding Update could be granted here
        expiresAt = now + Math.min(expiresAt - now, Lifetimes.toNanos(maxLifetimeUnits));
        int slot = existing;
        if (slot == BindingCache.NONE) {
            slot = cache.insert(anycast.high(), anycast.low(), bid, ownerId);
            if (slot == BindingCache.NONE) {
                return cache.size() >= cache.maxBindings() ? "binding cache full" : "too many bindings for " + anycast;
            }
            room(slot);
        }
        AnycastBinding before = existing == BindingCache.NONE ? null : binding(existing);
        deletedSequences.remove(new SeqKey(ownerId, anycast, bid));
        if (existing == BindingCache.NONE || cache.owner(existing) != ownerId) {
            if (existing != BindingCache.NONE) {
                owned[cache.owner(existing)]--;
            }
            owned[ownerId]++;
        }
        // a new owner (Basic Model overwrite) changes the slot's generation: pins to the old responder lapse
        cache.setOwner(slot, ownerId);
        cache.update(slot, b.careOf().high(), b.careOf().low(), b.sequence(), b.weight(), b.load(), expiresAt);
        rev[slot] = revision;
        storeFlags[slot] = (byte) ((exact ? EXACT : 0) | (mine || embedded ? MINE : 0));
        long left = expiresAt - now;
        if (refreshRequests) {
            cache.setFlags(slot, REFRESH_DUE);
            timers.schedule(slot, now + left * 9 / 10);
        } else {
            cache.setFlags(slot, 0);
            timers.schedule(slot, expiresAt);
        }
        AnycastBinding after = binding(slot);
        if (before == null) {
            events.changed(Change.REGISTERED, null, after, now);
        } else if (!before.responder().equals(after.responder())) {
            events.changed(Change.OVERWRITTEN, before, after, now);
        } else {
            events.changed(Change.REFRESHED, before, after, now);
        }
        return null;
    }

    /** The per-slot store columns cover a slot. */
    private void room(int slot) {
        if (slot >= rev.length) {
            int n = Math.max(16, Math.max(slot + 1, rev.length * 3 / 2));
            rev = java.util.Arrays.copyOf(rev, n);
            storeFlags = java.util.Arrays.copyOf(storeFlags, n);
        }
        rev[slot] = 0;
        storeFlags[slot] = 0;
    }

    /**
     * A removal this agent decided on its own (expiry, no answer to a probe, a revocation), written to the store
     * when it should be: always for a revocation and for a binding this agent probes, and for any in the embedded
     * store (which must not keep what the agent dropped); an expiry in a shared store is the store's own.
     */
    private void forget(int slot, boolean always) {
        if (!always && !embedded) {
            return;
        }
        BindingKey k = new BindingKey(new Ipv6Address(cache.anycastHigh(slot), cache.anycastLow(slot)),
                cache.bindingId(slot));
        long expected = expected(slot);
        try {
            store.remove(k, expected, null);
        } catch (RuntimeException e) {
            LOG.debug("removing {} from the store", k, e);
        }
    }

    /**
     * The revision a write expects: the binding's in the copy, 0 for none; {@link BindingStore#ANY} when the copy
     * knows it only from a snapshot (which gives no binding's own revision), and always for the embedded store,
     * which holds what this agent's copy holds (the copy is the authority there).
     */
    private long expected(int slot) {
        if (embedded) {
            return BindingStore.ANY;
        }
        return slot == BindingCache.NONE ? 0 : (storeFlags[slot] & EXACT) != 0 ? rev[slot] : BindingStore.ANY;
    }

    /** @return whether this agent probes the binding in a slot (it committed its last change) */
    private boolean probes(int slot) {
        return embedded || (storeFlags[slot] & MINE) != 0;
    }

    /** @return the store's state as this agent sees it: the last revision applied, writes waiting, events queued */
    public long appliedRevision() {
        return lastApplied;
    }

    /** @return writes waiting for the store */
    public int pendingWrites() {
        return pending.size();
    }

    /** @return whether the store's watch last said it is reachable */
    public boolean storeConnected() {
        return storeConnected;
    }

    /** Stops the watch (the agent is closing). */
    public void detachStore() {
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (Exception e) {
            LOG.debug("closing the store's watch", e);
        }
    }

    /** Receives a deleted binding's remembered sequence number (for saving the agent's state). */
    @FunctionalInterface
    public interface RetiredSequences {
        /**
         * @param responder the identity that held the binding
         * @param anycast its anycast address
         * @param bindingId its Binding ID
         * @param sequence its last sequence number
         * @param forgetAt when it is forgotten, in the agent's clock
         */
        void retired(String responder, Ipv6Address anycast, int bindingId, int sequence, long forgetAt);
    }

    /**
     * @param spi a Mobility SPI
     * @return true if a configured responder uses it
     */
    public boolean knowsSpi(long spi) {
        return bySpi.containsKey(spi);
    }

    /** @return the replay-protection guard (its timestamps are saved with the agent's state) */
    public ReplayGuard replayGuard() {
        return replay;
    }

    /**
     * Hands over the sequence numbers of deleted bindings still remembered (RFC 6275 §9.5.1).
     *
     * @param to the receiver
     * @param now the current time: lapsed entries are left out
     */
    public void retiredSequences(RetiredSequences to, long now) {
        for (Map.Entry<SeqKey, DeletedSeq> e : deletedSequences.entrySet()) {
            if (e.getValue().forgetAt() - now > 0) {
                SeqKey k = e.getKey();
                to.retired(owners.get(k.owner()), k.anycast(), k.bid(), e.getValue().sequence(), e.getValue().forgetAt());
            }
        }
    }

    /**
     * Puts back a deleted binding's sequence number from saved state, if its responder is still configured.
     *
     * @param responder the identity
     * @param anycast the anycast address
     * @param bindingId the Binding ID
     * @param sequence the last sequence number
     * @param forgetAt when to forget it, in the agent's clock
     * @param now the current time
     * @return true if restored
     */
    public boolean restoreRetired(String responder, Ipv6Address anycast, int bindingId, int sequence, long forgetAt,
            long now) {
        Integer owner = ownerIds.get(responder);
        if (owner == null || forgetAt - now <= 0 || deletedSequences.size() >= 2 * cache.maxBindings() + 1024) {
            return false;
        }
        deletedSequences.put(new SeqKey(owner, anycast, bindingId), new DeletedSeq(sequence & 0xffff,
                now + Math.min(forgetAt - now, MAX_DELETE_BCE_NANOS)));
        return true;
    }

    /**
     * The checks a binding from elsewhere (saved state, the store) passes before it enters the copy: its responder
     * is configured and may serve the anycast address, the address is served, the Binding ID fits the model, and
     * the care-of address is unicast and does not lead back to the agent (RFC 2473 §4.1.1: a loop).
     *
     * @return null when it may, else why not
     */
    private String admissible(Ipv6Address anycast, int bindingId, Ipv6Address careOf, String responder,
            Integer ownerId) {
        if (ownerId == null) {
            return "responder no longer configured";
        }
        boolean may = false;
        for (ResponderCredentials c : bySpi.values()) {
            may |= c.identity().equals(responder) && c.mayServe(anycast);
        }
        if (!may || !serves(anycast.high(), anycast.low()) || anycast.isUnspecified()) {
            return "anycast address no longer served by this responder";
        }
        if (advanced ? bindingId < 1 || bindingId > 0xffff : bindingId != 0) {
            return "Binding ID does not fit the model";
        }
        if (!careOf.isUnicastRoutable() || careOf.equals(address) || careOf.equals(anycast)
                || serves(careOf.high(), careOf.low())) {
            return "care-of address not acceptable";
        }
        return null;
    }

    /**
     * Puts back a binding from saved state, after the checks a Binding Update for it would pass today (the
     * configuration may have changed since it was saved): its responder is still configured and may serve the
     * anycast address, the address is served, the Binding ID fits the model, the care-of address is unicast and
     * does not lead back to the agent, the binding has not lapsed, and the responder's quota and the cache have
     * room. The time left is capped at the longest lifetime granted now. Its timer is set as for a fresh
     * registration, from the time left: a Binding Refresh Request at 90% of
     * it (if enabled), expiry at its end. No event is reported.
     *
     * @param anycast the anycast address
     * @param bindingId the Binding ID (0 in the Basic Model)
     * @param careOf the care-of address
     * @param responder the responder's identity
     * @param weight its weight
     * @param load its load
     * @param sequence the last sequence number accepted
     * @param expiresAt when it lapses, in the agent's clock
     * @param now the current time
     * @return null if restored, else why not (a few words)
     */
    public String restore(Ipv6Address anycast, int bindingId, Ipv6Address careOf, String responder, int weight,
            int load, int sequence, long expiresAt, long now) {
        Integer ownerId = ownerIds.get(responder);
        String why = admissible(anycast, bindingId, careOf, responder, ownerId);
        if (why != null) {
            return why;
        }
        if (expiresAt - now <= 0) {
            return "lapsed";
        }
        // never longer than a Binding Update could be granted today (a file is no authority on lifetimes)
        expiresAt = now + Math.min(expiresAt - now, Lifetimes.toNanos(maxLifetimeUnits));
        if (owned[ownerId] >= maxPerResponder) {
            return "responder's quota full";
        }
        if (cache.find(anycast.high(), anycast.low(), bindingId) != BindingCache.NONE) {
            return "duplicate";
        }
        int slot = cache.insert(anycast.high(), anycast.low(), bindingId, ownerId);
        if (slot == BindingCache.NONE) {
            return "binding cache full";
        }
        owned[ownerId]++;
        cache.setOwner(slot, ownerId);
        cache.update(slot, careOf.high(), careOf.low(), sequence & 0xffff, weight, load, expiresAt);
        room(slot);
        storeFlags[slot] = MINE;
        if (store != null) {
            // the embedded store holds what the agent holds (a saved state is for the embedded store only)
            StoredBinding sb = new StoredBinding(new BindingKey(anycast, bindingId), careOf, responder, weight, load,
                    sequence & 0xffff, Math.max(1, expiresAt - now), epoch.unixNanos(expiresAt));
            if (result(store.put(sb, BindingStore.ANY, null).toCompletableFuture())
                    instanceof StoreResult.Committed c) {
                rev[slot] = c.revision();
                storeFlags[slot] = EXACT | MINE;
            }
        }
        if (refreshRequests) {
            cache.setFlags(slot, REFRESH_DUE);
            timers.schedule(slot, now + (expiresAt - now) / 10 * 9);
        } else {
            cache.setFlags(slot, 0);
            timers.schedule(slot, expiresAt);
        }
        return null;
    }

    /**
     * A tunnel error named these bindings (an anycast address's bindings to one care-of address): each is probed
     * with a Binding Refresh Request (RFC 6275 §6.1.2) and dropped only if no authenticated refresh answers within
     * the probe timeout; at most {@value #PROBES_PER_SECOND} probes a second start, all bindings together, so that
     * no flood of errors can empty the cache faster than that.
     *
     * @param anycast the anycast address the quoted packet was for
     * @param careOfHigh the high half of the suspect care-of address
     * @param careOfLow its low half
     * @param now the current time
     */
    public void suspect(Ipv6Address anycast, long careOfHigh, long careOfLow, long now) {
        for (int s = cache.find(anycast.high(), anycast.low()); s != BindingCache.NONE; s = cache.next(s)) {
            if (cache.careOfHigh(s) != careOfHigh || cache.careOfLow(s) != careOfLow
                    || (cache.flags(s) & PROBING) != 0 || !probes(s) || !probeLimit.allow(0, now)) {
                continue;
            }
            probe(s, now);
        }
    }

    /** A Binding Refresh Request to a binding's care-of address; the timer becomes the deadline of its answer. */
    private void probe(int s, long now) {
        stats.probes++;
        cache.setFlags(s, PROBING);
        sender.refreshRequest(address, new Ipv6Address(cache.careOfHigh(s), cache.careOfLow(s)),
                new Ipv6Address(cache.anycastHigh(s), cache.anycastLow(s)));
        timers.schedule(s, Math.min(cache.expiresAt(s), now + probeTimeoutNanos));
    }

    /** A binding's timer: at 90% of its lifetime a Binding Refresh Request (if enabled), at the end expiry. */
    private void bindingTimer(int slot, long now) {
        if (!cache.isLive(slot)) {
            return;
        }
        if ((cache.flags(slot) & PROBING) != 0) {
            // probed (liveness, or after a tunnel error), and no authenticated refresh came: the responder is gone
            AnycastBinding gone = binding(slot);
            forget(slot, true);
            remove(slot, cache.sequence(slot), now);
            events.changed(Change.UNREACHABLE, gone, null, now);
            return;
        }
        if ((cache.flags(slot) & REFRESH_DUE) != 0) {
            cache.setFlags(slot, 0);
            if (!probes(slot)) {
                // another agent committed it: that one asks for the refresh (the responder answers only the
                // agents it registered with)
                timers.schedule(slot, cache.expiresAt(slot));
                return;
            }
            sender.refreshRequest(address, new Ipv6Address(cache.careOfHigh(slot), cache.careOfLow(slot)),
                    new Ipv6Address(cache.anycastHigh(slot), cache.anycastLow(slot)));
            timers.schedule(slot, cache.expiresAt(slot));
            return;
        }
        AnycastBinding gone = binding(slot);
        forget(slot, false);
        remove(slot, cache.sequence(slot), now);
        LOG.debug("binding expired: {}", gone);
        events.changed(Change.EXPIRED, gone, null, now);
    }

    /**
     * Removes a binding and remembers its last sequence number for MAX_DELETE_BCE_TIMEOUT. The memory is bounded:
     * past twice the binding bound, lapsed entries go, then the oldest.
     */
    private void remove(int slot, int sequence, long now) {
        SeqKey k = new SeqKey(cache.owner(slot), new Ipv6Address(cache.anycastHigh(slot), cache.anycastLow(slot)),
                cache.bindingId(slot));
        timers.cancel(slot);
        owned[cache.owner(slot)]--;
        cache.remove(slot);
        deletedSequences.remove(k);
        deletedSequences.put(k, new DeletedSeq(sequence, now + MAX_DELETE_BCE_NANOS));
        int bound = 2 * cache.maxBindings() + 1024;
        if (deletedSequences.size() > bound) {
            deletedSequences.values().removeIf(x -> x.forgetAt() - now <= 0);
            Iterator<SeqKey> it = deletedSequences.keySet().iterator();
            while (deletedSequences.size() > bound && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    /** What a BA answering a BU needs. */
    private static final class Reply {
        final Ipv6Address to;
        final Ipv6Address anycast;
        final Ipv6Address careOf;
        final MnHaKey key;
        int sequence;
        int bid;
        Long timestamp;

        Reply(Ipv6Address to, Ipv6Address anycast, Ipv6Address careOf, int sequence, MnHaKey key) {
            this.to = to;
            this.anycast = anycast;
            this.careOf = careOf;
            this.sequence = sequence;
            this.key = key;
        }
    }

    private void drop(long now, Ipv6Address from, String reason) {
        stats.rejected++;
        LOG.debug("BU from {} dropped: {}", from, reason);
        events.rejected(from, -1, reason, now);
    }

    private void reject(Reply r, long now, int status, String reason) {
        stats.rejected++;
        LOG.debug("BU from {} rejected with {}: {}", r.to, status, reason);
        events.rejected(r.to, status, reason, now);
        acknowledge(r, status, 0);
    }

    /** The BA (RFC 6275 §10.3.1), its options in the order the RFCs list them, the authentication option last. */
    private void acknowledge(Reply r, int status, int lifetime) {
        List<MobilityOption> opts = new ArrayList<>(3);
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
        sender.homeBindingAck(address, r.to, r.anycast, r.careOf, status, r.sequence, lifetime, opts, r.key);
    }
}
