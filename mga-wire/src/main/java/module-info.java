/**
 * mga's wire codecs: the packet model with {@link io.mga.wire.PacketDecoder} and {@link io.mga.wire.PacketEncoder}
 * ({@code io.mga.wire}), the allocation-free fast path ({@code io.mga.wire.fast}), link-layer framing
 * ({@code io.mga.wire.link}) and what MGA adds to the wire format ({@code io.mga.wire.mga}). Every package is
 * exported; the API's types appear in these signatures, so {@code io.mga.api} is required transitively.
 */
module io.mga.wire {
    requires transitive io.mga.api;

    exports io.mga.wire;
    exports io.mga.wire.fast;
    exports io.mga.wire.link;
    exports io.mga.wire.mga;
}
