package io.mga.engine.initiator;

import io.mga.api.Ipv6Address;
import io.mga.engine.crypto.ReturnRoutability;
import io.mga.engine.mobility.AnswerLimiter;
import io.mga.engine.mobility.BindingUpdateView;
import io.mga.engine.mobility.Lifetimes;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.engine.mobility.Sequence;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.BaStatus;
import io.mga.wire.BeStatus;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The correspondent node of RFC 6275 §9 as an initiator needs it: it answers HoTI/CoTI with HoT/CoT (§5.2, §9.4;
 * no per-node state: a 20-octet Kcn and nonces renewed every 30 s, the last 8 accepted, MAX_NONCE_LIFETIME 240 s),
 * verifies Binding Updates (§9.5.1: Home Address option, sequence number, nonce indices, authenticator, lifetime
 * at most MAX_RR_BINDING_LIFETIME) and keeps a bounded binding cache whose entries expire on a timer at their
 * lifetime, with or without traffic. Binding Errors (§9.3.3) are rate-limited. Single-threaded.
 */
public final class Correspondent {
    static final long NONCE_INTERVAL = 30_000_000_000L;
    static final int NONCES_KEPT = 8;
    /** RFC 6275 §12 MAX_NONCE_LIFETIME. */
    static final long MAX_NONCE_LIFETIME = 240_000_000_000L;
    /** At most one Binding Error per this interval, like ICMPv6 errors. */
    static final long BINDING_ERROR_INTERVAL = 10_000_000L;

    /** Why a binding went. */
    public enum Loss {
        /** Its lifetime ended without a new BU. */
        LIFETIME_ENDED,
        /** The mobile node deregistered ("returned home"). */
        RETURNED_HOME,
        /** A Destination Unreachable named its care-of address. */
        UNREACHABLE
    }

    /** Receives binding changes, on the initiator's thread. */
    public interface Events {
        /**
         * A binding was made or moved to another care-of address.
         *
         * @param home the home (anycast) address
         * @param careOf the care-of address
         * @param now when
         */
        void bound(Ipv6Address home, Ipv6Address careOf, long now);

        /**
         * A binding went.
         *
         * @param home the home address
         * @param careOf the care-of address it had
         * @param why why
         * @param now when
         */
        void lost(Ipv6Address home, Ipv6Address careOf, Loss why, long now);
    }

    private final class Binding {
        final Ipv6Address home;
        Ipv6Address careOf;
        int sequence;
        TimerWheel.Timer expiry;

        Binding(Ipv6Address home) {
            this.home = home;
        }
    }

    private final Ipv6Address address;
    private final Random random;
    private final int maxBindings;
    private final MobilitySender sender;
    private final RrAuthenticator rr;
    private final ReturnRoutability functions;
    private final TimerWheel wheel;
    private final Events events;
    private final byte[] kcn = new byte[20];
    private final byte[][] nonces = new byte[NONCES_KEPT][];
    private final long[] nonceBorn = new long[NONCES_KEPT];
    private int nonceIndex;
    private TimerWheel.Timer nonceTimer;
    private final Map<Ipv6Address, Binding> bindings = new HashMap<>();
    private long bindingErrorsSent;
    private long lastBindingErrorAt = Long.MIN_VALUE;
    /** BAs that answer unauthenticated BUs (131, 136-138): 10 a second to one source /64, 100 in all. */
    private final AnswerLimiter unauthenticatedAnswers;
    /**
     * HoT/CoT answers (anyone may send a HoTI or CoTI from any source, and a HoT is longer than the HoTI it
     * answers): 10 a second to one source /64, 1,000 in all, bursts of 20. A mobile node runs return routability
     * once per binding refresh, minutes apart (MAX_TOKEN_LIFETIME is 210 s, RFC 6275 §12); a flood from forged sources
     * draws at most 1,000 answers a second, not one per packet.
     */
    private final AnswerLimiter testAnswers;
    private long testAnswersSuppressed;

    /**
     * @param address the initiator's address
     * @param random the source of Kcn and nonces
     * @param maxBindings the bound of the binding cache
     * @param sender the initiator's sender
     * @param rr its RR authenticator
     * @param wheel its timers
     * @param events who hears of bindings
     * @param now the current time
     */
    public Correspondent(Ipv6Address address, Random random, int maxBindings, MobilitySender sender,
            RrAuthenticator rr, TimerWheel wheel, Events events, long now) {
        this.address = address;
        this.random = random;
        this.maxBindings = maxBindings;
        this.sender = sender;
        this.rr = rr;
        this.functions = rr.functions();
        this.wheel = wheel;
        this.events = events;
        random.nextBytes(kcn);
        nonceIndex = random.nextInt(0x10000);
        newNonce(now);
        this.unauthenticatedAnswers = new AnswerLimiter(100_000_000L, 10_000_000L, 10, 1024, random.nextLong());
        this.testAnswers = new AnswerLimiter(100_000_000L, 1_000_000L, 20, 4096, random.nextLong());
    }

