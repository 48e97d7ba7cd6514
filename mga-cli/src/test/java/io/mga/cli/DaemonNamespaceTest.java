package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role commands as an operator runs them: {@code mga haa} and two {@code mga responder} processes on veth
 * links around a router namespace, the agent configured from a TOML file with key files. Shown: a responder that
 * takes a Binding ID already in use is refused with 129, says to give --bid, and exits 78; SIGHUP adding a
 * credential drops no binding; {@code mga status --json} lists exactly the live bindings; the metrics endpoint
 * counts them; SIGTERM of a responder returns once its deregistration is acknowledged. Needs root.
 */
class DaemonNamespaceTest {
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static final String RT_NS = "mgort-" + TAG;
    static final String[] LINKS = {"mgoh", "mgo1", "mgo2"};
    static final String K1 = "31313131313131313131313131313131";
    static final String K2 = "32323232323232323232323232323232";
    static final List<Process> STARTED = new ArrayList<>();

    @TempDir
    static Path dir;

    static String dev(String base) {
        return base + "-" + TAG;
    }

    static String peer(String base) {
        return base + "r-" + TAG;
    }

    static String sh(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    static void link(String base, String routerAddress) throws Exception {
        sh(true, "ip", "link", "add", dev(base), "type", "veth", "peer", "name", peer(base));
        sh(true, "sysctl", "-qw", "net.ipv6.conf." + dev(base) + ".disable_ipv6=1");
        sh(true, "ip", "link", "set", peer(base), "netns", RT_NS);
        sh(true, "ip", "link", "set", dev(base), "up");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "addr", "add", routerAddress, "dev", peer(base), "nodad");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", peer(base), "up");
    }

