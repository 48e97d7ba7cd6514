/**
 * The forwarding fast path: {@link io.mga.wire.fast.Ipv6View}, a flyweight that walks an IPv6 header chain in
 * place and reads addresses without allocating, and {@link io.mga.wire.fast.Encapsulation}, which wraps a packet
 * in an outer IPv6 header (RFC 2473) inside the caller's buffer.
 *
 * <p>Nothing here allocates per packet, throws on bad input or keeps state beyond the view's fields: invalid
 * packets make {@link io.mga.wire.fast.Ipv6View#wrap} return false, for the caller to count. A view is not
 * thread-safe; keep one per polling thread and reuse it.
 */
package io.mga.wire.fast;
