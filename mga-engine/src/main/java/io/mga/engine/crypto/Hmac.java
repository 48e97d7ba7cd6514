package io.mga.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA1 through JCA (the JDK's provider). Not thread-safe. */
final class Hmac {
    private final Mac mac;
    /** The key the Mac holds, compared by identity: a node key (Kcn) is used for many tokens in a row. */
    private byte[] keyed;

    Hmac() {
        try {
            mac = Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available from JCA", e);
        }
    }

    /**
     * HMAC-SHA1(key, parts...), 20 octets. The key array must not be changed in place between calls: the
     * initialised Mac is reused while the same array is passed.
     */
    byte[] compute(byte[] key, byte[]... parts) {
        if (key != keyed) {
            try {
                mac.init(new SecretKeySpec(key, "HmacSHA1"));
            } catch (java.security.InvalidKeyException e) {
                throw new IllegalArgumentException("bad HMAC key", e);
            }
            keyed = key;
        }
        for (byte[] p : parts) {
            mac.update(p);
        }
        return mac.doFinal();
    }
}
