/**
 * The cryptography of registration and route optimisation, through JCA: {@link io.mga.engine.crypto.MnHaAuth}
 * (RFC 4285 Mobility Message Authentication, HMAC-SHA1 truncated to 96 bits) and
 * {@link io.mga.engine.crypto.ReturnRoutability} (RFC 6275 §5.2: keygen tokens, Kbm, the Binding Authorization
 * Data authenticator). Instances hold a {@link javax.crypto.Mac} and are not thread-safe: one per role.
 */
package io.mga.engine.crypto;
