package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.SelectionPolicy;
import io.mga.engine.AnycastResponder;
import io.mga.engine.Policies;
import io.mga.engine.ResponderEvent;
import io.mga.pcapio.LiveInterface;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code mga haa --data-plane=kernel} end to end, as a user runs it: the agent is this project's CLI in a process
 * of its own, with the XDP program on its interface; an unmodified client (the kernel's stack, ping, socat) in
 * namespace {@code mgakc-TAG} reaches two mga responders through a kernel router in {@code mgakr-TAG}. The agent
 * and responder interfaces stay in the test's namespace with the kernel's IPv6 off on them (the roles own their
 * addresses). Checks that the kernel, not the Java agent, forwards (the program's counters, read with bpftool), and
 * that stopping the agent removes the program and its pins. Needs root, bpftool and the compiled program.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelDataPlaneNamespaceTest {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final String KEY_HEX = "00112233445566ff";
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static final String CL_NS = "mgakc-" + TAG;
    static final String RT_NS = "mgakr-" + TAG;
    /** A plain Linux host behind the third binding: an unmodified TCP server on the anycast address. */
    static final String HOST_NS = "mgakh-" + TAG;
    static final Ipv6Address[] CLIENTS = new Ipv6Address[2];
    static final List<LiveInterface> LIVE = new ArrayList<>();
    static final List<AnycastResponder> RESPONDERS = new ArrayList<>();
    static final ConcurrentLinkedQueue<String> AGENT_OUT = new ConcurrentLinkedQueue<>();
    static final java.util.Map<String, String> REPORT = new java.util.LinkedHashMap<>();
    static Process agent;
    static Thread reader;

    static String dev(String base) {
        return base + TAG;
    }

    static String sh(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    static void cleanup() throws Exception {
        sh(false, "ip", "netns", "del", CL_NS);
        sh(false, "ip", "netns", "del", RT_NS);
        sh(false, "ip", "netns", "del", HOST_NS);
        for (String l : new String[] {"kh-", "k1-", "k2-"}) {
            sh(false, "ip", "link", "del", dev(l));
        }
    }

    static void roleLink(String role, String rt, String routerAddress) throws Exception {
        sh(true, "ip", "link", "add", role, "type", "veth", "peer", "name", rt);
        sh(true, "sysctl", "-qw", "net.ipv6.conf." + role + ".disable_ipv6=1");
        sh(true, "ip", "link", "set", rt, "netns", RT_NS);
        sh(true, "ip", "link", "set", role, "up");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "addr", "add", routerAddress, "dev", rt, "nodad");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", rt, "up");
    }

    static Bytes key(int i) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) (0x30 + i));
        return Bytes.of(k);
    }

    static Ipv6Address careOf(int i) {
        return Ipv6Address.parse("2001:db8:" + i + "::100");
    }

    @BeforeAll
    static void build() throws Exception {
        assertThat(sh(false, "id", "-u").trim()).as("this test builds network namespaces: run as root").isEqualTo("0");
        cleanup();
        sh(true, "ip", "netns", "add", CL_NS);
        sh(true, "ip", "netns", "add", RT_NS);
        sh(true, "ip", "netns", "exec", RT_NS, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", "lo", "up");
        sh(true, "ip", "link", "add", dev("kc-"), "type", "veth", "peer", "name", dev("krc-"));
        sh(true, "ip", "link", "set", dev("kc-"), "netns", CL_NS);
        sh(true, "ip", "link", "set", dev("krc-"), "netns", RT_NS);
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "link", "set", "lo", "up");
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "addr", "add", "2001:db8:c::10/64", "dev", dev("kc-"), "nodad");
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "link", "set", dev("kc-"), "up");
        // finished checksums on the client's frames (veth would leave them to a NIC that is not there)
        sh(true, "ip", "netns", "exec", CL_NS, "ethtool", "-K", dev("kc-"), "tx", "off");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "addr", "add", "2001:db8:c::1/64", "dev", dev("krc-"), "nodad");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", dev("krc-"), "up");
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "-6", "route", "add", "default", "via", "2001:db8:c::1");
        // two client addresses that the table policy, with the agent's key, sends to different responders
        List<AnycastBinding> c = List.of(new AnycastBinding(AA, 1, careOf(1), "ar1", 1, 0, 0),
                new AnycastBinding(AA, 2, careOf(2), "ar2", 1, 0, 0));
        SelectionPolicy table = Policies.table(Long.parseUnsignedLong(KEY_HEX, 16));
        for (int i = 0x10; CLIENTS[0] == null || CLIENTS[1] == null; i++) {
            Ipv6Address a = Ipv6Address.parse("2001:db8:c::" + Integer.toHexString(i));
            int slot = table.select(a.high(), a.low(), SelectionPolicy.Candidates.of(c));
            if (CLIENTS[slot] == null) {
                CLIENTS[slot] = a;
            }
        }
        for (Ipv6Address a : CLIENTS) {
            if (!a.equals(Ipv6Address.parse("2001:db8:c::10"))) {
                sh(true, "ip", "netns", "exec", CL_NS, "ip", "addr", "add", a + "/64", "dev", dev("kc-"), "nodad");
            }
        }
        roleLink(dev("kh-"), dev("krh-"), "2001:db8:a::fe/64");
        roleLink(dev("k1-"), dev("kr1-"), "2001:db8:1::1/64");
        roleLink(dev("k2-"), dev("kr2-"), "2001:db8:2::1/64");
        // the TCP host: its kernel holds the third care-of address and the anycast address, and strips the tunnel
        // header with a TC program (this kernel has no ip6tnl)
        sh(true, "ip", "netns", "add", HOST_NS);
        sh(true, "ip", "link", "add", dev("k3h-"), "type", "veth", "peer", "name", dev("kr3-"));
        sh(true, "ip", "link", "set", dev("k3h-"), "netns", HOST_NS);
        sh(true, "ip", "link", "set", dev("kr3-"), "netns", RT_NS);
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "addr", "add", "2001:db8:3::1/64", "dev", dev("kr3-"), "nodad");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", dev("kr3-"), "up");
        sh(true, "ip", "netns", "exec", HOST_NS, "ip", "link", "set", "lo", "up");
        sh(true, "ip", "netns", "exec", HOST_NS, "ip", "addr", "add", AA + "/128", "dev", "lo");
        sh(true, "ip", "netns", "exec", HOST_NS, "ip", "addr", "add", careOf(3) + "/64", "dev", dev("k3h-"), "nodad");
        sh(true, "ip", "netns", "exec", HOST_NS, "ip", "link", "set", dev("k3h-"), "up");
        sh(true, "ip", "netns", "exec", HOST_NS, "ip", "-6", "route", "add", "default", "via", "2001:db8:3::1");
        Path decap = Files.createTempFile("mga_decap", ".bpf.o");
        try (java.io.InputStream in = io.mga.kernel.KernelDataPlane.class.getResourceAsStream("mga_decap.bpf.o")) {
            Files.copy(java.util.Objects.requireNonNull(in, "mga_decap.bpf.o"), decap,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        sh(true, "ip", "netns", "exec", HOST_NS, "tc", "qdisc", "add", "dev", dev("k3h-"), "clsact");
        sh(true, "ip", "netns", "exec", HOST_NS, "tc", "filter", "add", "dev", dev("k3h-"), "ingress", "bpf", "da",
                "obj", decap.toString(), "sec", "tc");
        Files.delete(decap);
        // nothing on the router's end: on a veth the agent attaches its program generically (see mga-kernel)

        agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.mga.cli.Main", "haa", "--interface", dev("kh-"),
                "--address", HAA.toString(), "--router", "2001:db8:a::fe", "--anycast", AA + "/128",
                "--responder", "ar1@example.net,1001," + key(1).toHex(),
                "--responder", "ar2@example.net,1002," + key(2).toHex(),
                "--responder", "ar3@example.net,1003," + key(3).toHex(),
                "--table-key", KEY_HEX, "--data-plane=kernel").redirectErrorStream(true).start();
        CountDownLatch running = new CountDownLatch(1);
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(agent.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null && AGENT_OUT.size() < 10_000; ) {
                    AGENT_OUT.add(l);
                    if (l.contains("running on")) {
                        running.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // the agent went away
            }
        }, "agent-output");
        reader.setDaemon(true);
        reader.start();
        assertThat(running.await(30, TimeUnit.SECONDS)).as("the agent started; it said: %s", AGENT_OUT).isTrue();

        EpochClock wall = EpochClock.system();
        CountDownLatch registered = new CountDownLatch(2);
        for (int i = 1; i <= 2; i++) {
            int id = i;
            LiveInterface arIf = LiveInterface.builder().interfaceName(dev("k" + i + "-")).own(careOf(i))
                    .defaultRouter(Ipv6Address.parse("2001:db8:" + i + "::1")).build();
            AnycastResponder ar = AnycastResponder.builder().anycast(AA).careOf(careOf(i)).agent(HAA)
                    .credentials("ar" + i + "@example.net", 1000 + i, key(i)).bindingId(i).lifetimeSeconds(60)
                    .epochClock(wall).routeOptimisation(false, 64).io(arIf)
                    .udpService(5353, (from, port, q) -> Bytes.of(("ar" + id + ":" + new String(q.toArray(),
                            StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
                    .listener(e -> {
                        if (e instanceof ResponderEvent.StateChanged sc
                                && sc.state() == AnycastResponder.State.REGISTERED) {
                            registered.countDown();
                        }
                    })
                    .build(System.nanoTime());
            arIf.start(ar);
            arIf.submit(ar::start);
            LIVE.add(arIf);
            RESPONDERS.add(ar);
        }
        assertThat(registered.await(20, TimeUnit.SECONDS)).as("both responders registered; agent: %s", AGENT_OUT)
                .isTrue();
    }

    /** The program's counters, summed over the CPUs, read from its pinned map with bpftool. */
    static long[] kernelCounters() throws Exception {
        String json = sh(true, "bpftool", "-j", "map", "dump", "pinned", "/sys/fs/bpf/mga/" + dev("kh-") + "/mga_counters");
        long[] c = new long[16];
        for (JsonNode e : new ObjectMapper().readTree(json)) {
            JsonNode f = e.get("formatted"); // the program's BTF names the fields
            int k = f.get("key").asInt();
            for (JsonNode v : f.get("values")) {
                c[k] += v.get("value").asLong();
            }
        }
        return c;
    }

    static String query(Ipv6Address from, String q) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", CL_NS, "socat", "-T", "2", "-",
                "UDP6:[" + AA + "]:5353,bind=[" + from + "]").redirectErrorStream(true).start();
        p.getOutputStream().write((q + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    @Order(1)
    void theProgramIsAttachedAndAnUnmodifiedHostPingsTheAnycastAddressThroughTheKernel() throws Exception {
        assertThat(sh(true, "ip", "-d", "link", "show", "dev", dev("kh-"))).contains("xdpgeneric");
        // pings first: until the agent has resolved the router's link-layer address (Neighbor Discovery, in
        // Java) the program passes packets up to the Java agent (passed_no_router), which forwards them itself
        // (ping paces itself: two requests half a second apart per try, at most ten tries, until the kernel has
        // tunnelled one)
        long[] warm = kernelCounters();
        for (int tries = 0; tries < 10 && kernelCounters()[0] == warm[0]; tries++) {
            sh(false, "ip", "netns", "exec", CL_NS, "ping", "-6", "-n", "-c", "2", "-i", "0.5", "-W", "1", AA.toString());
        }
        long[] before = kernelCounters();
        assertThat(before[0]).as("the kernel tunnelled a warm-up ping within ten tries").isGreaterThan(warm[0]);
        String out = sh(false, "ip", "netns", "exec", CL_NS, "ping", "-6", "-n", "-c", "3", "-i", "0.2", "-W", "3",
                AA.toString());
        assertThat(out).contains("3 received").contains("from " + AA);
        long[] after = kernelCounters();
        long[] delta = new long[after.length];
        for (int k = 0; k < delta.length; k++) {
            delta[k] = after[k] - before[k];
        }
        assertThat(after[0] - before[0]).as("echo requests tunnelled by the kernel; every counter's change: %s; agent: %s",
                java.util.Arrays.toString(delta), AGENT_OUT).isGreaterThanOrEqualTo(3);
        assertThat(after[1] - before[1]).as("echo replies decapsulated by the kernel").isGreaterThanOrEqualTo(3);
    }

    @Test
    @Order(2)
    void udpQueriesSpreadOverBothRespondersAndEachClientStaysOnItsOwn() throws Exception {
        long[] before = kernelCounters();
        String[] first = new String[2];
        for (int k = 0; k < 2; k++) {
            for (int q = 0; q < 3; q++) {
                String a = query(CLIENTS[k], "c" + k + "q" + q);
                assertThat(a).as("client %s query %d; agent: %s", CLIENTS[k], q, AGENT_OUT)
                        .matches("ar[12]:c" + k + "q" + q);
                if (first[k] == null) {
                    first[k] = a.substring(0, 3);
                }
                assertThat(a).as("client %s stays on its responder", CLIENTS[k]).startsWith(first[k]);
            }
        }
        assertThat(first[0]).as("the table policy's spread: client %d on ar%d", 0, 1).isEqualTo("ar1");
        assertThat(first[1]).isEqualTo("ar2");
        long[] after = kernelCounters();
        assertThat(after[0] - before[0]).as("queries tunnelled in the kernel").isGreaterThanOrEqualTo(6);
        assertThat(after[1] - before[1]).as("answers decapsulated in the kernel").isGreaterThanOrEqualTo(6);
    }

    @Test
    @Order(3)
    void aDeregisteringResponderIsMirroredAtOnceAndItsClientMovesOver() throws Exception {
        LIVE.get(0).submit(RESPONDERS.get(0)::stop);
        long t0 = System.nanoTime();
        String a;
        do {
            a = query(CLIENTS[0], "after");
        } while (!a.startsWith("ar2") && System.nanoTime() - t0 < 20_000_000_000L);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(a).as("client 0 answered by the other responder after ar1 deregistered").startsWith("ar2:after");
        REPORT.put("failover after deregistration, kernel data plane", ms + " ms (first answer from ar2)");
        assertThat(query(CLIENTS[1], "still")).startsWith("ar2");
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "kernel-e2e.txt"),
                REPORT.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
    }

    /**
     * A TCP download from an unmodified server behind the third binding: an mga responder registers the TCP host's
     * care-of address (its BU sent from the host's namespace through a raw socket; the host's kernel ignores the
     * acknowledgement), the client's packets reach the server through the kernel data plane's tunnel, and the
     * server's answers go straight back (this host does not reverse-tunnel).
     */
    @Test
    @Order(4)
    void aTcpDownloadFromAnUnmodifiedServerBehindTheTunnel() throws Exception {
        Process raw = new ProcessBuilder("ip", "netns", "exec", HOST_NS, "/usr/bin/python3", "-c",
                "import socket,sys\n"
                        + "s=socket.socket(socket.AF_INET6,socket.SOCK_RAW,socket.IPPROTO_RAW)\n"
                        + "for l in sys.stdin:\n"
                        + "  b=bytes.fromhex(l.strip())\n"
                        + "  s.sendto(b,(socket.inet_ntop(socket.AF_INET6,b[24:40]),0))\n")
                .redirectErrorStream(true).start();
        java.io.PrintStream toRaw = new java.io.PrintStream(raw.getOutputStream(), true, StandardCharsets.UTF_8);
        AnycastResponder ar3 = AnycastResponder.builder().anycast(AA).careOf(careOf(3)).agent(HAA)
                .credentials("ar3@example.net", 1003, key(3)).bindingId(3).lifetimeSeconds(60)
                .epochClock(EpochClock.system()).io((b, o, l) -> toRaw.println(Bytes.of(
                        java.util.Arrays.copyOfRange(b, o, o + l)).toHex()))
                .build(System.nanoTime());
        ar3.start(System.nanoTime());
        long t0 = System.nanoTime();
        while (AGENT_OUT.stream().noneMatch(l -> l.contains("registered ar3@example.net"))
                && System.nanoTime() - t0 < 10_000_000_000L) {
            Thread.sleep(50);
        }
        toRaw.close();
        raw.waitFor(5, TimeUnit.SECONDS);
        assertThat(AGENT_OUT).as("the TCP host's binding").anyMatch(l -> l.contains("registered ar3@example.net"));
        // a client address that the table sends to the TCP host, between ar2 and it
        List<AnycastBinding> c = List.of(new AnycastBinding(AA, 2, careOf(2), "ar2", 1, 0, 0),
                new AnycastBinding(AA, 3, careOf(3), "ar3", 1, 0, 0));
        SelectionPolicy table = Policies.table(Long.parseUnsignedLong(KEY_HEX, 16));
        Ipv6Address client = null;
        for (int i = 0x100; client == null; i++) {
            Ipv6Address a = Ipv6Address.parse("2001:db8:c::" + Integer.toHexString(i));
            if (table.select(a.high(), a.low(), SelectionPolicy.Candidates.of(c)) == 1) {
                client = a;
            }
        }
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "addr", "add", client + "/64", "dev", dev("kc-"), "nodad");
        Path blob = Files.createTempFile("mga-blob", ".bin");
        Path got = Files.createTempFile("mga-got", ".bin");
        byte[] data = new byte[2_000_000];
        new java.util.Random(5).nextBytes(data);
        Files.write(blob, data);
        Process server = new ProcessBuilder("ip", "netns", "exec", HOST_NS, "timeout", "30", "socat", "-u",
                "OPEN:" + blob, "TCP6-LISTEN:8080,bind=[" + AA + "],reuseaddr").redirectErrorStream(true).start();
        Thread.sleep(300); // until it listens
        long[] before = kernelCounters();
        long d0 = System.nanoTime();
        String out = sh(false, "ip", "netns", "exec", CL_NS, "timeout", "25", "socat", "-u",
                "TCP6:[" + AA + "]:8080,bind=[" + client + "]", "CREATE:" + got);
        long ms = (System.nanoTime() - d0) / 1_000_000;
        server.waitFor(5, TimeUnit.SECONDS);
        long[] after = kernelCounters();
        try {
            assertThat(Files.mismatch(blob, got)).as("the 2 MB download arrived whole; socat said %s", out)
                    .isEqualTo(-1L);
            assertThat(after[0] - before[0]).as("the client's segments tunnelled by the kernel")
                    .isGreaterThan(20);
            REPORT.put("TCP download of 2,000,000 octets through the kernel data plane", ms + " ms, "
                    + (after[0] - before[0]) + " client segments tunnelled by the kernel");
            Files.write(Path.of("target", "kernel-e2e.txt"),
                    REPORT.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
        } finally {
            Files.deleteIfExists(blob);
            Files.deleteIfExists(got);
            server.destroyForcibly();
        }
    }

    @Test
    @Order(5)
    void stoppingTheAgentRemovesTheProgramAndItsPinsAndReportsTheKernelsCounters() throws Exception {
        // while it runs, mga status says the data path is the kernel's and shows the kernel's counters
        String status = sh(true, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.mga.cli.Main", "status", "--json", "--control-socket",
                "/run/mga/haa-" + dev("kh-") + ".sock");
        JsonNode st = new ObjectMapper().readTree(status);
        assertThat(st.path("dataPlane").asText()).as(status).startsWith("kernel (XDP), pinned under /sys/fs/bpf/mga/");
        assertThat(st.path("counters").path("kernel_forwarded").asLong()).as(status).isPositive();
        assertThat(st.path("counters").path("kernel_mirror_changes").asLong()).as(status).isPositive();
        assertThat(st.path("counters").path("kernel_mirror_failures").asLong()).as(status).isZero();
        // SIGTERM, as a supervisor stops it (Process.destroy would also close the pipe before the last lines)
        sh(true, "kill", "-TERM", Long.toString(agent.pid()));
        assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000); // until the agent's last line is read
        String out = String.join("\n", AGENT_OUT);
        assertThat(sh(true, "ip", "-d", "link", "show", "dev", dev("kh-"))).as("agent said %s", out)
                .doesNotContain("xdp");
        assertThat(Files.exists(Path.of("/sys/fs/bpf/mga", dev("kh-")))).as("pins removed").isFalse();
        assertThat(out).as("exit status %d", agent.exitValue()).contains("kernel data plane KernelCounters[forwarded=");
        assertThat(out).containsPattern("counters with the kernel's AgentCounters\\[received=\\d+, forwarded=[1-9]");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (agent != null && agent.isAlive()) {
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
        for (LiveInterface l : LIVE) {
            l.close();
        }
        cleanup();
    }
}
