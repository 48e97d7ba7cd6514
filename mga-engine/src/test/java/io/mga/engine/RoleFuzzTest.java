package io.mga.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of each role's {@code receive} ({@link RoleFuzzTargets}). In a normal {@code mvn verify}
 * they run in regression mode on the seeds under {@code src/test/resources/io/mga/engine/RoleFuzzTestInputs};
 * with {@code JAZZER_FUZZ=1} (the CI's bounded fuzz pass, one Surefire execution per method) they fuzz for
 * {@code maxDuration}.
 */
class RoleFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void agent(byte[] data) {
        RoleFuzzTargets.agent(data);
    }

    @FuzzTest(maxDuration = "20s")
    void responder(byte[] data) {
        RoleFuzzTargets.responder(data);
    }

    @FuzzTest(maxDuration = "20s")
    void initiator(byte[] data) {
        RoleFuzzTargets.initiator(data);
    }
}
