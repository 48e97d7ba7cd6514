package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Ipv6Address;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The demo's DNS: queries answered with TXT or AAAA, anything odd (or hostile) left unanswered, nothing thrown. */
class DemoDnsTest {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");

    @Test
    void txtAndAaaaQueriesAreAnsweredWithTheirId() {
        byte[] q = DemoDns.query(0x1234, "plain-q1.demo.example", DemoDns.TYPE_TXT).toArray();
        assertThat(DemoDns.question(q)).hasValueSatisfying(x -> assertThat(x.name()).isEqualTo("plain-q1.demo.example"));
        assertThat(DemoDns.read(DemoDns.answer(q, "answer from ar1", AA).toArray()))
                .contains(new DemoDns.Answer(0x1234, "answer from ar1"));
        byte[] a = DemoDns.query(7, "demo.example", DemoDns.TYPE_AAAA).toArray();
        assertThat(DemoDns.read(DemoDns.answer(a, "x", AA).toArray())).contains(new DemoDns.Answer(7, AA.toString()));
    }

    @Test
    void answersQuestionsAndCompressedNamesAreNotAnswered() {
        byte[] q = DemoDns.query(1, "a.example", DemoDns.TYPE_TXT).toArray();
        byte[] answer = DemoDns.answer(q, "t", AA).toArray();
        assertThat(DemoDns.answer(answer, "t", AA)).as("an answer is no query").isNull();
        byte[] pointer = q.clone();
        pointer[12] = (byte) 0xc0;
        assertThat(DemoDns.answer(pointer, "t", AA)).isNull();
    }

    @Test
    void randomAndMutatedInputNeverThrows() {
        SplittableRandom r = new SplittableRandom(17);
        byte[] base = DemoDns.query(1, "plain-q1.demo.example", DemoDns.TYPE_TXT).toArray();
        for (int i = 0; i < 50_000; i++) {
            byte[] b = i % 2 == 0 ? new byte[r.nextInt(600)] : base.clone();
            if (i % 2 == 0) {
                r.nextBytes(b);
            } else {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            DemoDns.answer(b, "t", AA);
            DemoDns.read(b);
        }
    }
}
