package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.engine.AgentState;
import io.mga.engine.persist.StateFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mga haa --state}: a damaged file stops the start with one line naming it; a good one is read first. */
class AgentStateOptionTest {
    static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    static String[] haa(Path state) {
        return new String[] {"haa", "--interface", "mga-nonexistent0", "--address", "2001:db8:a::1", "--router",
            "2001:db8:a::fe", "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000," + KEY,
            "--state=" + state};
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void aDamagedStateFileStopsTheStartNamingTheFile() throws Exception {
        Path state = dir.resolve("haa.state");
        Files.write(state, new byte[] {'M', 'G', 'A', 'S', 0, 1, 0, 0, 0, 0, 0, 99, 1, 2, 3, 4});
        StringWriter err = new StringWriter();
        assertThat(run(err, haa(state))).isEqualTo(1);
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith("mga haa: --state: " + state)
                .contains("cut short").contains("move the file away");
    }

    /** A good file is read, then the start goes on (here to the interface, which does not exist). */
    @Test
    void aGoodStateFileIsReadBeforeTheInterfaceIsOpened() throws Exception {
        Path state = dir.resolve("haa.state");
        new StateFile(state, 1 << 20).write(new AgentState(1, List.of(), List.of(), List.of()));
        StringWriter err = new StringWriter();
        assertThat(run(err, haa(state))).isEqualTo(1);
        assertThat(err.toString()).contains("cannot open mga-nonexistent0").doesNotContain("--state");
    }
}
