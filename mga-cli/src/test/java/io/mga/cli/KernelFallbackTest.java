package io.mga.cli;

import static io.mga.cli.RoleCommandsTest.KEY;
import static io.mga.cli.RoleCommandsTest.oneLine;
import static io.mga.cli.RoleCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --data-plane=kernel} never falls back to the slow path in silence: when the kernel data plane cannot be
 * installed the agent says what is missing in one line and exits 1; a per-packet policy is refused.
 */
class KernelFallbackTest {
    static final String[] HAA = {"haa", "--address", "2001:db8:a::1", "--router", "2001:db8:a::fe", "--anycast",
        "2001:db8:a::53/128", "--responder", "a@b,1000," + KEY};

    static String[] with(String... more) {
        String[] a = java.util.Arrays.copyOf(HAA, HAA.length + more.length);
        System.arraycopy(more, 0, a, HAA.length, more.length);
        return a;
    }

    @Test
    void withoutBpftoolOnThePathItSaysSoAndExitsOne() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "io.mga.cli.Main"));
        // an Ethernet interface of its own (a veth pair), which the command accepts
        String veth = String.format("kfb-%04x", ProcessHandle.current().pid() & 0xffff);
        new ProcessBuilder("ip", "link", "add", veth, "type", "veth", "peer", "name", veth + "p").start()
                .waitFor(10, TimeUnit.SECONDS);
        String out;
        Process p;
        try {
            cmd.addAll(List.of(with("--interface", veth, "--control-socket", "none", "--data-plane=kernel")));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PATH", "/nonexistent"); // no bpftool (nor anything else) on it
            p = pb.start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } finally {
            new ProcessBuilder("ip", "link", "del", veth).start().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).isEqualTo("mga haa: --data-plane=kernel: bpftool not found on PATH: apt-get install bpftool"
                + " (Debian) or linux-tools (Ubuntu)");
    }

    @Test
    void onAnInterfaceThatIsNotThereItSaysSoAndExitsOne() {
        oneLine(run(with("--interface", "mga-nonexistent0", "--data-plane=kernel")), 1,
                "--data-plane=kernel: cannot install on mga-nonexistent0");
    }

    @Test
    void aPerPacketPolicyIsRefusedForTheKernel() {
        oneLine(run(with("--interface", "lo", "--data-plane=kernel", "--policy", "round-robin")), 2,
                "--policy table", "a per-packet policy runs on --data-plane=pcap only");
        oneLine(run(with("--interface", "lo", "--data-plane=xdp")), 2, "--data-plane: pcap or kernel");
        oneLine(run(with("--interface", "lo", "--data-plane=kernel", "--table-key", "xyz")), 2, "--table-key");
    }
}
