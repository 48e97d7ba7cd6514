/**
 * Value types used by every mga module: {@link io.mga.api.Ipv6Address} (a 128-bit value with RFC 5952 text),
 * {@link io.mga.api.Ipv6Prefix} and {@link io.mga.api.Bytes} (an immutable byte string).
 *
 * <p>Everything here is immutable, thread-safe, has value semantics ({@code equals}/{@code hashCode} by content)
 * and never touches DNS or {@link java.net.InetAddress}. This module depends on nothing beyond the JDK.
 */
package io.mga.api;
