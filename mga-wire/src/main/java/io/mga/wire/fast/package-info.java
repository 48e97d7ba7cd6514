/**
 * The forwarding fast path: {@link io.mga.wire.fast.Ipv6View}, a flyweight that walks an IPv6 header chain in
 * place and reads addresses without allocating; {@link io.mga.wire.fast.Encapsulation}, which wraps a packet in
 * an outer IPv6 header (RFC 2473) inside the caller's buffer; and {@link io.mga.wire.fast.Protocols}, the Next
 * Header, ICMPv6 and MH type numbers as {@code int} constants. The fixed header's field offsets are published as
 * constants of the view ({@link io.mga.wire.fast.Ipv6View#HEADER_LENGTH},
 * {@link io.mga.wire.fast.Ipv6View#PAYLOAD_LENGTH_OFFSET}, {@link io.mga.wire.fast.Ipv6View#NEXT_HEADER_OFFSET},
 * {@link io.mga.wire.fast.Ipv6View#HOP_LIMIT_OFFSET}, {@link io.mga.wire.fast.Ipv6View#SOURCE_OFFSET},
 * {@link io.mga.wire.fast.Ipv6View#DESTINATION_OFFSET}, and
 * {@link io.mga.wire.fast.Ipv6View#FRAGMENT_HEADER_LENGTH}); being compile-time constants they cost nothing.
 *
 * <p>Nothing here allocates per packet or keeps state beyond the view's fields. Bad packets make
 * {@link io.mga.wire.fast.Ipv6View#wrap} return false, for the caller to count, never throw;
 * {@link io.mga.wire.fast.Encapsulation} throws {@link java.lang.IllegalArgumentException} only for a range the
 * caller got wrong. A view is not thread-safe; keep one per polling thread and reuse it.
 *
 * <p>The view agrees with {@link io.mga.wire.PacketDecoder} on every packet the decoder accepts; a fragment is
 * reported as its Fragment header (upper-layer protocol {@link io.mga.wire.fast.Protocols#FRAGMENT}), never as
 * what it carries (see {@link io.mga.wire.fast.Ipv6View}).
 *
 * <p>May use: {@code io.mga.api} and {@code java.base} only; it refers to {@code io.mga.wire} in documentation
 * but not in code, so the fast path does not load the record model.
 */
package io.mga.wire.fast;