    private void newNonce(long now) {
        nonceIndex = (nonceIndex + 1) & 0xffff;
        byte[] n = new byte[8];
        random.nextBytes(n);
        nonces[nonceIndex % NONCES_KEPT] = n;
        nonceBorn[nonceIndex % NONCES_KEPT] = now;
        nonceTimer = wheel.schedule(now + NONCE_INTERVAL, this::newNonce);
    }

    /** The nonce an index names, if it is one of the last 8 and younger than MAX_NONCE_LIFETIME (§5.2.7). */
    private byte[] nonce(int index, long now) {
        int age = (nonceIndex - index) & 0xffff;
        if (age >= NONCES_KEPT) {
            return null;
        }
        int slot = index % NONCES_KEPT;
        // RFC 6275 §5.2.7: MUST NOT accept a nonce beyond MAX_NONCE_LIFETIME (240 s) after its first use
        if (nonces[slot] == null || now - nonceBorn[slot] > MAX_NONCE_LIFETIME) {
            return null;
        }
        return nonces[slot];
    }

    /**
     * @param home a home (anycast) address
     * @return the care-of address it is bound to, or null
     */
    public Ipv6Address boundTo(Ipv6Address home) {
        Binding b = bindings.get(home);
        return b == null ? null : b.careOf;
    }

    /** @return the number of bindings */
    public int size() {
        return bindings.size();
    }

    /** @return Binding Errors sent */
    public long bindingErrorsSent() {
        return bindingErrorsSent;
    }

    /** @return HoTIs and CoTIs left unanswered because the answers' rate limit was spent */
    public long testAnswersSuppressed() {
        return testAnswersSuppressed;
    }

