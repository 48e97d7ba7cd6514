package io.mga.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA1 through JCA (the JDK's provider). Not thread-safe. */
final class Hmac {
    private final Mac mac;

    Hmac() {
        try {
            mac = Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available from JCA", e);
        }
    }

    /** HMAC-SHA1(key, parts...), 20 octets. */
    byte[] compute(byte[] key, byte[]... parts) {
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalArgumentException("bad HMAC key", e);
        }
        for (byte[] p : parts) {
            mac.update(p);
        }
        return mac.doFinal();
    }
}
