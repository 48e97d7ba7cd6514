package io.mga.engine.mobility;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.engine.crypto.ReturnRoutability;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Binding Authorization Data of return routability (RFC 6275 §6.2.7, §5.2.6), signed and verified in one
 * place for the responder (its route-optimised BUs, the correspondent's BAs) and the initiator (the BUs it
 * verifies, the BAs it signs):
 * {@code authenticator = First(96, HMAC_SHA1(Kbm, care-of address | correspondent | MH Data))}, MH Data running
 * from the Payload Proto field through the option's Type and Length, with the checksum 0. The option is last and
 * unpadded. For a deregistration ("returned home") the care-of address in the input is the home address
 * (§5.2.6: the care-of address equals the home address then). Not thread-safe (one per role).
 */
public final class RrAuthenticator {
    /** Octets of the authenticator: 12. */
    public static final int LENGTH = 12;
    private final ReturnRoutability rr = new ReturnRoutability();

    /** @return the keygen-token and Kbm functions this authenticator uses */
    public ReturnRoutability functions() {
        return rr;
    }

    /**
     * Signs a message: appends a Binding Authorization Data option carrying the authenticator.
     *
     * @param kbm the binding management key
     * @param careOf the care-of address of the binding (the home address for a deregistration)
     * @param correspondent the correspondent node's address
     * @param unsigned the message without the option
     * @return the signed message
     */
    public MobilityMessage sign(byte[] kbm, Ipv6Address careOf, Ipv6Address correspondent, MobilityMessage unsigned) {
        List<MobilityOption> bare = new ArrayList<>();
        for (MobilityOption o : unsigned.options()) {
            if (!o.isPadding()) {
                bare.add(o);
            }
        }
        bare.add(new MobilityOption.BindingAuthorizationData(Bytes.zeros(LENGTH)));
        List<MobilityOption> opts = new ArrayList<>(MobilityOption.layOut(bare, unsigned.fixedLength()));
        MobilityMessage placeholder = MobilityMessages.withOptions(unsigned, opts);
        opts.set(opts.size() - 1, new MobilityOption.BindingAuthorizationData(
                Bytes.of(authenticator(kbm, careOf, correspondent, placeholder))));
        return MobilityMessages.withOptions(unsigned, opts);
    }

    /**
     * Verifies a received message in constant time.
     *
     * @param kbm the binding management key
     * @param careOf the care-of address of the binding (the home address for a deregistration)
     * @param correspondent the correspondent node's address
     * @param m the message
     * @return true when its last option is a 12-octet Binding Authorization Data with the right authenticator
     */
    public boolean verify(byte[] kbm, Ipv6Address careOf, Ipv6Address correspondent, MobilityMessage m) {
        List<MobilityOption> opts = m.options();
        if (opts.isEmpty() || !(opts.get(opts.size() - 1) instanceof MobilityOption.BindingAuthorizationData bad)
                || bad.authenticator().length() != LENGTH) {
            return false;
        }
        return MessageDigest.isEqual(authenticator(kbm, careOf, correspondent, m), bad.authenticator().toArray());
    }

    /** The authenticator over a message whose last option is the (placeholder or received) BAD option. */
    private byte[] authenticator(byte[] kbm, Ipv6Address careOf, Ipv6Address correspondent, MobilityMessage m) {
        byte[] mh = PacketEncoder.encode(new MobilityHeader(59, 0, 0, m));
        return rr.authenticator(kbm, careOf, correspondent, Arrays.copyOf(mh, mh.length - LENGTH));
    }
}
