package io.mga.bench;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.Policies;
import io.mga.pcapio.LiveInterface;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/**
 * Packets per second an agent tunnels, through pcap4j and with its kernel data plane (mga-kernel's XDP program,
 * {@code mga haa --data-plane=kernel}), next to the Linux kernel forwarding the same traffic, on the same veth
 * setup and in the same run; and the whole machine's CPU time per delivered packet in each case (from
 * /proc/stat: generator, router, agent and sink together, so the differences are what each agent costs). Needs
 * root (network namespaces), and for the kernel data plane the compiled program and bpftool.
 *
 * <p>Topology: a generator interface in this process's namespace sends UDP datagrams to the anycast address at
 * full speed through a kernel router (namespace {@code mgbrt}); the router delivers them on the anycast home link
 * either to the mga agent (an interface in this namespace, through {@link LiveInterface}), which tunnels them to
 * the responder's address in namespace {@code mgbsink}, or to a kernel host (namespace {@code mgbk}) that forwards
 * them over the same path to the sink. The sink's interface counts what arrives. The exact reference would be the
 * kernel's ip6ip6 tunnel; kernels without ip6_tunnel support (like the one this was written on) lack it, so plain
 * kernel forwarding over the same path stands in. The figure is packets received at the sink per
 * second; the generator's own rate is printed too, since on 2 cores everything shares the CPU.
 *
 * <p>{@code java -cp mga-bench/target/benchmarks.jar io.mga.bench.ForwardingRate [seconds]}
 */
public final class ForwardingRate {
    static final Ipv6Address AA = Ipv6Address.parse("2001:db8:a::53");
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address PUA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address GEN = Ipv6Address.parse("2001:db8:c::10");

    private ForwardingRate() {
    }

    static String sh(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || (check && p.exitValue() != 0)) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    static void ns(String ns, String... cmd) throws Exception {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        sh(true, full);
    }

    static void cleanup() throws Exception {
        for (String n : List.of("mgbrt", "mgbk", "mgbsink")) {
            sh(false, "ip", "netns", "del", n);
        }
        for (String l : List.of("mgb-gen", "mgb-haa")) {
            sh(false, "ip", "link", "del", l);
        }
    }

    static long rxPackets(String ns, String dev) throws Exception {
        String s = sh(true, "ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/statistics/rx_packets");
        return Long.parseLong(s.trim());
    }

    /**
     * @return CPU time so far, in nanoseconds: the machine's system, interrupt and softirq time (all CPUs: where
     *     the packets are handled, by the generator's system calls, the router, the XDP program and the sink) plus
     *     this JVM's user time (the pcap4j agent). Other processes' user time (the builds a shared machine runs)
     *     is left out; their system time is not. /proc/stat and /proc/self/stat count in USER_HZ (100).
     */
    static long busyNanos() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long ticks = Long.parseLong(f[3]) + Long.parseLong(f[6]) + Long.parseLong(f[7]); // system, irq, softirq
        String self = Files.readString(Path.of("/proc/self/stat"));
        String[] g = self.substring(self.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(g[11]); // utime (field 14)
        return ticks * 10_000_000L;
    }

    /** One measured flood: what was offered, what arrived, over how long, and the CPU it took. */
    record Run(long sent, long got, double seconds, long busyNanos) {
        double pps() {
            return got / seconds;
        }

        double cpuPerPacket() {
            return got == 0 ? Double.NaN : (double) busyNanos / got;
        }
    }

    /** The sendmmsg generator (flood.c, compiled here with cc), or null to send through pcap4j. */
    static Path generator;

