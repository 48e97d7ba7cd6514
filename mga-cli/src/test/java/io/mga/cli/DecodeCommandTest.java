package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mga decode} as a user runs it: output lines, exit status, one-line errors. */
class DecodeCommandTest {
    static final Path SPEC_PCAP = Path.of("..", "..", "shared", "spec", "mipv6-bu-example.pcap");
    static final Path FIXTURES = Path.of("..", "mga-wire", "src", "test", "resources", "fixtures");

    record Run(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void decodesTheWorkedExampleOfTheFactsSheet() throws Exception {
        Path pcap = Files.exists(SPEC_PCAP) ? SPEC_PCAP : FIXTURES.resolve("mh-messages.pcap");
        Run r = run("decode", pcap.toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode first = new ObjectMapper().readTree(r.lines().get(0));
        assertThat(first.get("valid").asBoolean()).isTrue();
        assertThat(first.at("/mh/name").asText()).isEqualTo("binding_update");
        assertThat(first.at("/mh/sequence").asInt()).isEqualTo(7);
        assertThat(first.at("/mh/checksum").asInt()).isEqualTo(0xa1de);
        assertThat(first.at("/mh/checksum_ok").asBoolean()).isTrue();
        assertThat(first.at("/mh/pseudo_src").asText()).isEqualTo("2001:db8:1::a");
        assertThat(first.at("/ext/0/options/1/home_address").asText()).isEqualTo("2001:db8:1::a");
    }

    @Test
    void onePacketPerLineAndMalformedPacketsStillExitZero() throws Exception {
        Run r = run("decode", FIXTURES.resolve("malformed.pcap").toString());
        assertThat(r.status()).isZero();
        assertThat(r.lines()).hasSizeGreaterThan(10);
        ObjectMapper m = new ObjectMapper();
        int invalid = 0;
        for (int i = 0; i < r.lines().size(); i++) {
            JsonNode n = m.readTree(r.lines().get(i));
            assertThat(n.get("frame").asInt()).isEqualTo(i + 1);
            if (!n.get("valid").asBoolean()) {
                invalid++;
                assertThat(n.at("/error/kind").asText()).matches("[a-z_]+");
                assertThat(n.at("/error/message").asText()).doesNotContain("\n");
            }
        }
        assertThat(invalid).isGreaterThan(10);
    }

    @Test
    void prettyIndents() {
        Run r = run("decode", "--pretty", FIXTURES.resolve("udp-tunnel.pcap").toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("\n  \"frame\" : 1");
    }

    @Test
    void badFilesGiveOneLineAndStatusOne(@TempDir Path dir) throws Exception {
        Run missing = run("decode", dir.resolve("nope.pcap").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("mga decode: ").doesNotContain("\n").doesNotContain("Exception");
        Path text = Files.writeString(dir.resolve("x.pcap"), "this is not a capture\n");
        Run notPcap = run("decode", text.toString());
        assertThat(notPcap.status()).isEqualTo(1);
        assertThat(notPcap.err().strip()).startsWith("mga decode: ").doesNotContain("\n").doesNotContain("at io.");
        assertThat(notPcap.out()).isEmpty();
    }

    @Test
    void helpListsEveryErrorKind() {
        Run r = run("decode", "--help");
        assertThat(r.status()).isZero();
        for (io.mga.wire.MalformedPacketException.Kind k : io.mga.wire.MalformedPacketException.Kind.values()) {
            assertThat(r.out()).contains("  " + k.id() + " ");
        }
    }
}
