/**
 * What every mga module shares. Values: {@link io.mga.api.Ipv6Address} (a 128-bit value held as two {@code long}s,
 * RFC 4291 text in, RFC 5952 text out), {@link io.mga.api.Ipv6Prefix}, {@link io.mga.api.Bytes} (an immutable
 * byte string) and {@link io.mga.api.AnycastBinding} (one binding of an agent's cache). The SPIs every role is
 * embedded through: {@link io.mga.api.Role}, {@link io.mga.api.PacketHandler} (receive packets, one at a time or
 * a burst), {@link io.mga.api.PacketIo} (send them), {@link io.mga.api.Clock} (injected monotonic time),
 * {@link io.mga.api.EpochClock} (the one conversion from that time to Unix time, for timestamps) and
 * {@link io.mga.api.SelectionPolicy} (which responder gets a packet, with addresses as {@code long} halves).
 *
 * <p>The values are immutable, thread-safe and compare by content ({@code equals}/{@code hashCode}); the SPIs
 * say in their own documentation which thread calls them. Nothing here touches DNS or
 * {@link java.net.InetAddress}.
 *
 * <p>May use: {@code java.base} only. This package is module {@code io.mga.api}, which depends on nothing else;
 * every other mga module builds on it.
 */
package io.mga.api;
