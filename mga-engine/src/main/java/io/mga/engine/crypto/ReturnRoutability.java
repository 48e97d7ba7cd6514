package io.mga.engine.crypto;

import io.mga.api.Ipv6Address;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The return-routability functions of RFC 6275 §5.2.5 and §6.2.7. Not thread-safe (one per role).
 * <pre>
 * home keygen token    = First(64, HMAC_SHA1(Kcn, home address    | nonce | 0))
 * care-of keygen token = First(64, HMAC_SHA1(Kcn, care-of address | nonce | 1))
 * Kbm                  = SHA1(home token | care-of token), or SHA1(home token) for a deregistration
 * authenticator        = First(96, HMAC_SHA1(Kbm, care-of address | correspondent | MH Data))
 * </pre>
 */
public final class ReturnRoutability {
    private final Hmac hmac = new Hmac();
    private final MessageDigest sha1;

    /** Creates the functions over JCA's HMAC-SHA1 and SHA-1. */
    public ReturnRoutability() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is not available from JCA", e);
        }
    }

    /**
     * A keygen token.
     *
     * @param kcn the correspondent's 20-octet node key; to change the key pass a new array, never refill this one
     *     (the initialised MAC is kept while the same array is passed)
     * @param address the home address (home token) or care-of address (care-of token)
     * @param nonce the nonce the index names
     * @param careOf false for the home token (suffix 0), true for the care-of token (suffix 1)
     * @return the 64-bit token
     */
    public long keygenToken(byte[] kcn, Ipv6Address address, byte[] nonce, boolean careOf) {
        byte[] h = hmac.compute(kcn, address.toBytes(), nonce, new byte[] {(byte) (careOf ? 1 : 0)});
        long t = 0;
        for (int i = 0; i < 8; i++) {
            t = (t << 8) | (h[i] & 0xff);
        }
        return t;
    }

    /**
     * Kbm, the binding management key.
     *
     * @param homeToken the home keygen token
     * @param careOfToken the care-of keygen token, or null for a deregistration (home token only)
     * @return 20 octets
     */
    public byte[] kbm(long homeToken, Long careOfToken) {
        sha1.reset();
        sha1.update(longBytes(homeToken));
        if (careOfToken != null) {
            sha1.update(longBytes(careOfToken));
        }
        return sha1.digest();
    }

    /**
     * The Binding Authorization Data authenticator.
     *
     * @param kbm the binding management key
     * @param careOf the care-of address registered (the home address for a deregistration)
     * @param correspondent the correspondent's address
     * @param mhData the Mobility Header from Payload Proto through the BAD option's Type and Length, checksum 0
     * @return 12 octets
     */
    public byte[] authenticator(byte[] kbm, Ipv6Address careOf, Ipv6Address correspondent, byte[] mhData) {
        return Arrays.copyOf(hmac.compute(kbm, careOf.toBytes(), correspondent.toBytes(), mhData), 12);
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}