    /**
     * A HoTI or CoTI (RFC 6275 §9.4.1, §9.4.2): answered with HoT/CoT unless it carries a Home Address option, or
     * the answers' rate limit is spent (then silently dropped and counted: the mobile node retransmits).
     *
     * @param p the packet
     * @param m its message
     * @param now the current time
     */
    public void testInit(Ipv6Packet p, MobilityMessage m, long now) {
        // RFC 6275 §9.4.1: a HoTI carrying a Home Address option is silently ignored (§9.4.2 likewise for CoTI)
        Ipv6Address src = p.header().source();
        if (p.homeAddressOption().isPresent() || !src.isUnicastRoutable() || src.equals(address)) {
            return; // and never answer a multicast, link-local or own source
        }
        if (!(m instanceof MobilityMessage.HomeTestInit || m instanceof MobilityMessage.CareOfTestInit)) {
            return;
        }
        if (!testAnswers.allow(src.high(), now)) {
            testAnswersSuppressed++;
            return;
        }
        byte[] nonce = nonces[nonceIndex % NONCES_KEPT];
        MobilityMessage answer;
        if (m instanceof MobilityMessage.HomeTestInit h) {
            answer = new MobilityMessage.HomeTest(nonceIndex, h.cookie(), functions.keygenToken(kcn, src, nonce, false),
                    List.of());
        } else if (m instanceof MobilityMessage.CareOfTestInit c) {
            answer = new MobilityMessage.CareOfTest(nonceIndex, c.cookie(), functions.keygenToken(kcn, src, nonce, true),
                    List.of());
        } else {
            return;
        }
        sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, address, src), List.of(),
                new MobilityHeader(answer)));
    }

    /**
     * A Binding Update (RFC 6275 §9.5.1).
     *
     * @param v the parsed BU
     * @param now the current time
     */
    public void bindingUpdate(BindingUpdateView v, long now) {
        Ipv6Address src = v.source();
        Ipv6Address home = v.homeAddress() != null ? v.homeAddress() : src;
        if (!home.isUnicastRoutable() || !src.isUnicastRoutable()) {
            return; // RFC 6275 §9.5.1: a home address that is not unicast routable: silently discarded
        }
        Ipv6Address careOf = v.careOf();
        if (src.equals(address) || careOf.equals(address) || home.equals(address)) {
            return; // a binding that points at this node, or a BU "from" it, is forged: never answer ourselves
        }
        // RFC 6275 §9.5.4: the BA carries a type 2 routing header only when the BU's source is not the home
        // address (a BU sent from the home address, e.g. when returning home, is answered without one)
        Ipv6Address routed = src.equals(home) ? null : home;
        int sequence = v.bu().sequence();
        if (v.isHomeRegistration()) {
            // RFC 6275 §10.3.1: "If the node implements only correspondent node functionality, or has not been
            // configured to act as a home agent, then the node MUST reject the Binding Update. The node MUST also
            // return a Binding Acknowledgement to the mobile node, in which the Status field is set to 131 (home
            // registration not supported)." Unsigned (no Kbm exists for a home registration) and rate-limited:
            // it answers input nobody authenticated
            if (unauthenticatedAnswers.allow(src.high(), now)) {
                sender.rrBindingAck(address, src, routed, careOf, BaStatus.HOME_REGISTRATION_NOT_SUPPORTED.code(),
                        sequence, 0, null);
            }
            return;
        }
        boolean dereg = v.isDeregistration(home);
        MobilityOption.NonceIndices ni = v.nonces();
        if (ni == null) {
            return;
        }
        byte[] hn = nonce(ni.homeNonceIndex(), now);
        byte[] cn = dereg ? null : nonce(ni.careOfNonceIndex(), now);
        if (hn == null || (!dereg && cn == null)) {
            // RFC 6275 §9.5.1: expired indices get 136/137/138, sent even when A=0, without BAD (rate-limited:
            // nothing authenticated the BU)
            int status = hn == null && cn == null && !dereg ? BaStatus.EXPIRED_NONCES.code()
                    : hn == null ? BaStatus.EXPIRED_HOME_NONCE_INDEX.code() : BaStatus.EXPIRED_CARE_OF_NONCE_INDEX.code();
            if (unauthenticatedAnswers.allow(src.high(), now)) {
                sender.rrBindingAck(address, src, routed, careOf, status, sequence, 0, null);
            }
            return;
        }
        long homeToken = functions.keygenToken(kcn, home, hn, false);
        byte[] kbm = dereg ? functions.kbm(homeToken, null)
                : functions.kbm(homeToken, functions.keygenToken(kcn, careOf, cn, true));
        // RFC 6275 §6.2.7: the authenticator's care-of address is "the care-of address that will be registered
        // for the mobile node if the Binding Update succeeds, or the home address of the mobile node if this
        // option is used in de-registration"; the BA's authenticator (§6.1.8, computed as in §6.2.7) uses the
        // same address, so that a mobile node applying the rule to both verifies the BA it gets
        Ipv6Address authCareOf = dereg ? home : careOf;
        if (!rr.verify(kbm, authCareOf, address, v.bu())) {
            return; // RFC 6275 §9.5.1: BAD missing, not last, or wrong: silently discard
        }
        Binding b = bindings.get(home);
        if (b != null && !Sequence.isNewer(sequence, b.sequence)) {
            sender.rrBindingAck(address, src, routed, authCareOf, BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code(),
                    b.sequence, 0, kbm);
            return;
        }
        if (dereg) {
            if (b != null) {
                remove(b, Loss.RETURNED_HOME, now);
            }
            if (v.wantsAcknowledgement()) {
                sender.rrBindingAck(address, src, routed, authCareOf, BaStatus.ACCEPTED.code(), sequence, 0, kbm);
            }
            return;
        }
        if (b == null && bindings.size() >= maxBindings) {
            sender.rrBindingAck(address, src, routed, authCareOf, BaStatus.INSUFFICIENT_RESOURCES.code(), sequence, 0,
                    kbm);
            return;
        }
        int granted = Math.min(v.bu().lifetime(), Lifetimes.MAX_RR_BINDING_LIFETIME_UNITS);
        if (b == null) {
            b = new Binding(home);
            bindings.put(home, b);
        }
        boolean changed = !careOf.equals(b.careOf);
        b.careOf = careOf;
        b.sequence = sequence;
        Binding bound = b;
        wheel.cancel(b.expiry);
        b.expiry = wheel.schedule(now + Lifetimes.toNanos(granted), t -> remove(bound, Loss.LIFETIME_ENDED, t));
        if (changed) {
            events.bound(home, careOf, now);
        }
        if (v.wantsAcknowledgement()) {
            sender.rrBindingAck(address, src, routed, authCareOf, BaStatus.ACCEPTED.code(), sequence, granted, kbm);
        }
    }

    private void remove(Binding b, Loss why, long now) {
        if (bindings.remove(b.home, b)) {
            wheel.cancel(b.expiry);
            events.lost(b.home, b.careOf, why, now);
        }
    }

    /**
     * The Pseudo MIPv6 paper's hot swap: a Destination Unreachable for a care-of address drops the bindings to it.
     *
     * @param dead the unreachable address
     * @param now the current time
     */
    public void unreachable(Ipv6Address dead, long now) {
        for (Binding b : List.copyOf(bindings.values())) {
            if (b.careOf.equals(dead)) {
                remove(b, Loss.UNREACHABLE, now);
            }
        }
    }

    /**
     * Checks a packet carrying a Home Address option (RFC 6275 §9.3.1): without a binding for the home address
     * and this care-of address it is dropped, and (§9.3.3) a Binding Error status 1 goes to the care-of address,
     * rate-limited and never to a non-unicast source.
     *
     * @param careOf the packet's source
     * @param home the option's home address
     * @param now the current time
     * @return true when a binding covers it
     */
    public boolean acceptHomeAddress(Ipv6Address careOf, Ipv6Address home, long now) {
        Binding b = bindings.get(home);
        if (b != null && b.careOf.equals(careOf)) {
            return true;
        }
        boolean recent = lastBindingErrorAt != Long.MIN_VALUE && now - lastBindingErrorAt < BINDING_ERROR_INTERVAL;
        if (careOf.isUnicastRoutable() && !careOf.equals(address) && !recent) {
            lastBindingErrorAt = now;
            bindingErrorsSent++;
            sender.bindingError(address, careOf, BeStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_DESTINATION_OPTION.code(),
                    home);
        }
        return false;
    }
}
