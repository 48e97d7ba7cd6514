package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mga.api.Ipv6Address;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents on ONE home link sharing their bindings through a real etcd (issue 14): a 3-member etcd cluster of
 * Debian's {@code /usr/bin/etcd} on loopback ports, two {@code mga haa --store=etcd} processes on veths bridged
 * into one link with a kernel router, a {@code mga responder} registered with agent A only (agent B named with
 * {@code --shared-agent}), and an unmodified client in its own namespace sending a UDP query every 20 ms.
 *
 * <p>Failover is ND-based, decided after measuring: a Linux router with forwarding on keeps choosing an ECMP next
 * hop whose neighbour entry is FAILED (checked on this kernel with {@code ip route get ... iif}: the flows of a
 * dead next hop stay on it), so two equal-cost routes would black-hole half the flows of a dead agent for good.
 * Instead the anycast address is on-link: the router resolves it by Neighbor Discovery, both agents answer (Override
 * clear, RFC 4861 §7.2.7), and when the one in use dies the router's entry fails and the next solicitation finds
 * the other. The router's ND timers on the home link are lowered (reachable 1 s, first probe after 1 s, 3 probes
 * 200 ms apart; with the kernel's defaults the same takes up to about 38 s).
 *
 * <p>Shown: B serves the binding A registered (B never heard from the responder); {@code kill -9} of A: no binding
 * lost, traffic through B (the failover time is printed); A started again serves from the store (no BU reached it
 * since); a BU captured on its way to A and replayed to B is refused; A cut off from etcd keeps forwarding, refuses
 * a new registration with 130 and says so in its status, and once healed the responder's retry registers and
 * nothing was lost. Needs root.
 */
class SharedStoreNamespaceTest {
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static final String RT = "mgsrt-" + TAG;
    static final String CL = "mgscl-" + TAG;
    static final String A = "2001:db8:a::1";
    static final String B = "2001:db8:a::2";
    static final String AA = "2001:db8:a::53";
    static final String K1 = "31313131313131313131313131313131";
    static final String K2 = "32323232323232323232323232323232";
    static final List<Process> STARTED = new ArrayList<>();
    static final List<String> FIGURES = new ArrayList<>();
    static int[] clientPorts = new int[3];
    static int[] peerPorts = new int[3];
    static Process client;
    static final BlockingQueue<long[]> ANSWERS = new LinkedBlockingQueue<>();

    @TempDir
    static Path dir;

    static String dev(String base) {
        return base + "-" + TAG;
    }

    static String sh(boolean check, String... cmd) throws Exception {
        return DaemonNamespaceTest.sh(check, cmd);
    }

    static String rt(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", RT));
        c.addAll(List.of(cmd));
        return sh(true, c.toArray(String[]::new));
    }

    /** A veth whose root-namespace end has no IPv6 (a role's pcap, or a bridge port). */
    static void veth(String a, String b) throws Exception {
        sh(true, "ip", "link", "add", a, "type", "veth", "peer", "name", b);
        sh(true, "sysctl", "-qw", "net.ipv6.conf." + a + ".disable_ipv6=1");
    }

