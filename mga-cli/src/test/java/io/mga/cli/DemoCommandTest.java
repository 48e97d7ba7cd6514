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
        String out = run("demo", "--no-pcap");
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
        assertThat(run("demo", "--seed", "7", "--no-pcap")).isEqualTo(run("demo", "--seed", "7", "--no-pcap"));
    }

    /** The recorded run, read by tshark: every Mobile IPv6 message of the story is in it, and our decoder agrees. */
    @Test
    void recordsTheRunToAPcapThatTsharkReads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("demo.pcap");
        String out = run("demo", "--pcap", file.toString());
        assertThat(out).contains("to " + file);
        Process t = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-T", "fields", "-e", "mip6.mhtype")
                .redirectErrorStream(true).start();
        assertThat(t.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.Set<String> types = new java.util.TreeSet<>(
                new String(t.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                        .filter(l -> !l.isBlank()).toList());
        assertThat(t.exitValue()).isZero();
        // BU 5, BA 6, HoTI 1, CoTI 2, HoT 3, CoT 4 (tshark names the MH Type of a tunnelled HoTI too)
        assertThat(types).contains("1", "2", "3", "4", "5", "6");
        String decoded = run("decode", file.toString());
        assertThat(decoded.lines().count()).isGreaterThan(100);
        assertThat(decoded).doesNotContain("\"valid\":false");
    }

    /** The service on port 53 speaks DNS: tshark dissects every query and answer, and flags nothing as malformed. */
    @Test
    void itsDnsIsDissectedWithoutMalformedPackets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("demo.pcap");
        run("demo", "--pcap", file.toString());
        assertThat(tshark(file, "_ws.malformed")).as("malformed packets").isEmpty();
        assertThat(tshark(file, "dns.flags.response == 0 && dns.qry.type == 16")).as("TXT queries").isNotEmpty();
        assertThat(tshark(file, "dns.flags.response == 1 && dns.txt")).as("TXT answers").isNotEmpty();
    }

    /** The timeline says when each answer arrived: the first one well within a second of its query at 1 s. */
    @Test
    void theTimelineStampsAnswersWhenTheyArrive() {
        String out = run("demo", "--no-pcap");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(\\d+\\.\\d{3}) s  \\[AI-plain\\] plain-q1 -> .* (\\d+) ms after it was asked").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        double at = Double.parseDouble(m.group(1));
        long latency = Long.parseLong(m.group(2));
        assertThat(at).isBetween(1.0, 1.5);
        assertThat(Math.round((at - 1.0) * 1000)).isEqualTo(latency);
    }

    static java.util.List<String> tshark(java.nio.file.Path file, String filter) throws Exception {
        Process t = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-Y", filter)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(t.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(t.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(t.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
