package io.mga.engine;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.api.Role;
import io.mga.engine.crypto.ReturnRoutability;
import io.mga.wire.BaStatus;
import io.mga.wire.BeStatus;
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
import io.mga.wire.PartialPacket;
import io.mga.wire.Udp;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * An Anycast Initiator that speaks Mobile IPv6 as a correspondent node (RFC 6275 §9): a client that sends
 * datagrams to an anycast address and receives the answers, and that lets a responder route-optimise toward it
 * (paper §4.5, Fig. 8). A plain IPv6 host needs none of this: the agent serves it through the tunnel.
 *
 * <p>As a correspondent it answers HoTI/CoTI with HoT/CoT (RFC 6275 §5.2, §9.4; no per-node state: a 20-octet
 * Kcn and nonces renewed every 30 s, the last 8 accepted, MAX_NONCE_LIFETIME 240 s), verifies Binding Updates
 * (§9.5.1: Home Address option, sequence number, nonce indices, authenticator, lifetime at most
 * MAX_RR_BINDING_LIFETIME 420 s), keeps a bounded binding cache, sends with a type 2 routing header once bound,
 * and accepts Home Address option packets only with a binding (else Binding Error status 1, §9.3.1/§9.3.3). A
 * "returned home" BU (lifetime 0) or an ICMPv6 Destination Unreachable for the bound care-of address drops the
 * binding, and packets go back through the agent, which picks another responder (seed 001's hot swap).
 *
 * <p>Threading: single-threaded.
 */
public final class AnycastInitiator implements Role {
    static final long NONCE_INTERVAL = 30_000_000_000L;
    static final int NONCES_KEPT = 8;
    /** RFC 6275 §5.2.6 MAX_RR_BINDING_LIFETIME in 4-second units. */
    static final int MAX_RR_LIFETIME_UNITS = 420 / 4;

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

    /** What the initiator reports: bindings created and dropped (hot swap). */
    @FunctionalInterface
    public interface Listener {
        /**
         * A binding changed.
         *
         * @param timeNanos when
         * @param home the anycast (home) address
         * @param careOf the responder's peer unicast address, or null when the binding was dropped
         * @param reason a few words
         */
        void onBinding(long timeNanos, Ipv6Address home, Ipv6Address careOf, String reason);
    }

    private static final class Binding {
        Ipv6Address careOf;
        int sequence;
        long expiresAt;
    }

    private final Ipv6Address address;
    private final PacketIo io;
    private final Random random;
    private final int maxBindings;
    private final Listener listener;
    private final byte[] kcn = new byte[20];
    private final byte[][] nonces = new byte[NONCES_KEPT][];
    private final long[] nonceBorn = new long[NONCES_KEPT];
    private int nonceIndex;
    private long nextNonceAt;
    private final Map<Ipv6Address, Binding> bindings = new HashMap<>();
    private final List<Datagram> received = new ArrayList<>();
    private final ReturnRoutability rr = new ReturnRoutability();
    private long bindingErrorsSent;
    private long lastBindingErrorAt = Long.MIN_VALUE;

    private AnycastInitiator(Builder b, long now) {
        this.address = Objects.requireNonNull(b.address, "address");
        this.io = Objects.requireNonNull(b.io, "io");
        this.random = b.random != null ? b.random : new SecureRandom();
        this.maxBindings = b.maxBindings;
        this.listener = b.listener != null ? b.listener : (t, h, c, r) -> { };
        random.nextBytes(kcn);
        nonceIndex = random.nextInt(0x10000);
        newNonce(now);
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
        private Listener listener;

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
         * @param l who hears about bindings
         * @return this builder
         */
        public Builder listener(Listener l) {
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
        Binding b = bindings.get(home);
        return b == null ? null : b.careOf;
    }

    /** @return the datagrams received so far */
    public List<Datagram> received() {
        return List.copyOf(received);
    }

    /** @return Binding Errors sent (Home Address option without a binding) */
    public long bindingErrorsSent() {
        return bindingErrorsSent;
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
        expire(now);
        Binding b = bindings.get(to);
        Ipv6Packet p;
        if (b != null) {
            p = Ipv6Packet.build(Ipv6Header.of(64, address, b.careOf), List.of(ExtensionHeader.Type2Routing.of(to)),
                    new Udp(fromPort, toPort, payload));
        } else {
            p = Ipv6Packet.build(Ipv6Header.of(64, address, to), List.of(), new Udp(fromPort, toPort, payload));
        }
        send(p);
    }

    private void send(Ipv6Packet p) {
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }

    @Override
    public int doWork(long now) {
        int n = 0;
        if (now - nextNonceAt >= 0) {
            newNonce(now);
            n++;
        }
        return n + expire(now);
    }

    @Override
    public long nextDeadline() {
        return nextNonceAt;
    }

    private void newNonce(long now) {
        nonceIndex = (nonceIndex + 1) & 0xffff;
        byte[] n = new byte[8];
        random.nextBytes(n);
        nonces[nonceIndex % NONCES_KEPT] = n;
        nonceBorn[nonceIndex % NONCES_KEPT] = now;
        nextNonceAt = now + NONCE_INTERVAL;
    }

    /** The nonce an index names, if it is one of the last 8 and younger than MAX_NONCE_LIFETIME (§5.2.7). */
    private byte[] nonce(int index, long now) {
        int age = (nonceIndex - index) & 0xffff;
        if (age >= NONCES_KEPT) {
            return null;
        }
        int slot = index % NONCES_KEPT;
        // RFC 6275 §5.2.7: MUST NOT accept a nonce beyond MAX_NONCE_LIFETIME (240 s) after its first use
        if (nonces[slot] == null || now - nonceBorn[slot] > 240_000_000_000L) {
            return null;
        }
        return nonces[slot];
    }

    private int expire(long now) {
        int before = bindings.size();
        bindings.entrySet().removeIf(e -> {
            if (e.getValue().expiresAt - now <= 0) {
                listener.onBinding(now, e.getKey(), null, "binding lifetime ended");
                return true;
            }
            return false;
        });
        return before - bindings.size();
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long now) {
        expire(now);
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            return;
        }
        if (!p.header().destination().equals(address)) {
            return;
        }
        if (p.upper() instanceof MobilityHeader mh) {
            if (Checksums.verify(p) && mh.payloadProto() == 59) {
                mobility(p, mh.message(), now);
            }
            return;
        }
        if (p.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.DestinationUnreachable du) {
            unreachable(du, now);
            return;
        }
        Ipv6Address from = p.header().source();
        Ipv6Address careOf = from;
        if (p.homeAddressOption().isPresent()) {
            Ipv6Address home = p.homeAddressOption().get().homeAddress();
            Binding b = bindings.get(home);
            // RFC 6275 §9.3.1: without a binding for the home address and this care-of address, drop the packet
            // and (§9.3.3) send a Binding Error with status 1 to the care-of address, rate-limited
            if (b == null || !b.careOf.equals(from)) {
                bindingError(from, home, now);
                return;
            }
            from = home;
        }
        if (p.upper() instanceof Udp u && Checksums.verify(p)) {
            received.add(new Datagram(now, from, careOf, u.sourcePort(), u.destinationPort(), u.payload()));
        }
    }

    private void bindingError(Ipv6Address to, Ipv6Address home, long now) {
        boolean recent = lastBindingErrorAt != Long.MIN_VALUE && now - lastBindingErrorAt < 10_000_000L;
        if (!to.isUnicastRoutable() || recent) {
            return; // never to a non-unicast source; at most one per 10 ms, like ICMPv6 errors
        }
        lastBindingErrorAt = now;
        bindingErrorsSent++;
        send(Ipv6Packet.build(Ipv6Header.of(64, address, to), List.of(), new MobilityHeader(
                MobilityMessage.BindingError.of(BeStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_DESTINATION_OPTION.code(),
                        home))));
    }

    /** Hot swap (seed 001): a Destination Unreachable for a bound care-of address drops that binding. */
    private void unreachable(Icmpv6Message.DestinationUnreachable du, long now) {
        PartialPacket inv = du.invokingPacket(1);
        if (inv.header() == null || !inv.header().source().equals(address)) {
            return;
        }
        Ipv6Address dead = inv.header().destination();
        bindings.entrySet().removeIf(e -> {
            if (e.getValue().careOf.equals(dead)) {
                listener.onBinding(now, e.getKey(), null, "destination unreachable");
                return true;
            }
            return false;
        });
    }

    private void mobility(Ipv6Packet p, MobilityMessage m, long now) {
        Ipv6Address src = p.header().source();
        if (m instanceof MobilityMessage.HomeTestInit h) {
            // RFC 6275 §9.4.1: a HoTI carrying a Home Address option is silently ignored
            if (p.homeAddressOption().isEmpty()) {
                long token = rr.keygenToken(kcn, src, nonces[nonceIndex % NONCES_KEPT], false);
                send(Ipv6Packet.build(Ipv6Header.of(64, address, src), List.of(), new MobilityHeader(
                        new MobilityMessage.HomeTest(nonceIndex, h.cookie(), token, List.of()))));
            }
        } else if (m instanceof MobilityMessage.CareOfTestInit c) {
            if (p.homeAddressOption().isEmpty()) {
                long token = rr.keygenToken(kcn, src, nonces[nonceIndex % NONCES_KEPT], true);
                send(Ipv6Packet.build(Ipv6Header.of(64, address, src), List.of(), new MobilityHeader(
                        new MobilityMessage.CareOfTest(nonceIndex, c.cookie(), token, List.of()))));
            }
        } else if (m instanceof MobilityMessage.BindingUpdate bu) {
            bindingUpdate(p, bu, now);
        }
    }

    /** RFC 6275 §9.5.1. */
    private void bindingUpdate(Ipv6Packet p, MobilityMessage.BindingUpdate bu, long now) {
        Ipv6Address src = p.header().source();
        Ipv6Address home = p.homeAddressOption().map(h -> h.homeAddress()).orElse(src);
        if (!home.isUnicastRoutable() || !src.isUnicastRoutable() || bu.has(MobilityMessage.BindingUpdate.FLAG_H)) {
            return; // not a home agent: home registrations are not for us
        }
        Ipv6Address careOf = bu.option(MobilityOption.AlternateCareOfAddress.class)
                .map(MobilityOption.AlternateCareOfAddress::address).orElse(src);
        boolean dereg = bu.lifetime() == 0 || careOf.equals(home);
        MobilityOption.NonceIndices ni = bu.option(MobilityOption.NonceIndices.class).orElse(null);
        if (ni == null) {
            return;
        }
        byte[] hn = nonce(ni.homeNonceIndex(), now);
        byte[] cn = dereg ? null : nonce(ni.careOfNonceIndex(), now);
        if (hn == null || (!dereg && cn == null)) {
            // RFC 6275 §9.5.1: expired indices get 136/137/138, sent even when A=0, without BAD
            int status = hn == null && cn == null && !dereg ? BaStatus.EXPIRED_NONCES.code()
                    : hn == null ? BaStatus.EXPIRED_HOME_NONCE_INDEX.code() : BaStatus.EXPIRED_CARE_OF_NONCE_INDEX.code();
            sendBa(src, home, status, bu.sequence(), 0, null, careOf);
            return;
        }
        long homeToken = rr.keygenToken(kcn, home, hn, false);
        byte[] kbm = dereg ? rr.kbm(homeToken, null) : rr.kbm(homeToken, rr.keygenToken(kcn, careOf, cn, true));
        if (!authentic(bu, kbm, dereg ? home : careOf)) {
            return; // RFC 6275 §9.5.1: BAD missing, not last, or wrong: silently discard
        }
        Binding b = bindings.get(home);
        if (b != null && !Sequence.isNewer(bu.sequence(), b.sequence)) {
            sendBa(src, home, BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code(), b.sequence, 0, kbm, careOf);
            return;
        }
        if (dereg) {
            if (b != null) {
                bindings.remove(home);
                listener.onBinding(now, home, null, "returned home");
            }
            if (bu.has(MobilityMessage.BindingUpdate.FLAG_A)) {
                sendBa(src, home, BaStatus.ACCEPTED.code(), bu.sequence(), 0, kbm, careOf);
            }
            return;
        }
        if (b == null && bindings.size() >= maxBindings) {
            sendBa(src, home, BaStatus.INSUFFICIENT_RESOURCES.code(), bu.sequence(), 0, kbm, careOf);
            return;
        }
        int granted = Math.min(bu.lifetime(), MAX_RR_LIFETIME_UNITS);
        if (b == null) {
            b = new Binding();
            bindings.put(home, b);
        }
        boolean changed = !careOf.equals(b.careOf);
        b.careOf = careOf;
        b.sequence = bu.sequence();
        b.expiresAt = now + granted * 4_000_000_000L;
        if (changed) {
            listener.onBinding(now, home, careOf, "route optimised");
        }
        if (bu.has(MobilityMessage.BindingUpdate.FLAG_A)) {
            sendBa(src, home, BaStatus.ACCEPTED.code(), bu.sequence(), granted, kbm, careOf);
        }
    }

    /** BAD last and unpadded, its authenticator = First(96, HMAC_SHA1(Kbm, care-of | CN | MH data)). */
    private boolean authentic(MobilityMessage m, byte[] kbm, Ipv6Address careOf) {
        List<MobilityOption> opts = m.options();
        if (opts.isEmpty() || !(opts.get(opts.size() - 1) instanceof MobilityOption.BindingAuthorizationData bad)
                || bad.authenticator().length() != 12) {
            return false;
        }
        byte[] mh = PacketEncoder.encode(new MobilityHeader(59, 0, 0, m));
        byte[] expect = rr.authenticator(kbm, careOf, address, Arrays.copyOf(mh, mh.length - 12));
        return MessageDigest.isEqual(expect, bad.authenticator().toArray());
    }

    private void sendBa(Ipv6Address to, Ipv6Address home, int status, int sequence, int lifetime, byte[] kbm,
            Ipv6Address careOf) {
        MobilityMessage.BindingAcknowledgement ba;
        if (kbm == null) {
            ba = MobilityMessage.BindingAcknowledgement.of(status, 0, sequence, lifetime);
        } else {
            // RFC 6275 §9.5.4: BAD in every BA from a correspondent except 136/137/138
            MobilityMessage.BindingAcknowledgement unsigned = MobilityMessage.BindingAcknowledgement.of(status, 0,
                    sequence, lifetime, new MobilityOption.BindingAuthorizationData(Bytes.zeros(12)));
            byte[] mh = PacketEncoder.encode(new MobilityHeader(59, 0, 0, unsigned));
            byte[] auth = rr.authenticator(kbm, careOf, address, Arrays.copyOf(mh, mh.length - 12));
            List<MobilityOption> opts = new ArrayList<>(unsigned.options());
            opts.set(opts.size() - 1, new MobilityOption.BindingAuthorizationData(Bytes.of(auth)));
            ba = new MobilityMessage.BindingAcknowledgement(status, 0, sequence, lifetime, opts);
        }
        send(Ipv6Packet.build(Ipv6Header.of(64, address, to), List.of(ExtensionHeader.Type2Routing.of(home)),
                new MobilityHeader(ba)));
    }
}
