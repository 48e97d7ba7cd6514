package io.mga.engine.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mga.engine.AgentState;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading a state file, including a writer killed with SIGKILL at random points. */
class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void noFileIsNoState() throws Exception {
        assertThat(new StateFile(dir.resolve("none"), 1 << 20).read()).isEmpty();
    }

    @Test
    void writesReadBackAndTheFileIsTheOwnersOnly() throws Exception {
        StateFile f = new StateFile(dir.resolve("haa.state"), 1 << 20);
        AgentState a = StateCodecTest.state(new SplittableRandom(7), 10);
        AgentState b = StateCodecTest.state(new SplittableRandom(8), 3);
        f.write(a);
        assertThat(f.read()).contains(a);
        f.write(b);
        assertThat(f.read()).contains(b);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path()))).isEqualTo("rw-------");
        assertThat(dir.resolve(".haa.state.tmp")).doesNotExist();
    }

    /** A temporary file left by a crash before the rename is ignored by the reader and replaced by the writer. */
    @Test
    void aHalfWrittenTemporaryFileChangesNothing() throws Exception {
        StateFile f = new StateFile(dir.resolve("haa.state"), 1 << 20);
        AgentState a = StateCodecTest.state(new SplittableRandom(9), 4);
        f.write(a);
        byte[] next = StateCodec.encode(StateCodecTest.state(new SplittableRandom(10), 4));
        Files.write(dir.resolve(".haa.state.tmp"), java.util.Arrays.copyOf(next, next.length / 2));
        assertThat(f.read()).contains(a);
        f.write(AgentState.empty());
        assertThat(f.read()).contains(AgentState.empty());
    }

    @Test
    void aDamagedOrOversizedFileIsRefusedNamingTheFile() throws Exception {
        Path p = dir.resolve("haa.state");
        StateFile f = new StateFile(p, 4096);
        f.write(StateCodecTest.state(new SplittableRandom(11), 2));
        byte[] b = Files.readAllBytes(p);
        b[20] ^= 1;
        Files.write(p, b);
        assertThatThrownBy(f::read).isInstanceOf(CorruptStateException.class).hasMessageContaining(p.toString())
                .hasMessageContaining("checksum");
        Files.write(p, new byte[5000]);
        assertThatThrownBy(f::read).isInstanceOf(CorruptStateException.class).hasMessageContaining("4096");
        assertThatThrownBy(() -> f.write(StateCodecTest.state(new SplittableRandom(12), 100)))
                .hasMessageContaining("larger than the bound");
    }

    /**
     * A real crash: a child JVM writes states in a loop and is killed with SIGKILL after a random number of
     * completed writes (it is then somewhere in the next one). The file always reads back whole, as the last
     * completed write or the one under way, never half-read.
     */
    @Test
    void aWriterKilledAtRandomPointsLeavesAWholeState() throws Exception {
        SplittableRandom r = new SplittableRandom(13);
        Path p = dir.resolve("crash.state");
        for (int round = 0; round < 6; round++) {
            int after = r.nextInt(1, 40);
            Process child = new ProcessBuilder(javaCommand(), "-cp", classPath(), CrashingWriter.class.getName(),
                    p.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int last = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (int i = 0; i < after; i++) {
                    String line = out.readLine();
                    assertThat(line).as("the writer ran").isNotNull();
                    last = Integer.parseInt(line.trim());
                }
                child.destroyForcibly(); // SIGKILL
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            AgentState s = new StateFile(p, StateFile.DEFAULT_MAX_BYTES).read().orElseThrow();
            int gen = (int) s.savedAtUnixNanos();
            assertThat(gen).as("round %d: generation read back", round).isGreaterThanOrEqualTo(last);
            assertThat(s).isEqualTo(CrashingWriter.generation(gen));
        }
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test JVM's module path and class path as one class path (the child runs unnamed). */
    static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String prop : new String[] {"jdk.module.path", "java.class.path"}) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                parts.add(v);
            }
        }
        parts.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        parts.add(Path.of("target", "classes").toAbsolutePath().toString());
        return String.join(File.pathSeparator, parts);
    }
}
