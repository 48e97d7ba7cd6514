/**
 * What MGA adds to the Mobile IPv6 wire format, as wire types: the weight/load Vendor-Specific option
 * ({@link io.mga.wire.mga.WeightLoad}) and the RFC 2526 Home-Agents anycast derivation used by DHAAD
 * ({@link io.mga.wire.mga.HomeAgentsAnycast}).
 *
 * <p>May use: {@code io.mga.api}, {@code io.mga.wire} and {@code java.base}; not the fast path nor the link
 * framing.
 */
package io.mga.wire.mga;