    static void compileGenerator() {
        try {
            Path src = Files.createTempFile("mga-flood", ".c");
            try (java.io.InputStream in = ForwardingRate.class.getResourceAsStream("flood.c")) {
                Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path bin = Files.createTempFile("mga-flood", "");
            sh(true, "cc", "-O2", "-o", bin.toString(), src.toString());
            Files.delete(src);
            generator = bin;
        } catch (Exception e) {
            System.out.println("no C compiler for the sendmmsg generator (" + e.getMessage().lines().findFirst()
                    .orElse("") + "): sending through pcap4j, which may be slower than the paths measured");
        }
    }

    static Run flood(byte[] rtMac, double seconds) throws Exception {
        long before = rxPackets("mgbsink", "mgb-sink");
        long cpu0 = busyNanos();
        long t0 = System.nanoTime();
        long sent = blast(rtMac, seconds);
        Thread.sleep(500);
        long got = rxPackets("mgbsink", "mgb-sink") - before;
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Run(sent, got, secs, busyNanos() - cpu0);
    }

    static void setup() throws Exception {
        cleanup();
        for (String n : List.of("mgbrt", "mgbk", "mgbsink")) {
            sh(true, "ip", "netns", "add", n);
            ns(n, "ip", "link", "set", "lo", "up");
        }
        ns("mgbrt", "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        // generator (here) -- router
        sh(true, "ip", "link", "add", "mgb-gen", "type", "veth", "peer", "name", "mgb-rtgen");
        sh(true, "sysctl", "-qw", "net.ipv6.conf.mgb-gen.disable_ipv6=1");
        sh(true, "ip", "link", "set", "mgb-rtgen", "netns", "mgbrt");
        sh(true, "ip", "link", "set", "mgb-gen", "up");
        ns("mgbrt", "ip", "addr", "add", "2001:db8:c::1/64", "dev", "mgb-rtgen", "nodad");
        ns("mgbrt", "ip", "link", "set", "mgb-rtgen", "up");
        // the mga agent (here) -- router, anycast home link
        sh(true, "ip", "link", "add", "mgb-haa", "type", "veth", "peer", "name", "mgb-rthaa");
        sh(true, "sysctl", "-qw", "net.ipv6.conf.mgb-haa.disable_ipv6=1");
        sh(true, "ip", "link", "set", "mgb-rthaa", "netns", "mgbrt");
        sh(true, "ip", "link", "set", "mgb-haa", "up");
        ns("mgbrt", "ip", "addr", "add", "2001:db8:a::fe/64", "dev", "mgb-rthaa", "nodad");
        ns("mgbrt", "ip", "link", "set", "mgb-rthaa", "up");
        // the kernel agent -- router, on its own link 2001:db8:b::/64
        sh(true, "ip", "link", "add", "mgb-k", "type", "veth", "peer", "name", "mgb-rtk");
        sh(true, "ip", "link", "set", "mgb-k", "netns", "mgbk");
        sh(true, "ip", "link", "set", "mgb-rtk", "netns", "mgbrt");
        ns("mgbk", "ip", "addr", "add", "2001:db8:b::1/64", "dev", "mgb-k", "nodad");
        ns("mgbk", "ip", "link", "set", "mgb-k", "up");
        ns("mgbk", "ip", "-6", "route", "add", "default", "via", "2001:db8:b::fe");
        ns("mgbk", "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        // the kernel agent forwards what reaches it back to the router, which sends it on to the sink (same path
        // length as through the mga agent). An ip6ip6 tunnel would be the exact reference, but the kernel this was
        // written on has no ip6_tunnel support ("Unknown device type"); plain forwarding is its closest stand-in.
        ns("mgbrt", "ip", "addr", "add", "2001:db8:b::fe/64", "dev", "mgb-rtk", "nodad");
        ns("mgbrt", "ip", "link", "set", "mgb-rtk", "up");
        // the sink: the responder's link; its kernel holds the peer unicast address and counts
        sh(true, "ip", "link", "add", "mgb-sink", "type", "veth", "peer", "name", "mgb-rtsink");
        sh(true, "ip", "link", "set", "mgb-sink", "netns", "mgbsink");
        sh(true, "ip", "link", "set", "mgb-rtsink", "netns", "mgbrt");
        ns("mgbsink", "ip", "addr", "add", PUA + "/64", "dev", "mgb-sink", "nodad");
        ns("mgbsink", "ip", "link", "set", "mgb-sink", "up");
        ns("mgbsink", "ip", "-6", "route", "add", "default", "via", "2001:db8:1::1");
        ns("mgbrt", "ip", "addr", "add", "2001:db8:1::1/64", "dev", "mgb-rtsink", "nodad");
        ns("mgbrt", "ip", "link", "set", "mgb-rtsink", "up");
    }

    /** Sends UDP datagrams to the anycast address for {@code seconds}; returns frames sent. */
    static long blast(byte[] routerMac, double seconds) throws Exception {
        PcapNetworkInterface nif = Pcaps.getDevByName("mgb-gen");
        byte[] ours = nif.getLinkLayerAddresses().get(0).getAddress();
        byte[] ip = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, GEN, AA), List.of(),
                new Udp(40000, 5353, Bytes.of(new byte[64]))));
        byte[] frame = new byte[14 + ip.length];
        System.arraycopy(routerMac, 0, frame, 0, 6);
        System.arraycopy(ours, 0, frame, 6, 6);
        frame[12] = (byte) 0x86;
        frame[13] = (byte) 0xdd;
        System.arraycopy(ip, 0, frame, 14, ip.length);
        if (generator != null) {
            StringBuilder hex = new StringBuilder();
            for (byte b : frame) {
                hex.append(String.format("%02x", b & 0xff));
            }
            return Long.parseLong(sh(true, generator.toString(), "mgb-gen", Double.toString(seconds), hex.toString())
                    .trim());
        }
        long sent = 0;
        try (PcapHandle h = nif.openLive(128, PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS, 10)) {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                h.sendPacket(frame);
                sent++;
            }
        }
        return sent;
    }

    static byte[] mac(String ns, String dev) throws Exception {
        String s = sh(true, "ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/address").trim();
        String[] p = s.split(":");
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(p[i], 16);
        }
        return b;
    }

    /**
     * Runs both measurements and prints a table.
     *
     * @param args optional: seconds per measurement (default 5)
     * @throws Exception if the setup fails (not root, tools missing)
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        compileGenerator();
        setup();
        try {
            byte[] rtMac = mac("mgbrt", "mgb-rtgen");
            // the generator's address is on its link: tell the router where it is
            ns("mgbrt", "ip", "-6", "neigh", "replace", GEN.toString(), "lladdr",
                    sh(true, "cat", "/sys/class/net/mgb-gen/address").trim(), "dev", "mgb-rtgen");
            // XDP_TX on a veth reaches the peer only while the peer runs an XDP program: XDP_PASS on the router's
            // ends of both agents' links, in every measurement, so that the paths stay alike
            Path pass = Files.createTempFile("mga_pass", ".bpf.o");
            io.mga.kernel.KernelDataPlane.writePassProgram(pass);
            for (String d : List.of("mgb-rthaa", "mgb-rtk")) {
                ns("mgbrt", "ip", "link", "set", "dev", d, "xdp", "obj", pass.toString(), "sec", "xdp");
            }
            Files.delete(pass);
            Bytes key = Bytes.fromHex("00112233445566778899aabbccddeeff");
            // 1. through mga: the router reaches the anycast address on the home link, where the mga agent is
            LiveInterface live = agentInterface();
            HomeAnycastAgent haa = agent(live, key);
            live.start(haa);
            registerSink(live, haa, key);
            Run pcap = flood(rtMac, seconds);
            String pcapCounters = live.counters() + " " + haa.counters();
            live.close();
            // 2. the same agent with its kernel data plane (the XDP program on mgb-haa, the maps mirrored), attached
            // natively (veth's driver XDP: the peer's XDP_PASS program takes what it transmits) and generically
            Run xdp = null;
            Run generic = null;
            io.mga.kernel.KernelCounters kc = null;
            for (io.mga.kernel.KernelDataPlane.Mode mode : List.of(io.mga.kernel.KernelDataPlane.Mode.NATIVE,
                    io.mga.kernel.KernelDataPlane.Mode.GENERIC)) {
                LiveInterface live2 = agentInterface();
                HomeAnycastAgent haa2 = agent(live2, key);
                io.mga.kernel.KernelDataPlane dp = io.mga.kernel.KernelDataPlane.load(
                        new io.mga.kernel.KernelDataPlane.Options("mgb-haa", HAA, List.of(new Ipv6Prefix(AA, 128)), 64,
                                1L, false, 60_000_000_000L, null, null, 0));
                try {
                    dp.attach(mode);
                    live2.start(haa2);
                    java.util.concurrent.CountDownLatch mirrored = new java.util.concurrent.CountDownLatch(1);
                    live2.submit(now -> {
                        haa2.bindingTableListener(dp);
                        mirrored.countDown();
                    });
                    mirrored.await(5, TimeUnit.SECONDS);
                    registerSink(live2, haa2, key);
                    // the agent learnt the router's Ethernet address answering the registration: to the program
                    java.util.concurrent.CountDownLatch router = new java.util.concurrent.CountDownLatch(1);
                    for (int i = 0; i < 50 && router.getCount() > 0; i++) {
                        live2.submit(now -> live2.neighborMac(Ipv6Address.parse("2001:db8:a::fe"))
                                .filter(m -> m != null).ifPresent(m -> {
                                    dp.routerMac(m.toBytes());
                                    router.countDown();
                                }));
                        router.await(100, TimeUnit.MILLISECONDS);
                    }
                    if (router.getCount() > 0) {
                        throw new IllegalStateException("the agent did not resolve the router in 5 s");
                    }
                    Run r = flood(rtMac, seconds);
                    if (mode == io.mga.kernel.KernelDataPlane.Mode.NATIVE) {
                        xdp = r;
                        kc = dp.counters();
                    } else {
                        generic = r;
                    }
                } finally {
                    live2.close();
                    dp.close();
                }
            }
            // 3. through the kernel: packets from the generator go to the kernel agent, which forwards them back to
            // the router (policy routing on the incoming interface), which delivers them on the sink's link
            ns("mgbrt", "ip", "-6", "route", "add", AA + "/128", "via", PUA.toString());
            ns("mgbrt", "ip", "-6", "rule", "add", "iif", "mgb-rtgen", "table", "100");
            ns("mgbrt", "ip", "-6", "route", "add", AA + "/128", "via", "2001:db8:b::1", "table", "100");
            Run kernel = flood(rtMac, seconds);
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            StringBuilder t = new StringBuilder();
            t.append(String.format("generator: %s; %.0f s per measurement%n", generator != null
                    ? "sendmmsg, 64 frames per call (flood.c)" : "pcap4j sendPacket", seconds));
            t.append(String.format("%-50s %12s %14s %16s%n", "", "offered pps", "delivered pps", "CPU ns/packet"));
            for (Object[] r : new Object[][] {{"mga HAA through pcap4j (LiveInterface)", pcap},
                    {"mga HAA --data-plane=kernel (XDP, native on veth)", xdp},
                    {"mga HAA --data-plane=kernel (XDP, generic)", generic},
                    {"Linux kernel, same path, forwarding (no tunnel)", kernel}}) {
                Run x = (Run) r[1];
                t.append(String.format("%-50s %12.0f %14.0f %16.0f%n", r[0], x.sent() / x.seconds(), x.pps(),
                        x.cpuPerPacket()));
            }
            t.append(String.format("ratio pcap4j / kernel forwarding: %.2f%n", pcap.pps() / kernel.pps()));
            t.append(String.format("ratio XDP data plane (native) / kernel forwarding: %.2f pps, %.2f CPU%n",
                    xdp.pps() / kernel.pps(), kernel.cpuPerPacket() / xdp.cpuPerPacket()));
            t.append(String.format("ratio XDP data plane (generic) / kernel forwarding: %.2f pps, %.2f CPU%n",
                    generic.pps() / kernel.pps(), kernel.cpuPerPacket() / generic.cpuPerPacket()));
            t.append(String.format("kernel data plane counters (native run): %s%n", kc));
            t.append(String.format("the pcap run's interface and agent counters: %s%n", pcapCounters));
            t.append(String.format("load average at the end (/proc/loadavg): %s; %d CPUs%n", load,
                    Runtime.getRuntime().availableProcessors()));
            System.out.print(t);
            Files.writeString(Path.of("forwarding-rate.txt"), t.toString());
        } finally {
            cleanup();
            if (generator != null) {
                Files.deleteIfExists(generator);
            }
        }
    }

    static LiveInterface agentInterface() {
        return LiveInterface.builder().interfaceName("mgb-haa").own(HAA).ownAnycast(new Ipv6Prefix(AA, 128))
                .defaultRouter(Ipv6Address.parse("2001:db8:a::fe")).build();
    }

    static HomeAnycastAgent agent(LiveInterface live, Bytes key) {
        return HomeAnycastAgent.builder().address(HAA).serve(new Ipv6Prefix(AA, 128)).model(Model.BASIC)
                .policy(Policies.first()).replayProtection(false, 7_000_000_000L)
                // the sink is no responder: it would not answer the liveness probes, and the binding would go
                .liveness(0, 1)
                .responder(new ResponderCredentials("sink@example.net", 1000, key, List.of(new Ipv6Prefix(AA, 128))))
                .io(live).build(System.nanoTime());
    }

    /** Registers the sink's address with the agent, as a responder would (a signed BU built here). */
    static void registerSink(LiveInterface live, HomeAnycastAgent haa, Bytes key) throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        io.mga.wire.MobilityMessage m = io.mga.wire.MobilityMessage.BindingUpdate.of(1, 0xc000, 1000,
                new io.mga.wire.MobilityOption.Authentication(1, 1000, Bytes.zeros(12)));
        io.mga.wire.MobilityMessage signed = io.mga.engine.mobility.MobilitySender.signMnHa(new io.mga.engine.crypto.MnHaAuth(), key.toArray(), PUA, AA, m);
        byte[] bu = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, PUA, HAA),
                List.of(io.mga.wire.ExtensionHeader.DestinationOptions.homeAddress(AA)),
                new io.mga.wire.MobilityHeader(signed)));
        live.submit(now -> {
            haa.receive(bu, 0, bu.length, now);
            done.countDown();
        });
        if (!done.await(5, TimeUnit.SECONDS) || haa.bindings(AA).isEmpty()) {
            throw new IllegalStateException("the agent did not take the sink's registration");
        }
    }
}
