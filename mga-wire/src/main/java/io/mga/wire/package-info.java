/**
 * Wire codecs for IPv6 and Mobile IPv6: the packet model, {@link io.mga.wire.PacketDecoder},
 * {@link io.mga.wire.PacketEncoder} and {@link io.mga.wire.Checksums}.
 *
 * <h2>The model</h2>
 * An {@link io.mga.wire.Ipv6Packet} is a fixed {@link io.mga.wire.Ipv6Header}, a list of
 * {@link io.mga.wire.ExtensionHeader}s and one {@link io.mga.wire.UpperLayer}: a
 * {@link io.mga.wire.MobilityHeader} (carrying a {@link io.mga.wire.MobilityMessage} with
 * {@link io.mga.wire.MobilityOption}s), {@link io.mga.wire.Icmpv6}, {@link io.mga.wire.Udp}, a
 * {@link io.mga.wire.Tunnel} (IPv6-in-IPv6) or {@link io.mga.wire.RawPayload}. Each family is a sealed interface
 * with one immutable record per type; what mga does not understand (unknown MH types, options, ICMPv6 types,
 * routing types) is kept raw, so re-encoding is lossless. Padding options are kept as entries; the {@code of(...)}
 * factories lay options out with the alignment each needs (Home Address option 8n+6, Alternate CoA 8n+6, Binding
 * Authorization Data last and ending on 8 octets, Nonce Indices 2n, ...).
 *
 * <h2>Derived fields</h2>
 * Payload Length, Next Header, Hdr Ext Len, Header Len, option lengths and the UDP Length are derived from the
 * content when encoding and checked when decoding, so they are not record components. Checksums are components,
 * because a decoded packet may carry a wrong one: {@link io.mga.wire.Ipv6Packet#build} and
 * {@link io.mga.wire.Ipv6Packet#withChecksums()} compute them with the Mobile IPv6 pseudo-header rules (source =
 * the Home Address option's address, destination = the type 2 routing header's address).
 *
 * <h2>Bad input</h2>
 * Decoding is a pure function of the bytes. Whatever the bytes, the result is a packet or one
 * {@link io.mga.wire.MalformedPacketException} with a stable {@link io.mga.wire.MalformedPacketException.Kind},
 * {@link io.mga.wire.Layer} and offset; {@link io.mga.wire.PacketDecoder#decodePartial} returns what decoded
 * before the error instead. Chains, nesting and allocations are bounded ({@link io.mga.wire.Limits}).
 *
 * <h2>Threads</h2>
 * Records, the encoder and the decoder are immutable or stateless and safe to share.
 *
 * <h2>Neighbours</h2>
 * The allocation-free fast path lives in {@link io.mga.wire.fast}, link-layer framing in {@link io.mga.wire.link},
 * what MGA adds to the wire format in {@link io.mga.wire.mga}. For a fragment (a Fragment header with a non-zero
 * offset or the M flag set) the decoder keeps the octets after the Fragment header as a
 * {@link io.mga.wire.RawPayload}, and {@link io.mga.wire.fast.Ipv6View} reports the Fragment header as the upper
 * layer: the two agree on every packet the decoder accepts.
 *
 * <p>May use: {@code io.mga.api} and {@code java.base}; not the other packages of this module, which build on
 * this one (no cycle).
 */
package io.mga.wire;
