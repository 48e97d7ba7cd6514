/**
 * What MGA adds to the Mobile IPv6 wire format, as wire types: the weight/load Vendor-Specific option
 * ({@link io.mga.wire.mga.WeightLoad}) and the RFC 2526 Home-Agents anycast derivation used by DHAAD
 * ({@link io.mga.wire.mga.HomeAgentsAnycast}). Uses {@code io.mga.api} and {@code io.mga.wire} only.
 */
package io.mga.wire.mga;
