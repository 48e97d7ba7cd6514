package io.mga.engine.mobility;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketIo;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds, signs and sends every Mobility Header message of the roles, and any other packet they build as records:
 * the one place where a record becomes octets on the role's {@link PacketIo}.
 *
 * <ul>
 *   <li>home registrations (RFC 6275 §11.7.1, RFC 4285 §5): the BU with a Home Address option and the MN-HA
 *       authentication option last, signed with the responder's key;</li>
 *   <li>their acknowledgements (§10.3.1, §9.5.4: through a type 2 routing header naming the home address), with
 *       the authentication option echoed and signed (RFC 4285 §5.1);</li>
 *   <li>route-optimised BUs and correspondent BAs signed with Binding Authorization Data (§6.2.7);</li>
 *   <li>Binding Refresh Requests (§6.1.2) and Binding Errors (§6.1.9).</li>
 * </ul>
 * Not thread-safe (one per role).
 */
public final class MobilitySender {
    /** The hop limit of everything a role originates. */
    public static final int HOP_LIMIT = 64;
    private final PacketIo io;
    private final MnHaAuth mnHa = new MnHaAuth();
    private final RrAuthenticator rr;

    /**
     * @param io where packets go
     * @param rr the role's return-routability authenticator (shared with its verifier)
     */
    public MobilitySender(PacketIo io, RrAuthenticator rr) {
        this.io = java.util.Objects.requireNonNull(io, "io");
        this.rr = rr;
    }

    /** @return the role's MN-HA authenticator, for verifying what it receives */
    public MnHaAuth mnHa() {
        return mnHa;
    }

    /**
     * Encodes and sends a packet.
     *
     * @param p the packet
     */
    public void send(Ipv6Packet p) {
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }

