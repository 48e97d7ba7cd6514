package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP through {@link Signals}, in a child JVM (the test's own JVM keeps its signals): a real {@code kill -HUP}
 * reaches the action, and a process started under {@code nohup} (SIGHUP ignored) is told that it cannot reload.
 */
class SignalsTest {

    /** The child: installs the handler, says whether it could, and if so signals itself once. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            CountDownLatch got = new CountDownLatch(1);
            boolean installed = Signals.onHangUp(got::countDown);
            System.out.println("installed=" + installed);
            if (installed) {
                new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                System.out.println("handled=" + got.await(20, TimeUnit.SECONDS));
            }
        }
    }

    static String run(String... prefix) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(prefix));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aHangUpReachesTheAction() throws Exception {
        // env --default-signal (coreutils): SIGHUP back to its default in the child, even when this build was
        // itself started with it ignored (nohup mvn ..., some CI runners), which the child would inherit
        assertThat(run("env", "--default-signal=HUP")).contains("installed=true").contains("handled=true");
    }

    @Test
    void underNohupTheHandlerIsReportedMissing() throws Exception {
        // nohup ignores SIGHUP before exec; the JVM then leaves it ignored, and the reload would silently never run
        String out = run("nohup");
        assertThat(out).contains("installed=false").doesNotContain("handled=");
    }
}
