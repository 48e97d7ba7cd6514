package io.mga.wire.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests, one per decoder entry point, and {@code agree}, the oracle between the flyweight and the
 * decoder ({@link DecoderFuzzTargets#agree}). In a normal {@code mvn verify} they run in regression mode on
 * the seed corpus and every past finding under {@code src/test/resources/io/mga/wire/fuzz/DecoderFuzzTestInputs};
 * with {@code JAZZER_FUZZ=1} (the CI's bounded fuzz pass, one Surefire execution per method) they fuzz for
 * {@code maxDuration}.
 */
class DecoderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        DecoderFuzzTargets.decode(data);
    }

    @FuzzTest(maxDuration = "30s")
    void view(byte[] data) {
        DecoderFuzzTargets.view(data);
    }

    @FuzzTest(maxDuration = "30s")
    void agree(byte[] data) {
        DecoderFuzzTargets.agree(data);
    }

    @FuzzTest(maxDuration = "30s")
    void link(byte[] data) {
        DecoderFuzzTargets.link(data);
    }
}
