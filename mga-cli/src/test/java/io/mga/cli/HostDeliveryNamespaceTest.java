package io.mga.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code mga responder --deliver=host} end to end with real parts: Linux network namespaces and veths built by
 * this test (as root), an unmodified client (the kernel's stack, {@code curl}, {@code dig}, {@code ping}), a kernel
 * router, the agent ({@code mga haa} in its own namespace, the kernel's IPv6 off on its interface) and two
 * responder hosts, each a namespace whose kernel holds the responder's own unicast address on its interface (TX
 * offload left on), running {@code mga responder --deliver=host} and, bound to the anycast address, unmodified
 * {@code python3 -m http.server} and Debian's dnsmasq answering an AAAA record that names the responder. The
 * kernel itself answers Echo. The roles run as CLI processes, as a user would run them.
 *
 * <p>Skipped (visibly, with the reason) only when not root or when network namespaces cannot be made; missing
 * tools fail it (scripts/install-test-deps.sh installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostDeliveryNamespaceTest {
    static final String AA = "2001:db8:a::53";
    static final String HAA = "2001:db8:a::1";
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static final String CL = "hdcl-" + TAG;
    static final String RT = "hdrt-" + TAG;
    static final String AG = "hdag-" + TAG;
    static final String[] AR = {"hdr1-" + TAG, "hdr2-" + TAG};
    static final String AI = "hdai-" + TAG;
    static final String K1 = "31".repeat(16);
    static final String K2 = "32".repeat(16);
    static final Path DIR = Path.of("target", "host-delivery").toAbsolutePath();
    static final List<Process> PROCS = new ArrayList<>();
    static final Process[] RESPONDERS = new Process[2];
    static final Map<String, String> REPORT = new LinkedHashMap<>();
    static String bigSha;
    /** Client address to the responder (0 or 1) that the 50-client test found it on. */
    static final Map<String, Integer> ON = new LinkedHashMap<>();
    static boolean built;

    static String sh(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    static String in(String ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return sh(true, c.toArray(new String[0]));
    }

    static Process spawn(String ns, Path log, Path cwd, String... cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(log.toFile());
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Process p = pb.start();
        PROCS.add(p);
        return p;
    }

    static String[] mga(String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                "io.mga.cli.Main"));
        c.addAll(List.of(args));
        return c.toArray(new String[0]);
    }

    static void cleanup() throws Exception {
        for (String ns : List.of(CL, RT, AG, AR[0], AR[1], AI)) {
            sh(false, "ip", "netns", "del", ns);
        }
    }

    /** A veth from {@code ns} (device {@code dev}) to the router (device {@code rtDev}, address {@code rtAddr}). */
    static void link(String ns, String dev, String rtDev, String rtAddr) throws Exception {
        sh(true, "ip", "link", "add", dev, "netns", ns, "type", "veth", "peer", "name", rtDev, "netns", RT);
        in(RT, "ip", "addr", "add", rtAddr, "dev", rtDev, "nodad");
        in(RT, "ip", "link", "set", rtDev, "up");
    }

    static String responder(int i) {
        return "2001:db8:" + (i + 1) + "::100";
    }

    static Process startResponder(int i) throws Exception {
        Path log = DIR.resolve("r" + (i + 1) + ".log");
        Files.deleteIfExists(log);
        Process p = spawn(AR[i], log, null, mga("responder", "--deliver=host", "--interface", "ar0", "--address",
                responder(i), "--router", "2001:db8:" + (i + 1) + "::1", "--anycast", AA, "--agent", HAA, "--nai",
                "ar" + (i + 1) + "@example.net", "--spi", Integer.toString(1001 + i), "--key", i == 0 ? K1 : K2,
                "--bid", Integer.toString(i + 1), "--lifetime", "60", "--stats", "1", "--control-socket=none"));
        RESPONDERS[i] = p;
        awaitLine(log, "registered with " + HAA, 30);
        return p;
    }

    static void awaitLine(Path log, String text, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling a child process's log: real time, there is no other clock
        }
        throw new AssertionError("no \"" + text + "\" in " + log + " within " + seconds + " s:\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    @BeforeAll
    static void build() throws Exception {
        boolean root = sh(false, "id", "-u").trim().equals("0");
        if (!root) {
            System.err.println("SKIPPED: HostDeliveryNamespaceTest builds network namespaces and must run as root");
        }
        Assumptions.assumeTrue(root, "SKIPPED: HostDeliveryNamespaceTest builds network namespaces and must run as root");
        boolean netns = sh(false, "ip", "netns", "add", "hdprobe-" + TAG).isEmpty();
        sh(false, "ip", "netns", "del", "hdprobe-" + TAG);
        if (!netns) {
            System.err.println("SKIPPED: HostDeliveryNamespaceTest: cannot create network namespaces here");
        }
        Assumptions.assumeTrue(netns, "SKIPPED: HostDeliveryNamespaceTest: cannot create network namespaces here");
        for (String tool : List.of("curl", "dig", "dnsmasq", "nft", "ping", "ethtool", "tshark")) {
            assertThat(sh(false, "sh", "-c", "command -v " + tool).trim())
                    .as("%s is needed (scripts/install-test-deps.sh installs it)", tool).isNotEmpty();
        }
        cleanup();
        Files.createDirectories(DIR);
        for (String ns : List.of(CL, RT, AG, AR[0], AR[1], AI)) {
            sh(true, "ip", "netns", "add", ns);
            in(ns, "ip", "link", "set", "lo", "up");
        }
        in(RT, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        link(CL, "cl0", "rtcl", "2001:db8:c::1/64");
        in(CL, "ip", "addr", "add", "2001:db8:c::10/64", "dev", "cl0", "nodad");
        for (int i = 0; i < 50; i++) {
            in(CL, "ip", "addr", "add", "2001:db8:c::" + Integer.toHexString(0x100 + i) + "/64", "dev", "cl0",
                    "nodad");
        }
        in(CL, "ip", "link", "set", "cl0", "up");
        in(CL, "ip", "-6", "route", "add", "default", "via", "2001:db8:c::1");
        // the client's veth stands for a NIC, which finishes transport checksums; a veth leaves them to a
        // "hardware" that does not exist, and the agent captures what it sends (the responder hosts keep theirs)
        in(CL, "ethtool", "-K", "cl0", "tx", "off");
        link(AG, "ag0", "rtag", "2001:db8:a::fe/64");
        in(AG, "sysctl", "-qw", "net.ipv6.conf.ag0.disable_ipv6=1");
        in(AG, "ip", "link", "set", "ag0", "up");
        // a Mobile IPv6 initiator's host (mga initiator; the kernel's IPv6 off on its interface)
        link(AI, "ai0", "rtai", "2001:db8:e::1/64");
        in(AI, "sysctl", "-qw", "net.ipv6.conf.ai0.disable_ipv6=1");
        in(AI, "ip", "link", "set", "ai0", "up");
        for (int i = 0; i < 2; i++) {
            link(AR[i], "ar0", "rtar" + (i + 1), "2001:db8:" + (i + 1) + "::1/64");
            // an ordinary server: the kernel holds the responder's address (and answers ND for it)
            in(AR[i], "ip", "addr", "add", responder(i) + "/64", "dev", "ar0", "nodad");
            in(AR[i], "ip", "link", "set", "ar0", "up");
            in(AR[i], "ip", "-6", "route", "add", "default", "via", "2001:db8:" + (i + 1) + "::1");
        }
        spawn(AG, DIR.resolve("haa.log"), null, mga("haa", "--interface", "ag0", "--address", HAA, "--router",
                "2001:db8:a::fe", "--anycast", AA + "/128", "--responder", "ar1@example.net,1001," + K1,
                "--responder", "ar2@example.net,1002," + K2, "--control-socket=none", "--state",
                DIR.resolve("haa.state").toString()));
        awaitLine(DIR.resolve("haa.log"), "running on ag0", 30);
        byte[] big = new byte[2_000_000];
        new Random(12).nextBytes(big);
        bigSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
        byte[] longFile = new byte[6_000_000];
        new Random(13).nextBytes(longFile);
        for (int i = 0; i < 2; i++) {
            startResponder(i);
            Path www = DIR.resolve("www" + (i + 1));
            Files.createDirectories(www);
            Files.write(www.resolve("big.bin"), big);
            Files.write(www.resolve("long.bin"), longFile);
            Files.write(www.resolve("bench.bin"), new byte[20_000_000]);
            Files.writeString(www.resolve("who"), "ar" + (i + 1) + "\n");
            spawn(AR[i], DIR.resolve("http" + (i + 1) + ".log"), www, "/usr/bin/python3", "-m", "http.server",
                    "--bind", AA, "8080");
            // the same application answering the client directly, on the responder host's own address (benchmark)
            spawn(AR[i], DIR.resolve("http-direct" + (i + 1) + ".log"), www, "/usr/bin/python3", "-m", "http.server",
                    "--bind", responder(i), "8081");
            spawn(AR[i], DIR.resolve("dns" + (i + 1) + ".log"), null, "dnsmasq", "--no-daemon",
                    "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=" + AA,
                    "--listen-address=" + responder(i),
                    "--except-interface=lo", "--port=53", "--pid-file=", "--user=root",
                    "--host-record=ar.example.net," + responder(i), "--log-facility=-", "--edns-packet-max=4096",
                    // an answer of about 2,000 octets, larger than the tunnel's MTU (Packet Too Big test)
                    "--txt-record=big.example.net," + String.join(",", java.util.Collections.nCopies(8, "x".repeat(250))));
        }
        awaitLine(DIR.resolve("http1.log"), "Serving HTTP", 20);
        awaitLine(DIR.resolve("http2.log"), "Serving HTTP", 20);
        awaitLine(DIR.resolve("dns1.log"), "started", 20);
        awaitLine(DIR.resolve("dns2.log"), "started", 20);
        built = true;
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : PROCS) {
            p.destroy();
        }
        for (Process p : PROCS) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (built) {
            REPORT.forEach((k, v) -> System.out.println("host delivery: " + k + ": " + v));
            Files.writeString(DIR.resolve("report.txt"), REPORT.toString());
        }
        cleanup();
    }

    /** The responder's last counters line (printed every second), as name to value. */
    static Map<String, Long> counters(int i) throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve("r" + (i + 1) + ".log"));
        Map<String, Long> m = new HashMap<>();
        for (int k = lines.size() - 1; k >= 0; k--) {
            if (lines.get(k).startsWith("mga responder: counters")) {
                Matcher x = Pattern.compile("([a-z-]+(?: [a-z-]+)?) (\\d+)").matcher(lines.get(k)
                        .substring("mga responder: counters ".length()));
                while (x.find()) {
                    m.put(x.group(1), Long.parseLong(x.group(2)));
                }
                return m;
            }
        }
        return m;
    }

    /** Packets the responder's TUN device took from the JVM (the host's stack received them). */
    static long tunReceived(int i) throws Exception {
        String j = in(AR[i], "cat", "/sys/class/net/mga0/statistics/rx_packets");
        return Long.parseLong(j.trim());
    }

    static String dig(String from) throws Exception {
        return in(CL, "dig", "+time=2", "+tries=2", "-b", from, "@" + AA, "ar.example.net", "AAAA", "+short").trim();
    }

    @Test
    @Order(1)
    void curlDownloadsTwoMegabytesOverTcpFromTheAnycastAddress() throws Exception {
        Path got = DIR.resolve("got.bin");
        long t0 = System.nanoTime();
        String out = in(CL, "curl", "-sS", "-m", "60", "-o", got.toString(), "-w", "%{http_code} %{size_download}",
                "http://[" + AA + "]:8080/big.bin");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(out.trim()).isEqualTo("200 2000000");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(got)));
        assertThat(sha).isEqualTo(bigSha);
        REPORT.put("2 MB over TCP through the anycast path", ms + " ms");
    }

    @Test
    @Order(2)
    void digGetsTheAaaaRecordFromTheAnycastAddress() throws Exception {
        // dig refuses an answer from another source than the server it asked ("reply from unexpected source")
        assertThat(dig("2001:db8:c::10")).isIn(responder(0), responder(1));
    }

    @Test
    @Order(3)
    void theKernelAnswersPingFromTheAnycastAddress() throws Exception {
        String out = in(CL, "ping", "-6", "-c", "2", "-W", "3", AA);
        assertThat(out).contains("64 bytes from " + AA + ": icmp_seq=1").contains("2 received");
    }

    @Test
    @Order(4)
    void fiftyClientsSpreadOverBothRespondersAndEachStaysOnItsOwn() throws Exception {
        // one dig process a round, its queries in a batch file (in order, one at a time), each from its own source
        List<String> sources = new ArrayList<>();
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String from = "2001:db8:c::" + Integer.toHexString(0x100 + i);
            sources.add(from);
            batch.append("-b ").append(from).append(" @").append(AA).append(" ar.example.net AAAA\n");
        }
        Path file = DIR.resolve("dig-batch.txt");
        Files.writeString(file, batch.toString());
        Map<String, String> first = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            List<String> answers = in(CL, "dig", "+time=2", "+tries=2", "+short", "-f", file.toString()).lines()
                    .filter(l -> !l.isBlank()).toList();
            assertThat(answers).as("round %d: one answer per source", round).hasSize(50);
            for (int i = 0; i < 50; i++) {
                String from = sources.get(i);
                String answer = answers.get(i);
                assertThat(answer).as("answer to %s in round %d", from, round).isIn(responder(0), responder(1));
                if (round == 0) {
                    first.put(from, answer);
                } else {
                    assertThat(answer).as("%s stays on its responder in round %d", from, round)
                            .isEqualTo(first.get(from));
                }
            }
        }
        first.forEach((from, answer) -> ON.put(from, answer.equals(responder(0)) ? 0 : 1));
        long on1 = first.values().stream().filter(responder(0)::equals).count();
        assertThat(on1).as("clients on ar1").isBetween(1L, 49L);
        REPORT.put("50 clients over 3 rounds", on1 + " on ar1, " + (50 - on1) + " on ar2, none moved");
    }

    @Test
    @Order(6)
    void aLongDownloadStaysOnItsResponderWhileTheOtherLeavesAndComesBack() throws Exception {
        assertThat(ON).as("the 50-client test ran first").hasSize(50);
        String client = ON.keySet().iterator().next();
        int mine = ON.get(client);
        int other = 1 - mine;
        List<String> others = ON.entrySet().stream().filter(e -> e.getValue() == other).map(Map.Entry::getKey)
                .toList();
        String movedClient = others.get(0);
        String quietClient = others.get(1);
        Path got = DIR.resolve("long.bin");
        Files.deleteIfExists(got);
        // at most 20 s at 300 kB/s: the other responder leaves and comes back meanwhile (its JVM takes seconds to
        // start on a loaded machine); the session is cut short 2 s after the return
        // (later if TCP is still backing off then, at most 12 s), unless it finished
        Process curl = spawn(CL, DIR.resolve("curl-long.log"), null, "curl", "-sS", "-m", "60", "--limit-rate", "300K",
                "--interface", client, "-o", got.toString(), "-w", "%{http_code} %{size_download}",
                "http://[" + AA + "]:8080/long.bin");
        TimeUnit.MILLISECONDS.sleep(1000); // real time: the download must be under way (a real TCP session)
        assertThat(curl.isAlive()).as("the download is still running when the other responder leaves").isTrue();
        RESPONDERS[other].destroy(); // SIGTERM: it deregisters (lifetime 0) and removes its kernel configuration
        assertThat(RESPONDERS[other].waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(DIR.resolve("r" + (other + 1) + ".log"))).contains("deregistering");
        // while it is away, the next session of a client it served goes to the one left (a new DNS query)
        assertThat(dig(movedClient)).isEqualTo(responder(mine));
        startResponder(other);
        long returned = System.nanoTime();
        long atReturn = Files.exists(got) ? Files.size(got) : 0;
        // real time: the session must go on after the return. It must do so within 2 s, or, if TCP is backing off
        // after losses on this loaded machine (its retransmission timer doubles), once a retransmission gets through:
        // up to 12 s. A move to the other responder would end it at once (that kernel answers with a RST).
        StringBuilder trace = new StringBuilder();
        long later = atReturn;
        long resumedMs = -1;
        for (int tick = 0; tick < 120 && curl.isAlive(); tick++) {
            TimeUnit.MILLISECONDS.sleep(100);
            long ms = (System.nanoTime() - returned) / 1_000_000;
            later = Files.exists(got) ? Files.size(got) : 0;
            if (tick % 5 == 4) {
                trace.append(ms).append(" ms: ").append(later).append("; ");
            }
            if (resumedMs < 0 && later > atReturn) {
                resumedMs = ms;
            }
            if (ms >= 2000 && resumedMs >= 0) {
                break;
            }
        }
        byte[] expected = new byte[6_000_000];
        new Random(13).nextBytes(expected);
        String how;
        if (curl.isAlive()) {
            // still running: the session lived through the leave and the return; it must go on, on its responder
            // (moved to the other, its kernel would have answered with a RST and curl would have stopped)
            String tcp = later > atReturn ? "" : in(CL, "ss", "-tin", "dst", "[" + AA + "]");
            assertThat(later).as("octets received after the other responder came back (%d at the return; %s"
                    + "the client's TCP state: %s)", atReturn, trace, tcp).isGreaterThan(atReturn);
            curl.destroy();
            assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
            byte[] part = Files.readAllBytes(got);
            assertThat(part.length).isGreaterThanOrEqualTo((int) later);
            assertThat(java.util.Arrays.equals(part, 0, part.length, expected, 0, part.length))
                    .as("the %d octets received are the file's first ones", part.length).isTrue();
            how = part.length + " of 6,000,000 octets, going on " + resumedMs + " ms after the return, cut short "
                    + (System.nanoTime() - returned) / 1_000_000 + " ms after it";
        } else {
            assertThat(curl.exitValue()).as("curl ended early: %s", Files.readString(DIR.resolve("curl-long.log")))
                    .isZero();
            assertThat(Files.readString(DIR.resolve("curl-long.log")).trim()).isEqualTo("200 6000000");
            assertThat(Files.readAllBytes(got)).isEqualTo(expected);
            how = "all 6 MB (finished before the 2 s after the return were up)";
        }
        // a client of the returning responder that stayed quiet meanwhile is served by it again (same Binding ID,
        // rendezvous hashing)
        assertThat(dig(quietClient)).isEqualTo(responder(other));
        REPORT.put("moved client after the return", "on ar" + ("2001:db8:1::100".equals(dig(movedClient)) ? 1 : 2));
        REPORT.put("long download", how + ", from " + client + " on ar" + (mine + 1) + " while ar" + (other + 1)
                + " deregistered and re-registered");
    }
    /** A DNS query (RFC 1035 §4.1) for ar.example.net AAAA, id 0x1234, recursion desired. */
    static final String DNS_QUERY = "12340100000100000000000002617207" + "6578616d706c65036e65740000" + "1c0001";

    @Test
    @Order(7)
    void routeOptimisationWithAnInitiatorCarriesTheDnsServersAnswersWithAHomeAddressOption() throws Exception {
        Path capture = DIR.resolve("ro.pcap");
        Files.deleteIfExists(capture);
        // tshark stops itself and closes its file: killing it early can lose what it buffered
        Process tshark = new ProcessBuilder("ip", "netns", "exec", RT, "tshark", "-n", "-i", "rtai", "-w",
                capture.toString(), "-f", "ip6", "-a", "duration:12").redirectErrorStream(true).start();
        PROCS.add(tshark);
        java.io.BufferedReader log = new java.io.BufferedReader(new java.io.InputStreamReader(tshark.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = log.readLine()) != null && !line.contains("Capturing on")) {
            // wait until tshark listens
        }
        String out = in(AI, mga("initiator", "--interface", "ai0", "--address", "2001:db8:e::10", "--router",
                "2001:db8:e::1", "--anycast", AA, "--port", "53", "--payload-hex", DNS_QUERY, "--count", "8",
                "--interval-ms", "700"));
        assertThat(tshark.waitFor(30, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        List<String> answers = out.lines().filter(l -> l.startsWith("mga initiator: answer from " + AA)).toList();
        assertThat(answers).as("dnsmasq's answers: %s", out).hasSizeGreaterThanOrEqualTo(6);
        // each answer is a DNS response (id 1234, QR set) carrying one responder's address as the AAAA record
        assertThat(answers).allMatch(l -> l.substring(l.lastIndexOf(": ") + 2).startsWith("12348")
                && (l.contains("20010db8000100000000000000000100") || l.contains("20010db8000200000000000000000100")));
        assertThat(answers).as("later answers come straight from the responder, not through the agent")
                .anyMatch(l -> l.contains("(directly from 2001:db8:"));
        String fields = sh(true, "tshark", "-n", "-r", capture.toString(), "-T", "fields", "-e", "ipv6.opt.type",
                "-e", "udp.srcport", "-e", "ipv6.routing.type", "-e", "udp.dstport", "-e", "dns.aaaa");
        boolean haoAnswer = false;
        boolean rh2Query = false;
        for (String l : fields.split("\n")) {
            String[] f = l.split("\t", -1);
            if (f.length < 5) {
                continue;
            }
            haoAnswer |= (f[0].contains("201") || f[0].contains("0xc9")) && f[1].equals("53") && !f[4].isEmpty();
            rh2Query |= f[2].contains("2") && f[3].equals("53");
        }
        assertThat(haoAnswer).as("tshark on the router: a DNS answer with a Home Address option").isTrue();
        assertThat(rh2Query).as("tshark on the router: a query with a type 2 routing header").isTrue();
        REPORT.put("route optimisation", answers.size() + " answers from dnsmasq, "
                + answers.stream().filter(l -> l.contains("directly from")).count() + " of them direct with HAO");
    }

    /**
     * Packet Too Big at the responder (RFC 2473 §7.1, RFC 8201), with the host's own stack: the TUN device's MTU
     * is raised beyond what fits the tunnel (a misconfiguration the responder must survive), so the kernel sends a
     * large DNS answer in fragments of 1,500 octets; the responder answers the first with Packet Too Big (MTU
     * 1460), the kernel learns the path MTU, and dig's retry gets the whole answer.
     */
    @Test
    @Order(9)
    void aReplyTooLargeForTheTunnelGetsPacketTooBigAndTheRetryIsAnswered() throws Exception {
        String client = "2001:db8:c::10";
        int r = dig(client).equals(responder(0)) ? 0 : 1;
        Map<String, Long> before = settled(r);
        in(AR[r], "ip", "link", "set", "dev", "mga0", "mtu", "1500");
        try {
            String out = in(CL, "dig", "+bufsize=4096", "+time=2", "+tries=3", "+ignore", "-b", client, "@" + AA,
                    "big.example.net", "TXT");
            assertThat(out).as(out).contains("status: NOERROR").contains("ANSWER: 1").contains("x".repeat(250));
            awaitCounters(r, c -> c.get("too-big") > before.get("too-big"));
            String route = in(AR[r], "ip", "-6", "route", "get", client, "from", AA);
            assertThat(route).as("the kernel learnt the tunnel's path MTU from the responder's Packet Too Big")
                    .contains("mtu 1460");
            REPORT.put("Packet Too Big", "TUN MTU raised to 1500: " + (counters(r).get("too-big")
                    - before.get("too-big")) + " reply fragment(s) answered with PTB, the kernel's route: "
                    + route.lines().findFirst().orElse("").trim() + "; dig got the 2,000-octet answer");
        } finally {
            in(AR[r], "ip", "link", "set", "dev", "mga0", "mtu", "1460");
            in(AR[r], "ip", "-6", "route", "flush", "cache");
        }
    }

    /** CPU time (user + system) a process has used so far, in seconds (Linux /proc, 100 ticks a second). */
    /** TCP segments the kernel of a namespace retransmitted so far ({@code TcpRetransSegs}). */
    static long retransmitted(String ns) throws Exception {
        Matcher m = Pattern.compile("TcpRetransSegs\\s+(\\d+)").matcher(in(ns, "nstat", "-az", "TcpRetransSegs"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** CPU seconds of each thread of a process, by thread name (threads of one name summed). */
    static Map<String, Double> threadCpu(long pid) throws IOException {
        Map<String, Double> m = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    m.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return m;
    }

    /** The threads that used at least 50 ms between two {@link #threadCpu} readings, busiest first. */
    static String busiest(Map<String, Double> before, Map<String, Double> after) {
        return after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(),
                0.0))).filter(e -> e.getValue() >= 0.05).sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static double udpRate(String server, int seconds) throws Exception {
        Path script = DIR.resolve("udp_rate.py");
        try (var res = HostDeliveryNamespaceTest.class.getResourceAsStream("/udp_rate.py")) {
            Files.write(script, res.readAllBytes());
        }
        String out = in(CL, "/usr/bin/python3", script.toString(), server, Integer.toString(seconds), "32").trim();
        Matcher m = Pattern.compile("answers (\\d+) sent (\\d+) seconds ([0-9.]+) rate (\\d+)").matcher(out);
        assertThat(m.find()).as("udp_rate.py: %s", out).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("answers from %s", server).isPositive();
        return Double.parseDouble(m.group(4));
    }

    static double tcpRate(String url) throws Exception {
        String out = in(CL, "curl", "-sS", "-m", "120", "-o", "/dev/null", "-w", "%{http_code} %{size_download} "
                + "%{speed_download}", url).trim();
        String[] f = out.split(" ");
        assertThat(f[0] + " " + f[1]).isEqualTo("200 20000000");
        return Double.parseDouble(f[2]);
    }

    /**
     * Measured in one run on the same veths (the machine is shared: the figures move with its load): dnsmasq's
     * request/answer rate and python's http.server's TCP throughput through agent, responder, application and
     * reverse tunnel, against the same application answering the client directly on the responder host's own
     * address; and the CPU each mga process used during the anycast UDP run.
     */
    @Test
    @Order(8)
    void measureTheAnycastPathAgainstTheDirectOne() throws Exception {
        String served = dig("2001:db8:c::10");
        int r = served.equals(responder(0)) ? 0 : 1;
        double udpDirect = udpRate(responder(r), 3);
        long agentPid = PROCS.get(0).pid();
        // both responders: the client's queries come from the source address its kernel picks, which may be served
        // by either (the idle one adds its timers only)
        double agent0 = cpuSeconds(agentPid);
        double responder0 = cpuSeconds(RESPONDERS[0].pid()) + cpuSeconds(RESPONDERS[1].pid());
        double udpAnycast = udpRate(AA, 3);
        double agentCpu = cpuSeconds(agentPid) - agent0;
        double responderCpu = cpuSeconds(RESPONDERS[0].pid()) + cpuSeconds(RESPONDERS[1].pid()) - responder0;
        double tcpDirect = tcpRate("http://[" + responder(r) + "]:8081/bench.bin");
        long[] pids = {agentPid, RESPONDERS[0].pid(), RESPONDERS[1].pid()};
        List<Map<String, Double>> before = new ArrayList<>();
        for (long pid : pids) {
            before.add(threadCpu(pid));
        }
        long[] retrans0 = {retransmitted(AR[0]), retransmitted(AR[1])};
        double tcpAnycast = tcpRate("http://[" + AA + "]:8080/bench.bin");
        long retrans = retransmitted(AR[0]) + retransmitted(AR[1]) - retrans0[0] - retrans0[1];
        StringBuilder threads = new StringBuilder();
        String[] names = {"agent", "ar1", "ar2"};
        for (int i = 0; i < pids.length; i++) {
            String b = busiest(before.get(i), threadCpu(pids[i]));
            if (!b.isEmpty()) {
                threads.append(threads.length() == 0 ? "" : "; ").append(names[i]).append(": ").append(b);
            }
        }
        String line = String.format(java.util.Locale.ROOT, "UDP (dnsmasq, 32 outstanding, 3 s): direct %.0f/s, "
                + "anycast %.0f/s, ratio %.2f; CPU during the anycast run: agent %.2f s, responders %.2f s of 3 s; "
                + "TCP (http.server, 20 MB): direct %.1f MB/s, anycast %.1f MB/s, ratio %.2f", udpDirect, udpAnycast,
                udpAnycast / udpDirect, agentCpu, responderCpu, tcpDirect / 1e6, tcpAnycast / 1e6,
                tcpAnycast / tcpDirect) + ", " + retrans + " segments retransmitted by the server"
                + "; threads during the anycast TCP run: " + threads;
        Files.writeString(DIR.resolve("bench.txt"), line + "\n");
        REPORT.put("benchmark", line);
        assertThat(udpAnycast).isPositive();
        assertThat(tcpAnycast).isPositive();
    }

    /** Sends one hand-made packet from the client's namespace with Scapy (/usr/bin/python3). */
    static void scapy(String packet) throws Exception {
        in(CL, "/usr/bin/python3", "-c", "import logging; logging.getLogger('scapy').setLevel(logging.ERROR)\n"
                + "from scapy.all import IPv6, UDP, ICMPv6EchoRequest, send\n"
                + "send(" + packet + ", verbose=False)");
    }

    @Test
    @Order(5)
    void theBoundaryDropsAndCountsWhatMustNotReachTheHost() throws Exception {
        int r = 0;
        String careOf = responder(r);
        Map<String, Long> before = settled(r);
        long tunBefore = tunReceived(r);
        String parmBefore = in(AR[r], "sh", "-c", "grep Icmp6OutParmProblems /proc/net/snmp6").trim();
        // 1. tunnelled from a non-agent (the client itself)
        scapy("IPv6(src='2001:db8:c::10', dst='" + careOf + "')/IPv6(src='2001:db8:c::10', dst='" + AA
                + "')/ICMPv6EchoRequest()");
        // 2. outer source the agent's (forged), inner destination not the anycast address
        scapy("IPv6(src='" + HAA + "', dst='" + careOf + "')/IPv6(src='2001:db8:c::10', dst='" + careOf
                + "')/UDP(sport=4000, dport=22)");
        // 3. outer source the agent's (forged), inner source the anycast address itself
        scapy("IPv6(src='" + HAA + "', dst='" + careOf + "')/IPv6(src='" + AA + "', dst='" + AA
                + "')/ICMPv6EchoRequest()");
        awaitCounters(r, c -> c.get("not-from-agent") > before.get("not-from-agent")
                && c.get("not-for-anycast") > before.get("not-for-anycast")
                && c.get("spoofed-source") > before.get("spoofed-source"));
        Map<String, Long> after = counters(r);
        assertThat(after.get("not-from-agent") - before.get("not-from-agent")).isEqualTo(1);
        assertThat(after.get("not-for-anycast") - before.get("not-for-anycast")).isEqualTo(1);
        assertThat(after.get("spoofed-source") - before.get("spoofed-source")).isEqualTo(1);
        assertThat(after.get("host delivered")).isEqualTo(before.get("host delivered"));
        assertThat(tunReceived(r)).as("packets the host's stack got from the TUN device").isEqualTo(tunBefore);
        // nor did the kernel see the tunnel packets (nftables): it answered none with a Parameter Problem
        assertThat(in(AR[r], "sh", "-c", "grep Icmp6OutParmProblems /proc/net/snmp6").trim()).isEqualTo(parmBefore);
        REPORT.put("boundary", "non-agent, inner destination not anycast, inner source anycast: 1 each counted, "
                + "TUN rx unchanged at " + tunBefore + ", kernel Parameter Problems unchanged");
    }

    /**
     * The counters once two lines in a row, both printed after this call, agree on host delivery's counters
     * (nothing in flight to or from the host). The others may go on moving: route optimisation's retries toward
     * plain clients, answered by their kernels with Parameter Problems, keep arriving for a while.
     */
    static Map<String, Long> settled(int r) throws Exception {
        Path log = DIR.resolve("r" + (r + 1) + ".log");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long start = Files.readAllLines(log).stream().filter(l -> l.startsWith("mga responder: counters")).count();
        while (System.nanoTime() < end) {
            List<String> c = Files.readAllLines(log).stream().filter(l -> l.startsWith("mga responder: counters"))
                    .map(l -> l.substring(l.indexOf(" host delivered "))).toList();
            if (c.size() >= start + 2 && c.get(c.size() - 1).equals(c.get(c.size() - 2))) {
                return counters(r);
            }
            TimeUnit.MILLISECONDS.sleep(200); // the child prints its counters once a second
        }
        throw new AssertionError("counters of responder " + (r + 1) + " did not settle");
    }

    static void awaitCounters(int r, java.util.function.Predicate<Map<String, Long>> ok) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Map<String, Long> c = counters(r);
            if (!c.isEmpty() && ok.test(c)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200); // the child prints its counters once a second
        }
        throw new AssertionError("counters of responder " + (r + 1) + " did not get there: " + counters(r));
    }

    /**
     * Crash failover for a new TCP connection (issue 15), ten times, with the kernel's default neighbour timers: an
     * unmodified client ({@code tcp_client.py}, Debian's python3) opens a new connection to the anycast address
     * every 20 ms and asks who answers; the responder serving it is killed with SIGKILL (its JVM gone without a
     * word: no deregistration, its TUN device gone, the tunnelled packets dropped on its host), and the figure is
     * the time from the kill to the first answer from the other responder, both on CLOCK_MONOTONIC. The killed
     * responder is started again (over what the killed one left in its kernel) before the next run.
     */
    @Test
    @Order(10)
    void crashFailoverForANewTcpConnectionTenTimes() throws Exception {
        List<long[]> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        Process client = new ProcessBuilder("ip", "netns", "exec", CL, "/usr/bin/python3",
                Path.of("src", "test", "resources", "failover", "tcp_client.py").toAbsolutePath().toString(), AA,
                "8080").redirectError(DIR.resolve("tcp-client.err").toFile()).start();
        PROCS.add(client);
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 3) {
                        answers.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]),
                            "ar1".equals(f[2]) ? 0 : 1});
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the client ended
            }
        }, "tcp-client-reader");
        reader.setDaemon(true);
        reader.start();
        List<Long> figures = new ArrayList<>();
        try {
            for (int run = 0; run < 10; run++) {
                // steady first: an answer to a connection opened from now on tells who serves the client
                long since = System.nanoTime();
                int serving = (int) awaitAnswer(answers, since, -1, 20)[2];
                int other = 1 - serving;
                long crash = System.nanoTime();
                RESPONDERS[serving].destroyForcibly(); // SIGKILL
                long[] first = awaitAnswer(answers, crash, other, 15);
                figures.add(TimeUnit.NANOSECONDS.toMillis(first[1] - crash));
                assertThat(RESPONDERS[serving].waitFor(10, TimeUnit.SECONDS)).isTrue();
                startResponder(serving);
            }
        } finally {
            client.getOutputStream().close();
            client.waitFor(10, TimeUnit.SECONDS);
        }
        List<Long> sorted = new ArrayList<>(figures);
        java.util.Collections.sort(sorted);
        long median = (sorted.get(4) + sorted.get(5)) / 2;
        String line = "crash -> first answer from the other responder, new TCP connection every 20 ms, 10 crashes: "
                + figures + " ms; min " + sorted.get(0) + ", median " + median + ", max " + sorted.get(9) + " ms";
        REPORT.put("TCP crash failover", line);
        Files.writeString(DIR.resolve("tcp-failover.txt"), line + "\n");
        System.out.println(line);
        // the issue's goal: crash to the first answer from another responder within 1.5 s
        assertThat(median).as("median TCP failover, goal 1.5 s").isLessThanOrEqualTo(1_500);
        assertThat(sorted.get(9)).as("slowest TCP failover").isLessThanOrEqualTo(5_000);
    }

    /**
     * The same measurement as {@link #measureTheAnycastPathAgainstTheDirectOne} with the agent's kernel data plane
     * (issue 13): the agent is stopped and started again with {@code --data-plane=kernel}, from the bindings it kept
     * in its {@code --state} file, so that the responders stay registered; the XDP program then tunnels the
     * requests and decapsulates the replies, and what is left of the anycast path in user space is the responder.
     * Last of the class: the agent stays on the kernel data plane until the end.
     */
    @Test
    @Order(11)
    void measureTheAnycastPathWithTheAgentsKernelDataPlane() throws Exception {
        Process pcapAgent = PROCS.get(0);
        sh(true, "kill", "-TERM", Long.toString(pcapAgent.pid()));
        assertThat(pcapAgent.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Path log = DIR.resolve("haa-kernel.log");
        Process agent = spawn(AG, log, null, mga("haa", "--interface", "ag0", "--address", HAA, "--router",
                "2001:db8:a::fe", "--anycast", AA + "/128", "--responder", "ar1@example.net,1001," + K1,
                "--responder", "ar2@example.net,1002," + K2, "--control-socket=none", "--state",
                DIR.resolve("haa.state").toString(), "--data-plane=kernel"));
        awaitLine(log, "running on ag0", 30);
        assertThat(Files.readString(log)).contains("kernel data plane (XDP) on ag0");
        // the router's Ethernet address is resolved (the program passes everything until the agent knows it), and
        // both restored bindings serve again
        String served = null;
        for (int i = 0; i < 20 && served == null; i++) {
            try {
                // dig's own second try may answer after a first that timed out: it then prints a ";;" line before
                // the answer, which is the last line. (A first query was lost so once: the program, attached
                // before the agent's thread had mirrored the restored bindings, dropped it as having no binding;
                // it now passes such packets to the agent until the mirror is complete: KernelProgramTest)
                String a = dig("2001:db8:c::10").lines().filter(l -> !l.startsWith(";;")).reduce((x, y) -> y)
                        .orElse("");
                served = a.isBlank() ? null : a;
            } catch (AssertionError | RuntimeException e) {
                // dig timed out: not yet
            }
            if (served == null) {
                TimeUnit.MILLISECONDS.sleep(250); // real time: the agent's Neighbor Discovery runs in real time
            }
        }
        assertThat(served).as("an answer through the restarted agent: %s", Files.readString(log))
                .isIn(responder(0), responder(1));
        int r = served.equals(responder(0)) ? 0 : 1;
        double udpDirect = udpRate(responder(r), 3);
        double agent0 = cpuSeconds(agent.pid());
        double responder0 = cpuSeconds(RESPONDERS[0].pid()) + cpuSeconds(RESPONDERS[1].pid());
        double udpAnycast = udpRate(AA, 3);
        double agentCpu = cpuSeconds(agent.pid()) - agent0;
        double responderCpu = cpuSeconds(RESPONDERS[0].pid()) + cpuSeconds(RESPONDERS[1].pid()) - responder0;
        double tcpDirect = tcpRate("http://[" + responder(r) + "]:8081/bench.bin");
        double tcpAnycast = tcpRate("http://[" + AA + "]:8080/bench.bin");
        // stopped with SIGTERM: it prints the kernel's counters, which show that the program, not the Java agent,
        // carried the traffic both ways
        sh(true, "kill", "-TERM", Long.toString(agent.pid()));
        assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        Matcher k = Pattern.compile("kernel data plane KernelCounters\\[forwarded=(\\d+), reverseForwarded=(\\d+)")
                .matcher(out);
        assertThat(k.find()).as(out).isTrue();
        long forwarded = Long.parseLong(k.group(1));
        long reverse = Long.parseLong(k.group(2));
        assertThat(forwarded).as("requests tunnelled by the program").isGreaterThan((long) (udpAnycast * 3 / 2));
        assertThat(reverse).as("replies decapsulated by the program").isGreaterThan((long) (udpAnycast * 3 / 2));
        String line = String.format(java.util.Locale.ROOT, "UDP (dnsmasq, 32 outstanding, 3 s): direct %.0f/s, "
                + "anycast %.0f/s, ratio %.2f; CPU during the anycast run: agent %.2f s, responders %.2f s of 3 s; "
                + "TCP (http.server, 20 MB): direct %.1f MB/s, anycast %.1f MB/s, ratio %.2f; the program tunnelled "
                + "%d and decapsulated %d packets", udpDirect, udpAnycast, udpAnycast / udpDirect, agentCpu,
                responderCpu, tcpDirect / 1e6, tcpAnycast / 1e6, tcpAnycast / tcpDirect, forwarded, reverse);
        Files.writeString(DIR.resolve("bench-kernel.txt"), line + "\n");
        REPORT.put("benchmark, agent on its kernel data plane", line);
        assertThat(udpAnycast).isPositive();
        assertThat(tcpAnycast).isPositive();
    }

    /**
     * The first answer to a connection the client completed after {@code since}, from {@code who} (or anyone: -1),
     * polled: the client's answers arrive in real time.
     */
    static long[] awaitAnswer(List<long[]> answers, long since, int who, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            synchronized (answers) {
                for (long[] a : answers) {
                    if (a[1] - since > 0 && (who < 0 || a[2] == who) && (who >= 0 || a[0] - since > 0)) {
                        return a;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling a child process's answers: real time
        }
        throw new AssertionError("no answer " + (who < 0 ? "" : "from ar" + (who + 1) + " ") + "within " + seconds
                + " s; responder logs:\n" + Files.readString(DIR.resolve("r1.log")).lines()
                .filter(l -> !l.startsWith("mga responder: counters")).reduce("", (x, y) -> x + y + "\n"));
    }
}
