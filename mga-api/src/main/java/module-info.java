/**
 * mga's value types and role SPIs: {@link io.mga.api.Ipv6Address}, {@link io.mga.api.Ipv6Prefix},
 * {@link io.mga.api.Bytes}, {@link io.mga.api.Clock}, {@link io.mga.api.EpochClock}, {@link io.mga.api.Role},
 * {@link io.mga.api.PacketIo}, {@link io.mga.api.PacketHandler}, {@link io.mga.api.SelectionPolicy} and
 * {@link io.mga.api.AnycastBinding}; the binding store SPI, {@link io.mga.api.store.BindingStore}. Requires
 * nothing beyond {@code java.base}.
 */
module io.mga.api {
    exports io.mga.api;
    exports io.mga.api.store;
}
