package io.mga.pcapio;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.AgentCounters;
import io.mga.engine.AnycastResponder;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.Policies;
import io.mga.engine.ResponderEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end with real parts: Linux network namespaces joined by veth pairs, built by this test (as root). An
 * unmodified client (the kernel's own IPv6 stack, {@code ping} and {@code socat}) in namespace {@code mgacl-TAG},
 * a kernel router in {@code mgart-TAG}, and the MGA roles on the other ends of the router's links, each through pcap4j
 * on its interface: the HAA on the anycast home link 2001:db8:a::/64 and two responders on 2001:db8:1::/64 and
 * 2001:db8:2::/64. The role interfaces stay in the test's namespace with the kernel's IPv6 disabled on them, so
 * that only mga answers for the role addresses.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class NamespaceEndToEndTest {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final List<LiveInterface> LIVE = new ArrayList<>();
    static final List<HomeAnycastAgent> AGENTS = new ArrayList<>();
    static final List<AnycastResponder> RESPONDERS = new ArrayList<>();
    /** Two client addresses that rendezvous hashing maps to different responders (worked out in build()). */
    static final Ipv6Address[] CLIENTS = new Ipv6Address[2];
    static final java.util.Map<String, String> REPORT = new java.util.LinkedHashMap<>();
    static PcapRecorder RECORDER;
    /**
     * Names of this run's namespaces and links carry a tag of the test JVM's pid: another checkout running the same
     * test at the same time (on a shared machine) neither deletes ours nor collides with them. Interface names stay
     * within Linux's 15 characters.
     */
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static final String CL_NS = "mgacl-" + TAG;
    static final String RT_NS = "mgart-" + TAG;

    /** An interface name of this run: {@code base} plus the tag. */
    static String dev(String base) {
        return base + "-" + TAG;
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
        for (String l : new String[] {"mga-haa", "mga-ar1", "mga-ar2", "mga-ai"}) {
            sh(false, "ip", "link", "del", dev(l));
        }
    }

    /** A veth pair: {@code role} stays here with IPv6 off for the kernel, {@code rt} goes to the router. */
    static void roleLink(String roleBase, String rtBase, String routerAddress) throws Exception {
        String role = dev(roleBase);
        String rt = dev(rtBase);
        sh(true, "ip", "link", "add", role, "type", "veth", "peer", "name", rt);
        sh(true, "sysctl", "-qw", "net.ipv6.conf." + role + ".disable_ipv6=1");
        sh(true, "ip", "link", "set", rt, "netns", RT_NS);
        // the router gives up on a silent neighbour in seconds rather than half a minute (kill test)
        sh(true, "ip", "netns", "exec", RT_NS, "sysctl", "-qw", "net.ipv6.neigh." + rt + ".base_reachable_time_ms=2000");
        sh(true, "ip", "netns", "exec", RT_NS, "sysctl", "-qw", "net.ipv6.neigh." + rt + ".delay_first_probe_time=1");
        sh(true, "ip", "link", "set", role, "up");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "addr", "add", routerAddress, "dev", rt, "nodad");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", rt, "up");
    }

    static ResponderCredentials cred(int i) {
        return new ResponderCredentials("ar" + i + "@example.net", 1000 + i, key(i),
                List.of(Ipv6Prefix.parse("2001:db8:a::/64")));
    }

    static Bytes key(int i) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) (0x30 + i));
        return Bytes.of(k);
    }

    @BeforeAll
    static void build() throws Exception {
        assertThat(sh(false, "id", "-u").trim()).as("this test builds network namespaces and must run as root")
                .isEqualTo("0");
        cleanup();
        sh(true, "ip", "netns", "add", CL_NS);
        sh(true, "ip", "netns", "add", RT_NS);
        sh(true, "ip", "netns", "exec", RT_NS, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", "lo", "up");
        sh(true, "ip", "link", "add", dev("mga-cl"), "type", "veth", "peer", "name", dev("mga-rtcl"));
        sh(true, "ip", "link", "set", dev("mga-cl"), "netns", CL_NS);
        sh(true, "ip", "link", "set", dev("mga-rtcl"), "netns", RT_NS);
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "link", "set", "lo", "up");
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "addr", "add", "2001:db8:c::10/64", "dev", dev("mga-cl"),
                "nodad");
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "link", "set", dev("mga-cl"), "up");
        // veth leaves transport checksums to a "hardware" that does not exist (CHECKSUM_PARTIAL): what pcap
        // captures would carry unfinished UDP checksums, which the responders rightly reject. A real NIC
        // finishes them; here the kernel must.
        sh(true, "ip", "netns", "exec", CL_NS, "ethtool", "-K", dev("mga-cl"), "tx", "off");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "addr", "add", "2001:db8:c::1/64", "dev", dev("mga-rtcl"),
                "nodad");
        sh(true, "ip", "netns", "exec", RT_NS, "ip", "link", "set", dev("mga-rtcl"), "up");
        sh(true, "ip", "netns", "exec", CL_NS, "ip", "-6", "route", "add", "default", "via", "2001:db8:c::1");
        // two client addresses that consistent hashing sends to different responders
        List<io.mga.api.AnycastBinding> c = List.of(
                new io.mga.api.AnycastBinding(AA, 1, Ipv6Address.parse("2001:db8:1::100"), "ar1", 1, 0, 0),
                new io.mga.api.AnycastBinding(AA, 2, Ipv6Address.parse("2001:db8:2::100"), "ar2", 1, 0, 0));
        io.mga.api.SelectionPolicy rv = Policies.rendezvous();
        for (int i = 0x10; CLIENTS[0] == null || CLIENTS[1] == null; i++) {
            Ipv6Address a = Ipv6Address.parse("2001:db8:c::" + Integer.toHexString(i));
            int slot = rv.select(a.high(), a.low(), io.mga.api.SelectionPolicy.Candidates.of(c));
            if (CLIENTS[slot] == null) {
                CLIENTS[slot] = a;
            }
        }
        for (Ipv6Address a : CLIENTS) {
            if (!a.equals(Ipv6Address.parse("2001:db8:c::10"))) {
                sh(true, "ip", "netns", "exec", CL_NS, "ip", "addr", "add", a + "/64", "dev", dev("mga-cl"), "nodad");
            }
        }
        roleLink("mga-haa", "mga-rthaa", "2001:db8:a::fe/64");
        roleLink("mga-ar1", "mga-rtar1", "2001:db8:1::1/64");
        roleLink("mga-ar2", "mga-rtar2", "2001:db8:2::1/64");
        roleLink("mga-ai", "mga-rtai", "2001:db8:e::1/64");

        io.mga.api.EpochClock wall = io.mga.api.EpochClock.system();
        RECORDER = PcapRecorder.create(Path.of("target", "e2e-haa.pcap"));
        LiveInterface haaIf = LiveInterface.builder().interfaceName(dev("mga-haa")).own(HAA).record(RECORDER)
                .ownAnycast(new Ipv6Prefix(AA, 128)).defaultRouter(Ipv6Address.parse("2001:db8:a::fe")).build();
        HomeAnycastAgent haa = HomeAnycastAgent.builder().address(HAA).serve(new Ipv6Prefix(AA, 128))
                .model(Model.ADVANCED).policy(Policies.rendezvous()).responder(cred(1)).responder(cred(2))
                .epochClock(wall).io(haaIf).build(System.nanoTime());
        haaIf.start(haa);
        LIVE.add(haaIf);
        AGENTS.add(haa);
        CountDownLatch registered = new CountDownLatch(2);
        for (int i = 1; i <= 2; i++) {
            int id = i;
            Ipv6Address pua = Ipv6Address.parse("2001:db8:" + i + "::100");
            LiveInterface arIf = LiveInterface.builder().interfaceName(dev("mga-ar" + i)).own(pua)
                    .defaultRouter(Ipv6Address.parse("2001:db8:" + i + "::1")).build();
            AnycastResponder ar = AnycastResponder.builder().anycast(AA).careOf(pua).agent(HAA)
                    .credentials("ar" + i + "@example.net", 1000 + i, key(i)).bindingId(i).lifetimeSeconds(60)
                    .epochClock(wall).routeOptimisation(true, 64).io(arIf)
                    .udpService(5353, (from, port, q) -> Bytes.of(("ar" + id + ":" + new String(q.toArray(),
                            StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
                    .listener(e -> {
                        if (e instanceof ResponderEvent.StateChanged sc && sc.state() == AnycastResponder.State.REGISTERED) {
                            registered.countDown();
                        }
                    })
                    .build(System.nanoTime());
            arIf.start(ar);
            arIf.submit(ar::start);
            LIVE.add(arIf);
            RESPONDERS.add(ar);
        }
        boolean ok = registered.await(20, TimeUnit.SECONDS);
        StringBuilder why = new StringBuilder();
        for (LiveInterface l : LIVE) {
            why.append(String.format("%n received %d sent %d dropped %d malformed %d", l.counters().received(),
                    l.counters().sent(), l.counters().dropped(), l.counters().malformed()));
        }
        why.append(sh(false, "ip", "netns", "exec", RT_NS, "ip", "-6", "neigh"));
        assertThat(ok).as("both responders registered over the veths; counters:%s", why).isTrue();
    }

    /** One UDP query from a client address; returns the answer, or "" after 2 s of silence. */
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

    /** Queries every 200 ms (socat's own timeout aside) until a responder other than {@code gone} answers. */
    static long failover(Ipv6Address client, String gone, long limitMillis) throws Exception {
        long t0 = System.nanoTime();
        while ((System.nanoTime() - t0) / 1_000_000 < limitMillis) {
            String a = query(client, "after");
            if (!a.isEmpty() && !a.startsWith(gone)) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
        }
        throw new AssertionError("no failover within " + limitMillis + " ms");
    }

    /**
     * Route optimisation between an mga initiator and an mga responder across the namespaces, captured by tshark
     * on the router: HoTI/CoTI/HoT/CoT/BU/BA, then data with a type 2 routing header one way and a Home Address
     * option the other.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void routeOptimisationAcrossTheNamespacesSeenByTshark() throws Exception {
        Path capture = Path.of("target", "e2e-ro.pcap").toAbsolutePath();
        java.nio.file.Files.deleteIfExists(capture);
        // tshark stops itself after 8 s and closes its file: killing it early can lose what it buffered
        Process tshark = new ProcessBuilder("ip", "netns", "exec", RT_NS, "tshark", "-n", "-i", dev("mga-rtai"),
                "-w", capture.toString(), "-f", "ip6", "-a", "duration:8").redirectErrorStream(true).start();
        java.io.BufferedReader log = new java.io.BufferedReader(new java.io.InputStreamReader(
                tshark.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = log.readLine()) != null && !line.contains("Capturing on")) {
            // wait until tshark listens
        }
        Ipv6Address me = Ipv6Address.parse("2001:db8:e::10");
        LiveInterface aiIf = LiveInterface.builder().interfaceName(dev("mga-ai")).own(me)
                .defaultRouter(Ipv6Address.parse("2001:db8:e::1")).build();
        io.mga.engine.AnycastInitiator ai = io.mga.engine.AnycastInitiator.builder().address(me).io(aiIf)
                .build(System.nanoTime());
        // the test waits on answers, not on time: the role thread signals each datagram it hands the initiator
        java.util.concurrent.Semaphore answers = new java.util.concurrent.Semaphore(0);
        io.mga.api.Role counting = new io.mga.api.Role() {
            @Override
            public void receive(byte[] packet, int offset, int length, long now) {
                int before = ai.received().size();
                ai.receive(packet, offset, length, now);
                answers.release(ai.received().size() - before);
            }

            @Override
            public int doWork(long now) {
                return ai.doWork(now);
            }

            @Override
            public long nextDeadline() {
                return ai.nextDeadline();
            }
        };
        aiIf.start(counting);
        LIVE.add(aiIf);
        java.util.concurrent.ConcurrentLinkedQueue<io.mga.engine.AnycastInitiator.Datagram> got =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < 15; i++) {
            int n = i;
            aiIf.submit(now -> ai.sendUdp(AA, 41000, 5353, Bytes.of(("ro" + n).getBytes(StandardCharsets.UTF_8)),
                    now));
            // one query at a time: the next goes when this one is answered (or after 3 s, a lost one)
            answers.tryAcquire(3, TimeUnit.SECONDS);
        }
        CountDownLatch drained = new CountDownLatch(1);
        aiIf.submit(now -> {
            got.addAll(ai.received());
            drained.countDown();
        });
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(tshark.waitFor(30, TimeUnit.SECONDS)).as("tshark finished its 8 s capture").isTrue();
        assertThat(got).as("answers").hasSizeGreaterThan(10);
        assertThat(got).as("later answers come straight from the responder")
                .anyMatch(d -> d.from().equals(AA) && !d.careOf().equals(AA));
        String fields = sh(true, "tshark", "-n", "-r", capture.toString(), "-T", "fields", "-e", "mip6.mhtype",
                "-e", "ipv6.routing.type", "-e", "ipv6.opt.type", "-e", "udp.dstport");
        java.util.Set<String> mh = new java.util.TreeSet<>();
        boolean rh2Data = false;
        boolean haoData = false;
        for (String l : fields.split("\n")) {
            String[] f = l.split("\t", -1);
            if (f.length < 4) {
                continue;
            }
            if (!f[0].isEmpty()) {
                mh.addAll(List.of(f[0].split(",")));
            }
            rh2Data |= f[1].contains("2") && f[3].equals("5353");
            haoData |= (f[2].contains("0xc9") || f[2].contains("201")) && !f[3].isEmpty();
        }
        assertThat(mh).as("HoTI 1, CoTI 2, HoT 3, CoT 4, BU 5, BA 6 on the initiator's link")
                .contains("1", "2", "3", "4", "5", "6");
        assertThat(rh2Data).as("a request with a type 2 routing header").isTrue();
        assertThat(haoData).as("an answer with a Home Address option").isTrue();
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void consistentHashingSpreadsClientsAndEachStaysThenFailover() throws Exception {
        String[] first = new String[2];
        for (int k = 0; k < 2; k++) {
            for (int q = 0; q < 3; q++) {
                String a = query(CLIENTS[k], "c" + k + "q" + q);
                assertThat(a).as("client %s query %d", CLIENTS[k], q).matches("ar[12]:c" + k + "q" + q);
                String ar = a.substring(0, 3);
                if (first[k] == null) {
                    first[k] = ar;
                }
                assertThat(ar).as("client %s stays on its responder", CLIENTS[k]).isEqualTo(first[k]);
            }
        }
        assertThat(first[0]).as("the two clients are spread over the two responders").isNotEqualTo(first[1]);
        // graceful: the responder of client 0 deregisters; client 0 moves at once
        int leaving = Integer.parseInt(first[0].substring(2)) - 1;
        LiveInterface leavingIf = LIVE.get(1 + leaving);
        AnycastResponder leavingAr = RESPONDERS.get(leaving);
        leavingIf.submit(leavingAr::stop);
        long graceful = failover(CLIENTS[0], first[0], 20_000);
        REPORT.put("graceful stop (deregistration)", graceful + " ms");
        // back again, then killed without a word: the agent's liveness probe goes unanswered (or, if it comes
        // first, the router's Neighbor Unreachability Detection fails and its Destination Unreachable reaches the
        // agent), and the agent drops the binding
        leavingIf.submit(leavingAr::start);
        long t0 = System.nanoTime();
        while (!query(CLIENTS[0], "back").startsWith(first[0]) && System.nanoTime() - t0 < 20_000_000_000L) {
            // until rendezvous hashing gives client 0 its responder back
        }
        assertThat(query(CLIENTS[0], "back")).startsWith(first[0]);
        leavingIf.close();
        long killed = failover(CLIENTS[0], first[0], 70_000);
        REPORT.put("killed (liveness probe unanswered, or Destination Unreachable after the router's NUD; soft state"
                + " would take 60 s; the client's socat waits 2 s for a lost answer)", killed + " ms");
        assertThat(query(CLIENTS[1], "still")).as("the other client never noticed").startsWith(first[1]);
        java.nio.file.Files.write(java.nio.file.Path.of("target", "e2e-failover.txt"),
                REPORT.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (LiveInterface l : LIVE) {
            l.close(); // closing twice is harmless
        }
        if (RECORDER != null) {
            RECORDER.close();
            // what the agent sent and received, recorded by LiveInterface, opens in tshark and holds its tunnels
            String out = sh(true, "tshark", "-n", "-r", Path.of("target", "e2e-haa.pcap").toString(), "-Y",
                    "ipv6.nxt == 41", "-T", "fields", "-e", "ipv6.dst");
            assertThat(out.lines().count()).as("tunnelled packets in the agent's recording").isGreaterThan(10);
        }
        cleanup();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void anUnmodifiedHostPingsTheAnycastAddressAndTheAnswerComesFromIt() throws Exception {
        String out = sh(false, "ip", "netns", "exec", CL_NS, "ping", "-6", "-n", "-c", "3", "-i", "0.2", "-W", "3",
                AA.toString());
        assertThat(out).contains("3 received").contains("from " + AA);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void anUnmodifiedHostsUdpQueryIsAnsweredByAResponder() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", CL_NS, "socat", "-T", "3", "-",
                "UDP6:[" + AA + "]:5353").redirectErrorStream(true).start();
        p.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        AgentCounters c = AGENTS.get(0).counters();
        assertThat(out).as("socat's output; agent forwarded %d, reverse %d, dropped %d, malformed %d",
                c.forwarded(), c.reverseForwarded(), c.dropped(), c.malformed()).matches("(?s)ar[12]:hello\\s*");
        assertThat(LIVE.get(0).counters().sent()).isPositive();
    }
}
