package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test-only way to emit wrong lengths and checksums on purpose, and what the decoder makes of them. The hook is
 * package-private: users of the module cannot reach it.
 */
class EncodeHookTest {
    static final Ipv6Packet BU = Ipv6Packet.build(
            Ipv6Header.of(64, Ipv6Address.parse("2001:db8:2::100"), Ipv6Address.parse("2001:db8:1::1")),
            List.of(ExtensionHeader.DestinationOptions.homeAddress(Ipv6Address.parse("2001:db8:1::a"))),
            new MobilityHeader(MobilityMessage.BindingUpdate.of(7, 0xc000, 256)));

    static MalformedPacketException decodeWith(EncodeHook.Field field, int value) {
        byte[] b = PacketEncoder.withHook((f, depth, v) -> f == field ? value : v).toBytes(BU);
        return org.junit.jupiter.api.Assertions.assertThrows(MalformedPacketException.class,
                () -> PacketDecoder.decode(b));
    }

    @Test
    void wrongLengthsAreReportedWithKindLayerAndOffset() {
        MalformedPacketException e = decodeWith(EncodeHook.Field.MH_HEADER_LEN, 0);
        assertThat(e.kind()).isEqualTo(MalformedPacketException.Kind.BAD_LENGTH);
        assertThat(e.layer()).isEqualTo(Layer.MH);
        assertThat(e.offset()).isEqualTo(64 + 1);
        e = decodeWith(EncodeHook.Field.MH_HEADER_LEN, 5);
        assertThat(e.kind()).isEqualTo(MalformedPacketException.Kind.LENGTH_OVERRUN);
        e = decodeWith(EncodeHook.Field.HDR_EXT_LEN, 9);
        assertThat(e.kind()).isEqualTo(MalformedPacketException.Kind.LENGTH_OVERRUN);
        assertThat(e.layer()).isEqualTo(Layer.DESTINATION_OPTIONS);
        assertThat(e.offset()).isEqualTo(41);
        e = decodeWith(EncodeHook.Field.IPV6_OPTION_LENGTH, 8);
        assertThat(e.layer()).isEqualTo(Layer.IPV6_OPTION);
        e = decodeWith(EncodeHook.Field.PAYLOAD_LENGTH, 200);
        assertThat(e.kind()).isEqualTo(MalformedPacketException.Kind.TRUNCATED);
        assertThat(e.layer()).isEqualTo(Layer.IPV6);
        assertThat(e.getMessage()).isEqualTo("payload length 200 but 40 octets follow the header");
        e = decodeWith(EncodeHook.Field.MOBILITY_OPTION_LENGTH, 30);
        assertThat(e.layer()).isEqualTo(Layer.MOBILITY_OPTION);
        assertThat(e.offset()).isEqualTo(64 + 12 + 1);
    }

    @Test
    void wrongChecksumDecodesButDoesNotVerify() throws Exception {
        byte[] b = PacketEncoder.withHook((f, d, v) -> f == EncodeHook.Field.MH_CHECKSUM ? v ^ 1 : v).toBytes(BU);
        Ipv6Packet p = PacketDecoder.decode(b);
        assertThat(Checksums.verify(p)).isFalse();
        assertThat(PacketEncoder.encode(p)).as("lossless even with a wrong checksum").isEqualTo(b);
        Ipv6Packet udp = Ipv6Packet.build(BU.header(), List.of(), new Udp(1, 2, Bytes.EMPTY));
        byte[] zero = PacketEncoder.withHook((f, d, v) -> f == EncodeHook.Field.UDP_CHECKSUM ? 0 : v).toBytes(udp);
        assertThat(Checksums.verify(PacketDecoder.decode(zero))).as("UDP checksum 0 is invalid over IPv6").isFalse();
    }

    @Test
    void recordsRejectValuesTheWireCannotCarry() {
        assertThatThrownBy(() -> new MobilityMessage.BindingUpdate(70000, 0, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MobilityMessage.BindingUpdate(1, 0, 0,
                List.of(new MobilityOption.Pad1()))).hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> new Ipv6Packet(BU.header(), List.of(ExtensionHeader.DestinationOptions.of(),
                ExtensionHeader.HopByHop.of()), BU.upper())).hasMessageContaining("Hop-by-Hop");
        assertThatThrownBy(() -> new MobilityOption.Unknown(3, Bytes.EMPTY)).hasMessageContaining("own record");
    }

    @Test
    void theHookIsNotPartOfTheApi() throws NoSuchMethodException {
        assertThat(Modifier.isPublic(EncodeHook.class.getModifiers())).isFalse();
        assertThat(Modifier.isPublic(PacketEncoder.class.getDeclaredMethod("withHook", EncodeHook.class)
                .getModifiers())).isFalse();
        assertThat(PacketEncoder.class.getMethods()).noneMatch(m -> m.getName().equals("withHook"));
    }
}