    /**
     * A home registration (or deregistration): BU from the care-of address to the agent, with the Home Address
     * option and the MN-HA authentication option appended last and signed (RFC 4285 §5.1).
     *
     * @param careOf the source, the care-of address
     * @param agent the home agent
     * @param home the home (anycast) address
     * @param sequence the sequence number
     * @param flags the flags
     * @param lifetime the lifetime in units
     * @param options the options before the authentication option
     * @param key the security association
     */
    public void homeBindingUpdate(Ipv6Address careOf, Ipv6Address agent, Ipv6Address home, int sequence, int flags,
            int lifetime, List<MobilityOption> options, MnHaKey key) {
        MobilityMessage bu = signMnHa(MobilityMessage.BindingUpdate.of(sequence, flags, lifetime,
                withAuthentication(options, key)), key, careOf, home);
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, careOf, agent),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(home)), new MobilityHeader(bu)));
    }

    /**
     * The BA of a home registration, through a type 2 routing header naming the home address (RFC 6275 §9.5.4),
     * with the authentication option echoed and signed (RFC 4285 §5.1: the HA MUST echo it).
     *
     * @param agent the source, the agent's address
     * @param to the BU's source
     * @param home the home (anycast) address
     * @param careOf the care-of address the MAC covers
     * @param status the status
     * @param sequence the sequence number
     * @param lifetime the granted lifetime in units
     * @param options the options before the authentication option
     * @param key the security association
     */
    public void homeBindingAck(Ipv6Address agent, Ipv6Address to, Ipv6Address home, Ipv6Address careOf, int status,
            int sequence, int lifetime, List<MobilityOption> options, MnHaKey key) {
        MobilityMessage ba = signMnHa(MobilityMessage.BindingAcknowledgement.of(status, 0, sequence, lifetime,
                withAuthentication(options, key)), key, careOf, home);
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, agent, to), List.of(ExtensionHeader.Type2Routing.of(home)),
                new MobilityHeader(ba)));
    }

    /**
     * The BA refusing a BU whose MN-HA authentication failed (RFC 4285 §5.1: status 146, the option echoed). It
     * is <em>not</em> signed: the agent cannot know that the BU came from the key's holder, and a 146 signed with
     * the key would be an oracle (anyone could obtain one for a BU of their own making, and replay it to the real
     * responder). The authentication option goes back as it came, with the BU's timestamp, so that the real
     * mobile node can tell which of its BUs the agent could not verify; it cannot authenticate the BA and takes it
     * as a hint only.
     *
     * @param agent the source, the agent's address
     * @param to the BU's source
     * @param home the home (anycast) address
     * @param sequence the BU's sequence number
     * @param timestamp the BU's replay-protection timestamp, or null
     * @param received the BU's authentication option, echoed
     */
    public void authenticationFailure(Ipv6Address agent, Ipv6Address to, Ipv6Address home, int sequence,
            Long timestamp, MobilityOption.Authentication received) {
        MobilityMessage ba = timestamp == null
                ? MobilityMessage.BindingAcknowledgement.of(146, 0, sequence, 0, received)
                : MobilityMessage.BindingAcknowledgement.of(146, 0, sequence, 0,
                        new MobilityOption.ReplayProtection(timestamp), received);
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, agent, to), List.of(ExtensionHeader.Type2Routing.of(home)),
                new MobilityHeader(ba)));
    }

    /**
     * A route-optimised BU to a correspondent (RFC 6275 §5.2.6, §11.7.2): Home Address option, the Nonce Indices,
     * and the Binding Authorization Data last.
     *
     * @param careOf the source, the care-of address
     * @param correspondent the correspondent
     * @param home the home address
     * @param sequence the sequence number
     * @param flags the flags
     * @param lifetime the lifetime in units
     * @param nonces the nonce indices
     * @param kbm the binding management key
     */
    public void rrBindingUpdate(Ipv6Address careOf, Ipv6Address correspondent, Ipv6Address home, int sequence,
            int flags, int lifetime, MobilityOption.NonceIndices nonces, byte[] kbm) {
        boolean dereg = lifetime == 0;
        MobilityMessage bu = rr.sign(kbm, dereg ? home : careOf, correspondent,
                MobilityMessage.BindingUpdate.of(sequence, flags, lifetime, nonces));
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, careOf, correspondent),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(home)), new MobilityHeader(bu)));
    }

    /**
     * A correspondent's BA, signed with Binding Authorization Data (every status but 131 and 136-138, which carry
     * none: pass a null key). RFC 6275 §9.5.4: "If the Source Address field of the IPv6 header that carried the
     * Binding Update does not contain the mobile node's home address, then the Binding Acknowledgement MUST be
     * sent with a type 2 routing header" naming the home address; a BU sent from the home address itself (no Home
     * Address option) is answered without one (§6.4.1: the header is only for a care-of address).
     *
     * @param correspondent the source, the correspondent's address
     * @param to the BU's source
     * @param home the home address for the type 2 routing header, or null when the BU came from it
     * @param authCareOf the care-of address the authenticator covers (the home address for a deregistration,
     *     RFC 6275 §6.2.7)
     * @param status the status
     * @param sequence the sequence number
     * @param lifetime the granted lifetime in units
     * @param kbm the binding management key, or null for an unsigned BA
     */
    public void rrBindingAck(Ipv6Address correspondent, Ipv6Address to, Ipv6Address home, Ipv6Address authCareOf,
            int status, int sequence, int lifetime, byte[] kbm) {
        MobilityMessage ba = MobilityMessage.BindingAcknowledgement.of(status, 0, sequence, lifetime);
        if (kbm != null) {
            ba = rr.sign(kbm, authCareOf, correspondent, ba);
        }
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, correspondent, to),
                home == null ? List.of() : List.of(ExtensionHeader.Type2Routing.of(home)), new MobilityHeader(ba)));
    }

    /**
     * A Binding Refresh Request (RFC 6275 §6.1.2), sent like a BA: through a type 2 routing header.
     *
     * @param from the agent or correspondent
     * @param careOf the mobile node's care-of address
     * @param home its home address
     */
    public void refreshRequest(Ipv6Address from, Ipv6Address careOf, Ipv6Address home) {
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, from, careOf), List.of(ExtensionHeader.Type2Routing.of(home)),
                new MobilityHeader(MobilityMessage.BindingRefreshRequest.of())));
    }

    /**
     * A Binding Error (RFC 6275 §6.1.9, §9.3.3).
     *
     * @param from the source
     * @param to the destination
     * @param status the status
     * @param home the home address in question
     */
    public void bindingError(Ipv6Address from, Ipv6Address to, int status, Ipv6Address home) {
        send(Ipv6Packet.build(Ipv6Header.of(HOP_LIMIT, from, to), List.of(),
                new MobilityHeader(MobilityMessage.BindingError.of(status, home))));
    }

    /** The options (unpadded) with the authentication option appended, for a factory to lay out. */
    private static MobilityOption[] withAuthentication(List<MobilityOption> options, MnHaKey key) {
        MobilityOption[] l = options.toArray(new MobilityOption[options.size() + 1]);
        l[options.size()] = new MobilityOption.Authentication(MobilityOption.Authentication.MN_HA, key.spi(),
                Bytes.zeros(MnHaAuth.MAC_LENGTH));
        return l;
    }

    private MobilityMessage signMnHa(MobilityMessage m, MnHaKey key, Ipv6Address careOf, Ipv6Address home) {
        return signMnHa(mnHa, key.key().toArray(), careOf, home, m);
    }

    /**
     * Signs a Binding Update or Acknowledgement that carries an MN-HA authentication option (RFC 4285 §5.1): the
     * option's data (a placeholder of {@link MnHaAuth#MAC_LENGTH} octets) is replaced by the MAC; the layout does
     * not change. The one signing routine; tests and benchmarks that build BUs by hand use it too.
     *
     * @param mnHa the authenticator
     * @param key the MN-HA key
     * @param careOf the care-of address
     * @param home the home address
     * @param m the message
     * @return the signed message
     */
    public static MobilityMessage signMnHa(MnHaAuth mnHa, byte[] key, Ipv6Address careOf, Ipv6Address home,
            MobilityMessage m) {
        Bytes mac = Bytes.of(mnHa.mac(key, careOf, home, m));
        List<MobilityOption> opts = new ArrayList<>(m.options());
        for (int i = 0; i < opts.size(); i++) {
            if (opts.get(i) instanceof MobilityOption.Authentication a) {
                opts.set(i, new MobilityOption.Authentication(a.subtype(), a.spi(), mac));
            }
        }
        return MobilityMessages.withOptions(m, opts);
    }
}
