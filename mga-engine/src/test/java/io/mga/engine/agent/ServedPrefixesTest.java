package io.mga.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The flattened served-prefix test against {@link Ipv6Prefix#contains}, for every prefix length. */
class ServedPrefixesTest {

    /** An address that differs from {@code a} in bit {@code bit} only (0 = the most significant). */
    private static Ipv6Address flip(Ipv6Address a, int bit) {
        return bit < 64 ? new Ipv6Address(a.high() ^ (1L << (63 - bit)), a.low())
                : new Ipv6Address(a.high(), a.low() ^ (1L << (127 - bit)));
    }

    @Test
    void everyLengthAgreesWithThePrefixOnItsBoundaryBitsAndOnRandomAddresses() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int len = 0; len <= 128; len++) {
            Ipv6Address base = new Ipv6Address(rnd.nextLong(), rnd.nextLong());
            Ipv6Prefix p = new Ipv6Prefix(base, len);
            ServedPrefixes s = new ServedPrefixes(List.of(p));
            assertThat(s.contains(base.high(), base.low())).as("/%d holds its own address", len).isTrue();
            for (int bit = 0; bit < 128; bit++) {
                Ipv6Address a = flip(base, bit);
                assertThat(s.contains(a.high(), a.low())).as("/%d, bit %d flipped", len, bit).isEqualTo(bit >= len)
                        .isEqualTo(p.contains(a.high(), a.low()));
            }
            for (int i = 0; i < 200; i++) {
                long h = rnd.nextLong();
                long l = rnd.nextLong();
                assertThat(s.contains(h, l)).isEqualTo(p.contains(h, l));
            }
        }
    }

    @Test
    void severalPrefixesAnyOfThem() {
        SplittableRandom rnd = new SplittableRandom(11);
        List<Ipv6Prefix> served = new ArrayList<>();
        for (int len : new int[] {128, 64, 48, 127, 65, 1}) {
            served.add(new Ipv6Prefix(new Ipv6Address(rnd.nextLong(), rnd.nextLong()), len));
        }
        ServedPrefixes s = new ServedPrefixes(served);
        for (Ipv6Prefix p : served) {
            assertThat(s.contains(p.address().high(), p.address().low())).as("%s", p).isTrue();
        }
        for (int i = 0; i < 10_000; i++) {
            long h = rnd.nextLong();
            long l = rnd.nextLong();
            boolean any = served.stream().anyMatch(p -> p.contains(h, l));
            assertThat(s.contains(h, l)).isEqualTo(any);
        }
    }

    @Test
    void severalPrefixesEachOneOnItsHostBitsAndBoundaries() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int[] lens : new int[][] {{48, 1, 63, 64, 65, 127, 128}, {128, 0}, {64, 64}}) {
            List<Ipv6Prefix> served = new ArrayList<>();
            for (int len : lens) {
                served.add(new Ipv6Prefix(new Ipv6Address(rnd.nextLong(), rnd.nextLong()), len));
            }
            ServedPrefixes s = new ServedPrefixes(served);
            for (Ipv6Prefix p : served) {
                long mh = p.maskHigh();
                long ml = p.maskLow();
                for (int i = 0; i < 100; i++) {
                    long h = p.address().high() | (rnd.nextLong() & ~mh);
                    long l = p.address().low() | (rnd.nextLong() & ~ml);
                    assertThat(s.contains(h, l)).as("%s, host bits %x %x", p, h, l).isTrue();
                }
                for (int bit = 0; bit < 128; bit++) {
                    Ipv6Address a = flip(p.address(), bit);
                    boolean any = served.stream().anyMatch(q -> q.contains(a.high(), a.low()));
                    assertThat(s.contains(a.high(), a.low())).as("%s, bit %d flipped", p, bit).isEqualTo(any);
                }
            }
        }
    }

    @Test
    void noPrefixServesNothing() {
        ServedPrefixes s = new ServedPrefixes(List.of());
        assertThat(s.contains(0, 0)).isFalse();
        assertThat(s.contains(0, 1)).isFalse();
        assertThat(s.contains(-1, -1)).isFalse();
        assertThat(s.contains(1, 1)).isFalse();
    }
}