    @BeforeAll
    static void build() throws Exception {
        assertThat(sh(false, "id", "-u").trim()).as("this test builds network namespaces and must run as root")
                .isEqualTo("0");
        cleanup();
        sh(true, "ip", "netns", "add", RT_NS);
        sh(true, "ip", "netns", "exec", RT_NS, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        link(LINKS[0], "2001:db8:a::fe/64");
        link(LINKS[1], "2001:db8:1::1/64");
        link(LINKS[2], "2001:db8:2::1/64");
    }

    @AfterAll
    static void cleanup() throws Exception {
        for (Process p : STARTED) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (String l : LINKS) {
            sh(false, "ip", "link", "del", dev(l));
        }
        sh(false, "ip", "netns", "del", RT_NS);
    }

    /** A started {@code mga} process whose output lines are queued as they come. */
    record Mga(Process process, BlockingQueue<String> lines, List<String> all) {
        /** Waits for a line matching {@code regex}; fails after {@code seconds}. */
        String await(String regex, int seconds) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String l = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError("no line matching " + regex + " within " + seconds + " s; output: " + all);
                }
                if (p.matcher(l).find()) {
                    return l;
                }
            }
        }
    }

    static Mga mga(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "io.mga.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        STARTED.add(p);
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    all.add(l);
                    q.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "mga-output");
        t.setDaemon(true);
        t.start();
        return new Mga(p, q, all);
    }

    static Path key(String name, String hex) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, hex + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    static String agentConfig(String... responders) {
        return "interface = \"" + dev(LINKS[0]) + "\"\naddress = \"2001:db8:a::1\"\nrouter = \"2001:db8:a::fe\"\n"
                + "anycast = [\"2001:db8:a::53/128\"]\nresponder = [" + String.join(", ", responders) + "]\n";
    }

    static Mga responder(int i, Path key, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("responder", "--interface=" + dev(LINKS[i]),
                "--address=2001:db8:" + i + "::10", "--router=2001:db8:" + i + "::1", "--anycast=2001:db8:a::53",
                "--agent=2001:db8:a::1", "--nai=ar" + i + "@example.net", "--spi=100" + i, "--key-file=" + key,
                "--lifetime=60", "--control-socket=" + dir.resolve("ar" + i + ".sock")));
        a.addAll(List.of(more));
        return mga(a.toArray(String[]::new));
    }

    static JsonNode status(Path socket) throws Exception {
        RoleCommandsTest.Run r = RoleCommandsTest.run("status", "--json", "--control-socket=" + socket);
        assertThat(r.status()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void reloadStatusMetricsRefusalAndStop() throws Exception {
        Path k1 = key("ar1.key", K1);
        Path k2 = key("ar2.key", K2);
        String ar1 = "\"ar1@example.net,1001,@" + k1 + "\"";
        String ar2 = "\"ar2@example.net,1002,@" + k2 + "\"";
        Path conf = dir.resolve("haa.toml");
        Files.writeString(conf, agentConfig(ar1));
        Path haaSock = dir.resolve("haa.sock");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Mga haa = mga("haa", "--config=" + conf, "--control-socket=" + haaSock, "--metrics=127.0.0.1:" + port);
        String start = haa.await("INFO  haa: starting: ", 30);
        assertThat(start).matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z INFO  haa: starting: .*")
                .contains("--responder=ar1@example.net,1001,@" + k1).doesNotContain(K1);
        haa.await("running on ", 30);

        Mga r1 = responder(1, k1);
        haa.await("INFO  haa: registered ar1@example.net for 2001:db8:a::53 \\(Binding ID 1, care-of 2001:db8:1::10\\)",
                30);
        r1.await("INFO  responder: registered with 2001:db8:a::1", 10);
        JsonNode s = status(haaSock);
        assertThat(s.get("bindings")).hasSize(1);
        long remainingBefore = s.get("bindings").get(0).get("remainingSeconds").asLong();

        // SIGHUP with ar2's credential added: ar1's binding stays
        Files.writeString(conf, agentConfig(ar1, ar2));
        sh(true, "kill", "-HUP", Long.toString(haa.process().pid()));
        assertThat(haa.await("haa: reloaded", 10)).contains("2 responders accepted, 0 bindings revoked, 1 kept");
        s = status(haaSock);
        assertThat(s.get("responders")).extracting(r -> r.get("identity").asText()).containsExactly("ar1@example.net",
                "ar2@example.net");
        assertThat(s.get("bindings")).hasSize(1);
        assertThat(s.get("bindings").get(0).get("remainingSeconds").asLong()).isBetween(remainingBefore - 10,
                remainingBefore);

        // ar2 without --bid takes Binding ID 1, ar1's: refused with 129, told what to change, exit 78
        Mga clash = responder(2, k2);
        assertThat(clash.await("ERROR responder: refused by 2001:db8:a::1", 30)).contains(
                "status 129 ADMINISTRATIVELY_PROHIBITED").contains("give another --bid");
        assertThat(clash.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(clash.process().exitValue()).isEqualTo(78);

        Mga r2 = responder(2, k2, "--bid=2");
        haa.await("registered ar2@example.net for 2001:db8:a::53 \\(Binding ID 2", 30);
        s = status(haaSock);
        assertThat(s.get("bindings")).extracting(b -> b.get("responder").asText() + "/" + b.get("bindingId").asInt()
                + "/" + b.get("careOf").asText()).containsExactlyInAnyOrder("ar1@example.net/1/2001:db8:1::10",
                "ar2@example.net/2/2001:db8:2::10");
        JsonNode rs = status(dir.resolve("ar2.sock"));
        assertThat(rs.get("registrations").get(0).get("state").asText()).isEqualTo("registered");

        HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(m.body()).contains("mga_agent_bindings 2.0").contains("mga_agent_responders 2.0")
                .contains("mga_agent_binding_updates_rejected_total");

        // SIGTERM: the responder returns once the agent acknowledged its deregistration
        long t0 = System.nanoTime();
        sh(true, "kill", "-TERM", Long.toString(r2.process().pid())); // not destroy(): it closes the output
        assertThat(r2.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        haa.await("INFO  haa: deregistered ar2@example.net", 5);
        r2.await("responder: stopping \\(signal\\): deregistering", 5);
        r2.await("responder: stopped$", 5);
        assertThat(stopMillis).as("SIGTERM to exit, ms").isLessThan(1500);
        System.out.println("DaemonNamespaceTest: responder SIGTERM to exit " + stopMillis + " ms");
        assertThat(status(haaSock).get("bindings")).hasSize(1);
        assertThat(haa.all()).as("no binding lost on the way").noneMatch(l -> l.contains("expired ")
                || l.contains("revoked ") || l.contains("unreachable "));
        sh(true, "kill", "-TERM", Long.toString(r1.process().pid()));
        sh(true, "kill", "-TERM", Long.toString(haa.process().pid()));
        assertThat(haa.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        haa.await("haa: stopped$", 5);
        assertThat(haaSock).as("the socket is removed on stop").doesNotExist();
    }
}
