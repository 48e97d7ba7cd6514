package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import io.mga.api.SelectionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Policies#table}: disruption when a responder leaves or joins, measured over 10,000 initiators. */
class SelectionTableTest {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final int INITIATORS = 10_000;

    static AnycastBinding binding(int i, int weight) {
        return new AnycastBinding(AA, i, Ipv6Address.parse("2001:db8:" + Integer.toHexString(i) + "::100"), "ar" + i,
                weight, 0, 0);
    }

    static Ipv6Address[] initiators() {
        SplittableRandom r = new SplittableRandom(3);
        Ipv6Address[] a = new Ipv6Address[INITIATORS];
        for (int i = 0; i < a.length; i++) {
            a[i] = new Ipv6Address(0x2001_0db8_0000_0000L | r.nextLong() & 0xffff_ffffL, r.nextLong());
        }
        return a;
    }

    /** Each initiator's responder (its care-of address) under the table policy. */
    static Ipv6Address[] choices(long key, List<AnycastBinding> l, Ipv6Address[] who) {
        SelectionPolicy p = Policies.table(key);
        SelectionPolicy.Candidates c = SelectionPolicy.Candidates.of(l);
        Ipv6Address[] out = new Ipv6Address[who.length];
        for (int i = 0; i < who.length; i++) {
            out[i] = l.get(Math.floorMod(p.select(who[i].high(), who[i].low(), c), l.size())).careOf();
        }
        return out;
    }

    @Test
    void removingOneOfNMovesOnlyItsInitiatorsAtMostOnePointTwoOverNAndAddingOneAtMostOnePointTwoOverNPlusOne()
            throws Exception {
        Ipv6Address[] who = initiators();
        List<String> report = new ArrayList<>();
        for (int n : new int[] {3, 5, 16}) {
            List<AnycastBinding> l = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                l.add(binding(i, 1));
            }
            Ipv6Address[] before = choices(42, l, who);
            double worstRemove = 0;
            for (int k = 0; k < n; k++) {
                List<AnycastBinding> less = new ArrayList<>(l);
                AnycastBinding gone = less.remove(k);
                Ipv6Address[] after = choices(42, less, who);
                int moved = 0;
                for (int i = 0; i < who.length; i++) {
                    if (!after[i].equals(before[i])) {
                        moved++;
                        assertThat(before[i]).as("only the leaving responder's initiators move").isEqualTo(gone.careOf());
                    } else {
                        assertThat(before[i]).isNotEqualTo(gone.careOf());
                    }
                }
                double f = (double) moved / who.length;
                worstRemove = Math.max(worstRemove, f);
                assertThat(f).as("removing responder %d of %d", k + 1, n).isLessThanOrEqualTo(1.2 / n);
            }
            List<AnycastBinding> more = new ArrayList<>(l);
            AnycastBinding joining = binding(n + 1, 1);
            more.add(joining);
            Ipv6Address[] after = choices(42, more, who);
            int moved = 0;
            for (int i = 0; i < who.length; i++) {
                if (!after[i].equals(before[i])) {
                    moved++;
                    assertThat(after[i]).as("only initiators the new responder wins move").isEqualTo(joining.careOf());
                }
            }
            double f = (double) moved / who.length;
            assertThat(f).as("adding one to %d", n).isLessThanOrEqualTo(1.2 / (n + 1));
            report.add(String.format("n=%d: worst removal moved %.4f (1/n %.4f, bound %.4f); adding one moved %.4f"
                    + " (1/(n+1) %.4f, bound %.4f)", n, worstRemove, 1.0 / n, 1.2 / n, f, 1.0 / (n + 1), 1.2 / (n + 1)));
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "selection-disruption.txt"), report);
        report.forEach(System.out::println);
    }

    @Test
    void withUnequalWeightsEachResponderGetsItsShareAndLeavingMovesOnlyItsOwn() {
        Ipv6Address[] who = initiators();
        List<AnycastBinding> l = List.of(binding(1, 1), binding(2, 2), binding(3, 5), binding(4, 0));
        Ipv6Address[] c = choices(7, l, who);
        int[] hits = new int[4];
        for (Ipv6Address a : c) {
            for (int j = 0; j < 4; j++) {
                if (a.equals(l.get(j).careOf())) {
                    hits[j]++;
                }
            }
        }
        assertThat(hits[3]).as("weight 0 is never chosen").isZero();
        for (int j = 0; j < 3; j++) {
            double share = INITIATORS * l.get(j).weight() / 8.0;
            assertThat((double) hits[j]).as("responder %d, weight %d", j + 1, l.get(j).weight())
                    .isBetween(share * 0.85, share * 1.15);
        }
        List<AnycastBinding> less = List.of(l.get(0), l.get(1), l.get(3));
        Ipv6Address[] after = choices(7, less, who);
        for (int i = 0; i < who.length; i++) {
            if (!after[i].equals(c[i])) {
                assertThat(c[i]).isEqualTo(l.get(2).careOf());
            }
        }
        // every weight 0: all count as equal
        List<AnycastBinding> zero = List.of(binding(1, 0), binding(2, 0));
        assertThat(java.util.Arrays.stream(choices(7, zero, who)).distinct().count()).isEqualTo(2);
    }

    @Test
    void theChoiceDoesNotDependOnTheCandidatesOrder() {
        Ipv6Address[] who = initiators();
        List<AnycastBinding> l = List.of(binding(1, 3), binding(2, 1), binding(3, 2));
        List<AnycastBinding> r = List.of(l.get(2), l.get(0), l.get(1));
        assertThat(choices(9, r, who)).isEqualTo(choices(9, l, who));
    }
}
