package io.mga.engine.mobility;

import io.mga.api.Ipv6Address;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.wire.Ipv6Option;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.mga.WeightLoad;

/**
 * A received Binding Update parsed once, with what every role reads of it (RFC 6275 §9.5.1, §10.3.1; RFC 4285;
 * RFC 5648): the source, the Home Address option, the care-of address (the Alternate Care-of Address option, else
 * the source), the MN-HA authentication option (last, RFC 4285 §5), the replay-protection timestamp, the Binding
 * Identifier, the nonce indices of return routability, and MGA's weight and load.
 *
 * @param bu the message
 * @param source the packet's source address
 * @param homeAddress the Home Address option's address, or null when the packet carries none
 * @param careOf the care-of address the BU asks for
 * @param authentication the MN-HA authentication option if it is the last option, else null
 * @param timestamp the replay-protection timestamp, or null
 * @param bindingId the Binding Identifier option, or null
 * @param nonces the Nonce Indices option, or null
 * @param weightLoad MGA's weight and load, or null
 */
public record BindingUpdateView(MobilityMessage.BindingUpdate bu, Ipv6Address source, Ipv6Address homeAddress,
        Ipv6Address careOf, MobilityOption.Authentication authentication, Long timestamp,
        MobilityOption.BindingIdentifier bindingId, MobilityOption.NonceIndices nonces, WeightLoad weightLoad) {

    /**
     * Parses the parts of a BU packet.
     *
     * @param p the packet
     * @param bu its Binding Update
     * @return the view
     */
    public static BindingUpdateView of(Ipv6Packet p, MobilityMessage.BindingUpdate bu) {
        Ipv6Option.HomeAddress hao = p.homeAddressOption().orElse(null);
        Ipv6Address src = p.header().source();
        Ipv6Address careOf = null;
        Long ts = null;
        MobilityOption.BindingIdentifier bid = null;
        MobilityOption.NonceIndices ni = null;
        WeightLoad wl = null;
        for (MobilityOption o : bu.options()) {
            if (o instanceof MobilityOption.AlternateCareOfAddress a && careOf == null) {
                careOf = a.address();
            } else if (o instanceof MobilityOption.ReplayProtection r && ts == null) {
                ts = r.timestamp();
            } else if (o instanceof MobilityOption.BindingIdentifier b && bid == null) {
                bid = b;
            } else if (o instanceof MobilityOption.NonceIndices n && ni == null) {
                ni = n;
            } else if (o instanceof MobilityOption.VendorSpecific v && wl == null) {
                wl = WeightLoad.from(v);
            }
        }
        return new BindingUpdateView(bu, src, hao == null ? null : hao.homeAddress(), careOf == null ? src : careOf,
                MnHaAuth.lastAuthentication(bu), ts, bid, ni, wl);
    }

    /** @return true when H is set: a home registration (RFC 6275 §6.1.7) */
    public boolean isHomeRegistration() {
        return bu.has(MobilityMessage.BindingUpdate.FLAG_H);
    }

    /** @return true when A is set: the sender asks for an acknowledgement */
    public boolean wantsAcknowledgement() {
        return bu.has(MobilityMessage.BindingUpdate.FLAG_A);
    }

    /**
     * @param home the home address the BU is about
     * @return true for a deregistration: lifetime 0, or the care-of address equal to the home address (§9.5.1)
     */
    public boolean isDeregistration(Ipv6Address home) {
        return bu.lifetime() == 0 || careOf.equals(home);
    }
}
