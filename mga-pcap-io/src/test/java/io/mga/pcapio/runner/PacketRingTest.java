package io.mga.pcapio.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.PacketHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte ring between the capture thread and the role thread, on one thread. */
class PacketRingTest {
    /** Records what it is handed, and how (one packet, or bursts). */
    static final class Sink implements PacketHandler {
        final List<byte[]> packets = new ArrayList<>();
        final List<Integer> bursts = new ArrayList<>();

        @Override
        public void receive(byte[] packet, int offset, int length, long now) {
            bursts.add(1);
            packets.add(java.util.Arrays.copyOfRange(packet, offset, offset + length));
        }

        @Override
        public void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now) {
            bursts.add(count);
            for (int i = first; i < first + count; i++) {
                packets.add(java.util.Arrays.copyOfRange(buffer, offsets[i], offsets[i] + lengths[i]));
            }
        }
    }

    static byte[] packet(int n, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) n);
        return b;
    }

    @Test
    void packetsComeOutInOrderAsOneBurstAndWrapAround() {
        PacketRing r = new PacketRing(256, 16);
        Sink s = new Sink();
        int next = 0;
        int seen = 0;
        for (int round = 0; round < 50; round++) {
            int k = 1 + round % 3;
            for (int i = 0; i < k; i++) {
                assertThat(r.offer(packet(next, 20 + next % 17), 0, 20 + next % 17)).isTrue();
                next++;
            }
            assertThat(r.drain(s, 0)).isEqualTo(k);
            assertThat(s.bursts.get(s.bursts.size() - 1)).isEqualTo(k);
            for (; seen < next; seen++) {
                assertThat(s.packets.get(seen)).isEqualTo(packet(seen, 20 + seen % 17));
            }
            assertThat(r.isEmpty()).isTrue();
        }
    }

    @Test
    void aFullRingRefusesUntilDrainedAndAnEmptyOneTakesAnythingUpToHalf() {
        PacketRing r = new PacketRing(256, 64);
        int taken = 0;
        while (r.offer(packet(taken, 28), 0, 28)) {
            taken++;
        }
        assertThat(taken).as("256 octets of 32-octet records").isEqualTo(8);
        Sink s = new Sink();
        assertThat(r.drain(s, 0)).isEqualTo(8);
        assertThat(r.offer(packet(1, 124), 0, 124)).as("half the ring, wherever the tail is").isTrue();
        r.drain(s, 0);
        assertThat(r.offer(packet(1, 125), 0, 125)).as("more than half: never").isFalse();
    }

    @Test
    void aBurstIsCappedAtMaxBurst() {
        PacketRing r = new PacketRing(4096, 4);
        for (int i = 0; i < 10; i++) {
            r.offer(packet(i, 40), 0, 40);
        }
        Sink s = new Sink();
        assertThat(r.drain(s, 0)).isEqualTo(4);
        assertThat(r.drain(s, 0)).isEqualTo(4);
        assertThat(r.drain(s, 0)).isEqualTo(2);
        assertThat(r.drain(s, 0)).isZero();
        assertThat(s.bursts).containsExactly(4, 4, 2);
    }
}
