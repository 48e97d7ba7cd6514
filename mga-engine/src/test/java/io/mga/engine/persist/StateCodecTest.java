package io.mga.engine.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.api.Ipv6Address;
import io.mga.engine.AgentState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The state file's format: what is written reads back equal; anything cut, changed or forged is refused. */
class StateCodecTest {
    /** A state with {@code n} bindings, a replay mark per responder and a few retired sequence numbers. */
    static AgentState state(SplittableRandom r, int n) {
        List<AgentState.Binding> bs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bs.add(new AgentState.Binding(new Ipv6Address(0x2001_0db8_000a_0000L, r.nextLong()), r.nextInt(1, 65536),
                    new Ipv6Address(0x2001_0db8_0001_0000L + i, r.nextLong()), "ar" + r.nextInt(100) + "@exämple.net",
                    r.nextInt(65536), r.nextInt(65536), r.nextInt(65536), r.nextLong()));
        }
        List<AgentState.ReplayMark> ms = List.of(new AgentState.ReplayMark(1001, r.nextLong()),
                new AgentState.ReplayMark(1002, r.nextLong()));
        List<AgentState.Retired> rs = List.of(new AgentState.Retired("ar1@example.net",
                new Ipv6Address(0x2001_0db8_000a_0000L, 0x53), 7, r.nextInt(65536), r.nextLong()));
        return new AgentState(r.nextLong(), bs, ms, rs);
    }

    @Test
    void whatIsWrittenReadsBackEqual() throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : new int[] {0, 1, 2, 50, 1000}) {
            AgentState s = state(r, n);
            assertThat(StateCodec.decode(StateCodec.encode(s))).isEqualTo(s);
        }
        assertThat(StateCodec.decode(StateCodec.encode(AgentState.empty()))).isEqualTo(AgentState.empty());
    }

    /** A write stopped at any octet (a crash without the rename's protection) is refused, never half-read. */
    @Test
    void everyTruncationIsRefused() {
        byte[] full = StateCodec.encode(state(new SplittableRandom(2), 3));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            assertThatThrownBy(() -> StateCodec.decode(cut)).as("cut at %d", len)
                    .isInstanceOf(CorruptStateException.class);
        }
    }

    /** Every single-bit change anywhere (header, body, checksum) is refused. */
    @Test
    void everyBitFlipIsRefused() {
        byte[] full = StateCodec.encode(state(new SplittableRandom(3), 2));
        for (int bit = 0; bit < full.length * 8; bit++) {
            byte[] b = full.clone();
            b[bit >>> 3] ^= (byte) (1 << (bit & 7));
            int at = bit;
            assertThatThrownBy(() -> StateCodec.decode(b)).as("bit %d", at).isInstanceOf(CorruptStateException.class);
        }
    }

    /** Random bytes, and random changes with the checksum made to match, throw nothing but the refusal. */
    @Test
    void forgedInputIsRefusedCleanly() {
        SplittableRandom r = new SplittableRandom(4);
        byte[] base = StateCodec.encode(state(r, 5));
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(64)];
                r.nextBytes(b);
            } else {
                b = base.clone();
                for (int k = r.nextInt(1, 4); k > 0; k--) {
                    b[r.nextInt(12, b.length - 4)] = (byte) r.nextInt(256);
                }
                resign(b);
            }
            try {
                AgentState s = StateCodec.decode(b);
                assertThat(StateCodec.decode(StateCodec.encode(s))).isEqualTo(s);
                decoded++;
            } catch (CorruptStateException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        // a forged body with a matching checksum may well be a valid state (a changed address, say): the point is
        // that it is then whole, and that nothing else is thrown
        assertThat(decoded).isGreaterThan(0);
    }

    @Test
    void aCountTooLargeForTheFileIsRefusedEvenWithAMatchingChecksum() {
        byte[] b = StateCodec.encode(state(new SplittableRandom(5), 1));
        ByteBuffer.wrap(b).putInt(12 + 8, 0x7fff_ffff);
        resign(b);
        assertThatThrownBy(() -> StateCodec.decode(b)).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("cannot fit");
    }

    @Test
    void anotherVersionIsRefusedByName() {
        byte[] b = StateCodec.encode(AgentState.empty());
        ByteBuffer.wrap(b).putShort(4, (short) 2);
        resign(b);
        assertThatThrownBy(() -> StateCodec.decode(b)).hasMessageContaining("version 2");
    }

    static void resign(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) c.getValue());
    }
}
