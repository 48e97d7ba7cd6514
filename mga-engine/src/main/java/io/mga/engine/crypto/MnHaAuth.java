package io.mga.engine.crypto;

import io.mga.api.Ipv6Address;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * RFC 4285 §5.1 MN-HA Mobility Message Authentication:
 * {@code Authentication Data = First(96, HMAC_SHA1(key, care-of address | home address | MH Data))}, where MH Data
 * runs from the start of the Mobility Header up to and including the SPI of the authentication option, with the
 * checksum taken as 0. Not thread-safe (one per role).
 */
public final class MnHaAuth {
    /** Octets of the truncated MAC: 12. */
    public static final int MAC_LENGTH = 12;
    private final Hmac hmac = new Hmac();

    /**
     * Computes the authentication data for a message whose last option is an {@link
     * MobilityOption.Authentication} (its data is ignored and may be zeros).
     *
     * @param key the MN-HA shared key (16 octets per RFC 4285 §5.1.1; any length accepted)
     * @param careOf the care-of address of the registration
     * @param home the home (here: anycast) address
     * @param message the message, its authentication option last
     * @return the 12-octet MAC
     * @throws IllegalArgumentException if the message has no authentication option
     */
    public byte[] mac(byte[] key, Ipv6Address careOf, Ipv6Address home, MobilityMessage message) {
        byte[] mh = PacketEncoder.encode(new MobilityHeader(59, 0, 0, message));
        int end = spiEnd(message);
        return Arrays.copyOf(hmac.compute(key, careOf.toBytes(), home.toBytes(), Arrays.copyOf(mh, end)), MAC_LENGTH);
    }

    /**
     * Verifies the authentication option of a received message, in constant time.
     *
     * @param key the MN-HA key of the SPI the option names
     * @param careOf the care-of address of the registration
     * @param home the home address
     * @param message the received message
     * @return true when the option is present, last, and carries the right MAC
     */
    public boolean verify(byte[] key, Ipv6Address careOf, Ipv6Address home, MobilityMessage message) {
        MobilityOption.Authentication a = lastAuthentication(message);
        if (a == null || a.authenticationData().length() != MAC_LENGTH) {
            return false;
        }
        return MessageDigest.isEqual(mac(key, careOf, home, message), a.authenticationData().toArray());
    }

    /**
     * The authentication option if it is the last non-padding option of the message (RFC 4285 §5: it must be last).
     *
     * @param message the message
     * @return the option, or null
     */
    public static MobilityOption.Authentication lastAuthentication(MobilityMessage message) {
        MobilityOption last = null;
        for (MobilityOption o : message.options()) {
            if (!o.isPadding()) {
                last = o;
            }
        }
        return last instanceof MobilityOption.Authentication a && a.subtype() == MobilityOption.Authentication.MN_HA
                ? a : null;
    }

    /** Offset just past the SPI of the message's (last) authentication option. */
    private static int spiEnd(MobilityMessage m) {
        int off = m.fixedLength();
        int end = -1;
        for (MobilityOption o : m.options()) {
            if (o instanceof MobilityOption.Authentication) {
                end = off + 7;
            }
            off += o.wireLength();
        }
        if (end < 0) {
            throw new IllegalArgumentException("the message carries no authentication option");
        }
        return end;
    }
}