    @BeforeAll
    static void build() throws Exception {
        assertThat(sh(false, "id", "-u").trim()).as("this test builds network namespaces and must run as root")
                .isEqualTo("0");
        cleanup();
        sh(true, "ip", "netns", "add", RT);
        sh(true, "ip", "netns", "add", CL);
        rt("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        // the home link: a bridge in the root namespace with the router's, A's and B's veths
        String br = dev("mgsbr");
        sh(true, "ip", "link", "add", "name", br, "type", "bridge", "stp_state", "0", "forward_delay", "0");
        sh(true, "sysctl", "-qw", "net.ipv6.conf." + br + ".disable_ipv6=1");
        sh(true, "ip", "link", "set", br, "up");
        for (String[] l : new String[][] {{"mgsh", "mgshr"}, {"mgsa", "mgsab"}, {"mgsb", "mgsbb"}}) {
            veth(dev(l[0]), dev(l[1]));
            sh(true, "sysctl", "-qw", "net.ipv6.conf." + dev(l[1]) + ".disable_ipv6=1");
        }
        // the router's end of its home veth goes into the router; the agents' ends stay (their pcap)
        sh(true, "ip", "link", "set", dev("mgshr"), "netns", RT);
        sh(true, "ip", "link", "set", dev("mgsh"), "master", br);
        sh(true, "ip", "link", "set", dev("mgsab"), "master", br);
        sh(true, "ip", "link", "set", dev("mgsbb"), "master", br);
        for (String d : new String[] {"mgsh", "mgsa", "mgsab", "mgsb", "mgsbb"}) {
            sh(true, "ip", "link", "set", dev(d), "up");
        }
        String home = dev("mgshr");
        for (String[] s : new String[][] {{"base_reachable_time_ms", "1000"}, {"delay_first_probe_time", "1"},
            {"retrans_time_ms", "200"}, {"ucast_solicit", "3"}}) {
            rt("sysctl", "-qw", "net.ipv6.neigh." + home + "." + s[0] + "=" + s[1]);
        }
        rt("ip", "addr", "add", "2001:db8:a::fe/64", "dev", home, "nodad");
        rt("ip", "link", "set", home, "up");
        // the responder's link
        veth(dev("mgs1"), dev("mgs1r"));
        sh(true, "ip", "link", "set", dev("mgs1r"), "netns", RT);
        sh(true, "ip", "link", "set", dev("mgs1"), "up");
        rt("ip", "addr", "add", "2001:db8:1::1/64", "dev", dev("mgs1r"), "nodad");
        rt("ip", "link", "set", dev("mgs1r"), "up");
        // the client's namespace
        sh(true, "ip", "link", "add", dev("mgsc"), "type", "veth", "peer", "name", dev("mgscr"));
        sh(true, "ip", "link", "set", dev("mgsc"), "netns", CL);
        sh(true, "ip", "link", "set", dev("mgscr"), "netns", RT);
        sh(true, "ip", "netns", "exec", CL, "ip", "addr", "add", "2001:db8:c::10/64", "dev", dev("mgsc"), "nodad");
        sh(true, "ip", "netns", "exec", CL, "ip", "link", "set", dev("mgsc"), "up");
        sh(true, "ip", "netns", "exec", CL, "ethtool", "-K", dev("mgsc"), "tx", "off"); // see NamespaceEndToEndTest
        rt("ip", "addr", "add", "2001:db8:c::1/64", "dev", dev("mgscr"), "nodad");
        rt("ip", "link", "set", dev("mgscr"), "up");
        sh(true, "ip", "netns", "exec", CL, "ip", "-6", "route", "add", "default", "via", "2001:db8:c::1");
        etcd();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A 3-member etcd cluster on loopback, each member its own process and data directory. */
    static void etcd() throws Exception {
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            clientPorts[i] = freePort();
            peerPorts[i] = freePort();
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peerPorts[i]);
        }
        for (int i = 0; i < 3; i++) {
            Process p = new ProcessBuilder("/usr/bin/etcd", "--name", "m" + i, "--data-dir",
                    dir.resolve("etcd" + i).toString(), "--listen-client-urls", "http://127.0.0.1:" + clientPorts[i],
                    "--advertise-client-urls", "http://127.0.0.1:" + clientPorts[i], "--listen-peer-urls",
                    "http://127.0.0.1:" + peerPorts[i], "--initial-advertise-peer-urls",
                    "http://127.0.0.1:" + peerPorts[i], "--initial-cluster", initial.toString(),
                    "--initial-cluster-state", "new", "--initial-cluster-token", "mga-" + TAG, "--log-level", "warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("etcd" + i + ".log").toFile()).start();
            STARTED.add(p);
        }
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < 3; i++) {
            while (true) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + clientPorts[i] + "/health")).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.body().contains("\"true\"")) {
                        break;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                assertThat(System.nanoTime() - end).as("etcd member %d healthy within 30 s", i).isNegative();
                pause();
            }
        }
    }

    @AfterAll
    static void cleanup() throws Exception {
        for (Process p : STARTED) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        STARTED.clear();
        sh(false, "nft", "delete", "table", "inet", "mgs" + TAG);
        for (String d : new String[] {"mgsh", "mgsa", "mgsb", "mgs1", "mgsbr"}) {
            sh(false, "ip", "link", "del", dev(d));
        }
        sh(false, "ip", "netns", "del", CL);
        sh(false, "ip", "netns", "del", RT);
        if (!FIGURES.isEmpty()) {
            System.out.println("SharedStoreNamespaceTest:\n  " + String.join("\n  ", FIGURES));
        }
    }

    static DaemonNamespaceTest.Mga mga(String... args) throws IOException {
        DaemonNamespaceTest.Mga m = DaemonNamespaceTest.mga(args);
        STARTED.add(m.process());
        return m;
    }

    static DaemonNamespaceTest.Mga agent(String name, String address, String iface, int... members)
            throws IOException {
        List<String> eps = new ArrayList<>();
        for (int m : members) {
            eps.add("http://127.0.0.1:" + clientPorts[m]);
        }
        return mga("haa", "--interface=" + iface, "--address=" + address, "--router=2001:db8:a::fe",
                "--anycast=" + AA + "/128", "--responder=ar1@example.net,1001,@" + dir.resolve("ar1.key"),
                "--responder=ar2@example.net,1002,@" + dir.resolve("ar2.key"), "--store=etcd",
                "--etcd-endpoints=" + String.join(",", eps), "--etcd-prefix=/mga-" + TAG,
                "--control-socket=" + dir.resolve(name + ".sock"));
    }

    static DaemonNamespaceTest.Mga responder(int i, int bid) throws IOException {
        return mga("responder", "--interface=" + dev("mgs1"), "--address=2001:db8:1::1" + i,
                "--router=2001:db8:1::1", "--anycast=" + AA, "--agent=" + A, "--shared-agent=" + B,
                "--nai=ar" + i + "@example.net", "--spi=100" + i, "--key-file=" + dir.resolve("ar" + i + ".key"),
                "--bid=" + bid, "--lifetime=300", "--control-socket=" + dir.resolve("ar" + i + ".sock"));
    }

    static JsonNode status(String name) throws Exception {
        return DaemonNamespaceTest.status(dir.resolve(name + ".sock"));
    }

    /** Polls a role's status until it satisfies a condition; fails after the deadline. */
    static JsonNode until(String name, int seconds, String what, Predicate<JsonNode> p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode last = null;
        while (System.nanoTime() - end < 0) {
            try {
                last = status(name);
                if (p.test(last)) {
                    return last;
                }
            } catch (AssertionError e) {
                // its socket is not up yet
            }
            pause();
        }
        throw new AssertionError(name + ": " + what + " not within " + seconds + " s; last status " + last);
    }

    static long counter(JsonNode s, String k) {
        return s.path("counters").path(k).asLong();
    }

    /** The client: a query every 20 ms; each answer's CLOCK_MONOTONIC time queued. */
    static void startClient() throws IOException {
        String script = String.join("\n",
                "import socket, time",
                "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
                "s.bind(('2001:db8:c::10', 0))",
                "s.settimeout(0.02)",
                "n = 0",
                "while True:",
                "    n += 1",
                "    s.sendto(b'q%d' % n, ('" + AA + "', 5353))",
                "    end = time.monotonic() + 0.02",
                "    while time.monotonic() < end:",
                "        try:",
                "            d = s.recv(2048)",
                "        except socket.timeout:",
                "            break",
                "        print(time.monotonic_ns(), flush=True)",
                "    rest = end - time.monotonic()",
                "    if rest > 0:",
                "        time.sleep(rest)");
        client = new ProcessBuilder("ip", "netns", "exec", CL, "/usr/bin/python3", "-c", script)
                .redirectErrorStream(true).start();
        STARTED.add(client);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    try {
                        ANSWERS.add(new long[] {Long.parseLong(l.trim())});
                    } catch (NumberFormatException e) {
                        System.out.println("client: " + l);
                    }
                }
            } catch (IOException e) {
                // ended
            }
        }, "client-output");
        t.setDaemon(true);
        t.start();
    }

    /** The first answer after a time (CLOCK_MONOTONIC nanoseconds), waiting up to {@code seconds}. */
    static long firstAnswerAfter(long t0, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long[] a = ANSWERS.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (a == null) {
                throw new AssertionError("no answer within " + seconds + " s");
            }
            if (a[0] - t0 > 0) {
                return a[0];
            }
        }
    }

    static void kill9(DaemonNamespaceTest.Mga m) throws Exception {
        sh(true, "kill", "-9", Long.toString(m.process().pid()));
        assertThat(m.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    static String mac(String iface) throws IOException {
        return Files.readString(Path.of("/sys/class/net", iface, "address")).trim();
    }

    @Test
    void twoAgentsOneStoreFailoverRestartReplayAndPartition() throws Exception {
        long started = System.nanoTime();
        key("ar1.key", K1);
        key("ar2.key", K2);
        sniff();
        DaemonNamespaceTest.Mga a = agent("a", A, dev("mgsa"), 0);
        a.await("running on ", 30);
        DaemonNamespaceTest.Mga r1 = responder(1, 1);
        a.await("registered ar1@example.net for " + AA, 30);
        r1.await("INFO  responder: registered with " + A, 10);
        // A alone on the link: the router resolves the anycast address to A
        startClient();
        firstAnswerAfter(System.nanoTime(), 10);
        DaemonNamespaceTest.Mga b = agent("b", B, dev("mgsb"), 1, 2);
        b.await("running on ", 30);
        JsonNode sb = until("b", 10, "the binding from the store", s -> s.path("bindings").size() == 1
                && s.path("store").path("connected").asBoolean());
        assertThat(sb.get("bindings").get(0).get("responder").asText()).isEqualTo("ar1@example.net");
        assertThat(sb.get("store").get("kind").asText()).isEqualTo("etcd");
        FIGURES.add("B's status: store " + sb.get("store"));

        // a BU captured on its way to A, replayed to B: refused
        assertThat(busToA(0)).as("BUs captured on their way to A, of %d packets", TO_A.size()).isPositive();
        Ipv6Packet p = PacketDecoder.decode(TO_A.get(0).ipv6());
        byte[] captured = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(p.header().hopLimit(),
                p.header().source(), Ipv6Address.parse(B)), p.extensions(), p.upper()));
        long rejectedBefore = counter(status("b"), "binding_updates_rejected");
        inject(dev("mgshr"), mac(dev("mgsb")), rt("cat", "/sys/class/net/" + dev("mgshr") + "/address").trim(),
                captured);
        JsonNode afterReplay = until("b", 5, "the replay refused",
                s -> counter(s, "binding_updates_rejected") > rejectedBefore);
        assertThat(afterReplay.get("bindings")).hasSize(1);
        assertThat(afterReplay.get("bindings").get(0).get("careOf").asText()).isEqualTo("2001:db8:1::11");
        String refusal = b.await("refused a Binding Update from 2001:db8:1::11", 5);
        FIGURES.add("replayed BU at B: " + refusal.substring(refusal.indexOf("refused")));

        // kill -9 A: traffic through B, no binding lost
        long forwardedB = counter(status("b"), "packets_forwarded");
        long t0 = System.nanoTime();
        kill9(a);
        long first = firstAnswerAfter(t0 + TimeUnit.MILLISECONDS.toNanos(40), 20);
        long failoverMs = (first - t0) / 1_000_000;
        FIGURES.add("kill -9 of A to the first answer through B: " + failoverMs + " ms (router ND timers lowered)");
        JsonNode s2 = until("b", 5, "forwarding", s -> counter(s, "packets_forwarded") > forwardedB);
        assertThat(s2.get("bindings")).hasSize(1);

        // A again: serves from the store; no BU reaches it
        long restart = System.nanoTime();
        DaemonNamespaceTest.Mga a2 = agent("a", A, dev("mgsa"), 0);
        a2.await("running on ", 30);
        until("a", 10, "the binding from the store", s -> s.path("bindings").size() == 1);
        long t1 = System.nanoTime();
        DaemonNamespaceTest.Mga bDead = b;
        kill9(bDead);
        long back = firstAnswerAfter(t1 + TimeUnit.MILLISECONDS.toNanos(40), 20);
        // not a failover figure when the router had moved to the restarted A already (it answers for the anycast
        // address too); what counts is that A forwards from the store
        FIGURES.add("kill -9 of B to the next answer, through the restarted A: " + (back - t1) / 1_000_000 + " ms");
        JsonNode sa = until("a", 5, "forwarding", s -> counter(s, "packets_forwarded") > 0);
        assertThat(sa.get("bindings")).hasSize(1);
        assertThat(busToA(restart)).as("BUs that reached A since its restart").isZero();

        // A cut off from etcd (its only endpoint): forwarding goes on, a new registration gets 130
        sh(true, "nft", "add", "table", "inet", "mgs" + TAG);
        sh(true, "nft", "add", "chain", "inet", "mgs" + TAG, "out", "{ type filter hook output priority 0 ; }");
        sh(true, "nft", "add", "rule", "inet", "mgs" + TAG, "out", "tcp", "dport", Integer.toString(clientPorts[0]),
                "drop");
        sh(true, "nft", "add", "rule", "inet", "mgs" + TAG, "out", "tcp", "sport", Integer.toString(clientPorts[0]),
                "drop");
        long cut = System.nanoTime();
        DaemonNamespaceTest.Mga r2 = responder(2, 2);
        String refused = a2.await("refused a Binding Update from 2001:db8:1::12", 20);
        assertThat(refused).contains("130");
        FIGURES.add("new registration while A is cut off: " + refused.substring(refused.indexOf("refused")));
        JsonNode cutOff = until("a", 20, "the store shown unreachable", s -> !s.path("store").path("connected")
                .asBoolean(true));
        FIGURES.add("A's status cut off: store " + cutOff.get("store"));
        firstAnswerAfter(System.nanoTime(), 5); // forwarding from the copy
        assertThat(cutOff.get("bindings")).hasSize(1);
        long cutMs = (System.nanoTime() - cut) / 1_000_000;
        // healed: the responder's retry registers, nothing was lost
        sh(true, "nft", "delete", "table", "inet", "mgs" + TAG);
        long healed = System.nanoTime();
        r2.await("INFO  responder: registered with " + A, 40);
        FIGURES.add("cut off for " + cutMs + " ms; healed to ar2 registered: " + (System.nanoTime() - healed)
                / 1_000_000 + " ms");
        JsonNode end = until("a", 10, "both bindings", s -> s.path("bindings").size() == 2
                && s.path("store").path("connected").asBoolean());
        assertThat(end.get("bindings")).extracting(x -> x.get("responder").asText())
                .containsExactlyInAnyOrder("ar1@example.net", "ar2@example.net");
        assertThat(a2.all()).as("no binding lost").noneMatch(l -> l.contains("haa: expired ")
                || l.contains("haa: unreachable ") || l.contains("haa: deregistered "));
        assertThat(failoverMs).as("failover, ms").isLessThan(10_000);
        long totalMs = (System.nanoTime() - started) / 1_000_000;
        FIGURES.add("test body " + totalMs + " ms");
    }

    /** A frame seen on its way to A: when (CLOCK_MONOTONIC) and its IPv6 packet. */
    record Seen(long monotonicNanos, byte[] ipv6) {
    }

    static final List<Seen> TO_A = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * Every IPv6 packet the router sends to A on the home link, as python3 reads it off an AF_PACKET socket in the
     * router's namespace (printed and flushed one by one, so nothing waits in a capture file's buffer).
     */
    static void sniff() throws IOException {
        String script = String.join("\n",
                "import socket, sys, time",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))", // ETH_P_ALL: outgoing too
                "s.bind(('" + dev("mgshr") + "', 0))",
                "a = bytes.fromhex('" + HexFormat.of().formatHex(Ipv6Address.parse(A).toBytes()) + "')",
                "while True:",
                "    f, addr = s.recvfrom(65535)",
                "    if f[12:14] == b'\\x86\\xdd' and f[38:54] == a:",
                "        print(time.monotonic_ns(), f[14:].hex(), flush=True)");
        Process p = new ProcessBuilder("ip", "netns", "exec", RT, "/usr/bin/python3", "-c", script)
                .redirectErrorStream(true).start();
        STARTED.add(p);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    String[] f = l.trim().split(" ");
                    if (f.length == 2) {
                        TO_A.add(new Seen(Long.parseLong(f[0]), HexFormat.of().parseHex(f[1])));
                    } else {
                        System.out.println("sniffer: " + l);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // ended
            }
        }, "sniffer-output");
        t.setDaemon(true);
        t.start();
    }

    /** BUs seen on their way to A since a time (CLOCK_MONOTONIC nanoseconds). */
    static int busToA(long since) {
        int n = 0;
        synchronized (TO_A) {
            for (Seen s : TO_A) {
                try {
                    if (s.monotonicNanos() - since >= 0 && PacketDecoder.decode(s.ipv6()).upper()
                            instanceof MobilityHeader mh && mh.message() instanceof MobilityMessage.BindingUpdate) {
                        n++;
                    }
                } catch (io.mga.wire.MalformedPacketException e) {
                    // not a packet we sent
                }
            }
        }
        return n;
    }

    static Path key(String name, String hex) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, hex + "\n");
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    /** The poll interval of the loops that wait for a condition with a deadline. */
    static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }

    /** Sends an IPv6 packet in an Ethernet frame out of the router's interface (python3's AF_PACKET socket). */
    static void inject(String iface, String dstMac, String srcMac, byte[] ipv6) throws Exception {
        String frame = dstMac.replace(":", "") + srcMac.replace(":", "") + "86dd" + HexFormat.of().formatHex(ipv6);
        rt("/usr/bin/python3", "-c", "import socket\ns = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n"
                + "s.bind(('" + iface + "', 0))\ns.send(bytes.fromhex('" + frame + "'))\n");
    }
}
