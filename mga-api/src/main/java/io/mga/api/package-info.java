/**
 * Value types used by every mga module: {@link io.mga.api.Ipv6Address} (a 128-bit value with RFC 5952 text),
 * {@link io.mga.api.Ipv6Prefix} and {@link io.mga.api.Bytes} (an immutable byte string), and the SPIs every role
 * is embedded through: {@link io.mga.api.PacketIo} (send whole IPv6 packets), {@link io.mga.api.PacketHandler}
 * (receive them), {@link io.mga.api.Clock} (injected time) and {@link io.mga.api.Role}.
 *
 * <p>Everything here is immutable, thread-safe, has value semantics ({@code equals}/{@code hashCode} by content)
 * and never touches DNS or {@link java.net.InetAddress}. This module depends on nothing beyond the JDK.
 */
package io.mga.api;
