package io.mga.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default {@link PacketHandler#receiveBurst}: each packet of the range, in order, with the burst's time. */
class PacketHandlerTest {
    @Test
    void theDefaultBurstReceivesEachPacketOfTheRangeInOrder() {
        List<String> calls = new ArrayList<>();
        PacketHandler h = (p, o, l, t) -> calls.add(o + "/" + l + "@" + t);
        byte[] buffer = new byte[256];
        int[] offsets = {0, 64, 128, 192};
        int[] lengths = {40, 50, 60, 70};
        h.receiveBurst(buffer, offsets, lengths, 1, 3, 9L);
        assertThat(calls).containsExactly("64/50@9", "128/60@9", "192/70@9");
        h.receiveBurst(buffer, offsets, lengths, 4, 0, 9L);
        assertThat(calls).hasSize(3);
    }

    @Test
    void aRangeOutsideEitherArrayIsRefusedBeforeAnyPacket() {
        List<Integer> calls = new ArrayList<>();
        PacketHandler h = (p, o, l, t) -> calls.add(o);
        int[] four = new int[4];
        assertThatThrownBy(() -> h.receiveBurst(new byte[8], four, new int[3], 0, 4, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> h.receiveBurst(new byte[8], four, four, 3, -1, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(calls).isEmpty();
    }
}
