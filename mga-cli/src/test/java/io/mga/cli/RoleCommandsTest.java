package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The role commands refuse bad input with one line naming the problem. */
class RoleCommandsTest {
    static final String KEY = "00112233445566778899aabbccddeeff";

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int s = cl.execute(args);
        return new Run(s, out.toString(), err.toString());
    }

    static void oneLine(Run r, int status, String... contains) {
        assertThat(r.status()).as(r.err()).isEqualTo(status);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("mga ");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    @Test
    void malformedAddress() {
        oneLine(run("responder", "--interface", "lo", "--address", "2001:db8::zz", "--router", "2001:db8::1",
                "--anycast", "2001:db8:a::53", "--agent", "2001:db8:a::1", "--nai", "a@b", "--spi", "1000", "--key",
                KEY), 2, "--address", "2001:db8::zz");
    }

    @Test
    void missingKey() {
        oneLine(run("responder", "--interface", "lo", "--address", "2001:db8::2", "--router", "2001:db8::1",
                "--anycast", "2001:db8:a::53", "--agent", "2001:db8:a::1", "--nai", "a@b", "--spi", "1000"), 2,
                "--key");
    }

    @Test
    void shortKeyAndReservedSpi() {
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000,0011"), 2, "16 octets");
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--anycast", "2001:db8:a::53/128", "--responder", "a@b,3," + KEY), 2, "SPI");
    }

    @Test
    void unknownInterface() {
        oneLine(run("haa", "--interface", "mga-nonexistent0", "--address", "2001:db8:a::1", "--router",
                "2001:db8:a::fe", "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000," + KEY), 1,
                "cannot open mga-nonexistent0");
    }

    @Test
    void unknownPolicy() {
        oneLine(run("haa", "--interface", "lo", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe",
                "--anycast", "2001:db8:a::53/128", "--responder", "a@b,1000," + KEY, "--policy", "dice"), 2,
                "--policy");
    }
}
