package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mga demo} tells the whole story and ends with every initiator answered by a live responder. */
class DemoCommandTest {

    static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void tellsTheStory() {
        String out = run("demo");
        assertThat(out.lines().filter(l -> l.matches(".*\\] +registered ar.*")).count()).as("3 responders x 2 agents")
                .isEqualTo(6);
        assertThat(out).contains("route optimised: 2001:db8:a::53 is now reached directly at");
        assertThat(out).contains("directly from 2001:db8:");
        assertThat(out).contains("dropped: destination unreachable");
        assertThat(out).contains("dropped: returned home");
        assertThat(out).contains("tunnel endpoint unreachable, binding dropped");
        assertThat(out).containsPattern("plain-last -> \"answer from ar\\d to plain-last\" \\(source 2001:db8:a::53\\)");
        assertThat(out).containsPattern("mip-last -> \"answer from ar\\d to mip-last\"");
        assertThat(out).contains("Summary");
        assertThat(out).doesNotContain("refused a Binding Update");
    }

    @Test
    void isDeterministicForASeed() {
        assertThat(run("demo", "--seed", "7")).isEqualTo(run("demo", "--seed", "7"));
    }
}
