package io.mga.cli;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.AgentConfig;
import io.mga.engine.AgentEvent;
import io.mga.engine.AnycastInitiator;
import io.mga.engine.AnycastResponder;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.InitiatorEvent;
import io.mga.engine.Policies;
import io.mga.engine.ResponderEvent;
import io.mga.sim.PlainHost;
import io.mga.sim.SimLink;
import io.mga.sim.SimNetwork;
import io.mga.sim.SimNode;
import io.mga.sim.StandardTopology;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mga demo}: the whole MGA story on the simulated network, in virtual time, in a few seconds of real
 * time. Two initiators (a plain IPv6 host, and a Mobile IPv6 correspondent that accepts route optimisation), a
 * Home Anycast Agent, a Midway Anycast Agent on one initiator's path, three responders of a DNS service (TXT answers) on
 * one anycast address: registration, selection, pinning, route optimisation, a crash and a graceful leave with
 * the hot swap, then a summary. The network is mga-sim's {@link StandardTopology}, with network C (a router, the
 * MAA and the Mobile IPv6 initiator behind it) added for the story and the sites at latencies of their own.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the MGA story on the simulated network (virtual time) and prints a timeline and a summary.")
final class DemoCommand implements Callable<Integer> {
    static final long S = SimNetwork.SECOND;
    static final long MS = SimNetwork.MILLISECOND;
    static final Ipv6Prefix ANYCAST_PREFIX = StandardTopology.ANYCAST_HOME_LINK;
    static final Ipv6Address AA = StandardTopology.ANYCAST;
    static final Ipv6Address HAA = StandardTopology.AGENT;
    static final Ipv6Address MAA = Ipv6Address.parse("2001:db8:c:ff::1");
    static final Ipv6Address AI_PLAIN = Ipv6Address.parse("2001:db8:d::10");
    static final Ipv6Address AI_MIP = Ipv6Address.parse("2001:db8:c:1::10");

    @Option(names = "--seed", description = "seed of the simulation (losses, nonces); default ${DEFAULT-VALUE}")
    long seed = 2026;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "record every packet on every simulated link to this capture; default ${DEFAULT-VALUE}")
    java.nio.file.Path pcap = java.nio.file.Path.of("demo.pcap");

    @Option(names = "--no-pcap", description = "do not record a capture")
    boolean noPcap;

    /** Virtual time 0 is this wall-clock time in the capture (2023-11-14T22:13:20Z). */
    static final long EPOCH_NANOS = 1_700_000_000_000_000_000L;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private SimNetwork net;
    private final List<String[]> failovers = new ArrayList<>();

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        io.mga.pcapio.PcapRecorder recorder = null;
        if (!noPcap) {
            try {
                recorder = io.mga.pcapio.PcapRecorder.create(pcap);
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("mga demo: cannot write " + pcap + ": " + e.getMessage());
                return 1;
            }
        }
        run(recorder);
        if (recorder != null) {
            recorder.close();
            out.println();
            out.println("Recorded " + recorder.records() + " packets (each once per link it crossed) to " + pcap
                    + ": open it in Wireshark, or ./mga decode " + pcap);
        }
        out.flush();
        return 0;
    }

    private void say(String who, String what) {
        out.printf("  %8.3f s  %-9s %s%n", net.now() / 1e9, who, what);
    }

    private static String name(Ipv6Address pua) {
        return "ar" + pua.group(2);
    }

    private HomeAnycastAgent agent(SimNode n, Ipv6Address address, String label) {
        AgentConfig.Builder b = HomeAnycastAgent.builder().address(address).serve(ANYCAST_PREFIX)
                .model(Model.ADVANCED).policy(Policies.rendezvous()).maxLifetimeSeconds(300).io(n.io())
                .listener(e -> event(label, e));
        for (int i = 1; i <= 3; i++) {
            b.responder(new ResponderCredentials("ar" + i + "@example.net", 1000 + i, key(i), List.of(ANYCAST_PREFIX)));
        }
        HomeAnycastAgent a = b.build(net.now());
        n.attach(a);
        return a;
    }

    private void event(String label, AgentEvent e) {
        if (e instanceof AgentEvent.Registered r) {
            say(label, "registered " + who(r.binding()));
        } else if (e instanceof AgentEvent.Deregistered r) {
            say(label, "deregistered " + who(r.binding()));
        } else if (e instanceof AgentEvent.Expired r) {
            say(label, "binding expired (soft state) " + who(r.binding()));
        } else if (e instanceof AgentEvent.Unreachable r) {
            say(label, "tunnel endpoint unreachable, binding dropped " + who(r.binding()));
        } else if (e instanceof AgentEvent.Rejected r) {
            say(label, "refused a Binding Update from " + r.from() + ": " + r.reason());
        }
    }

    private static String who(AnycastBinding b) {
        return b.responder() + " (bid " + b.bindingId() + ") at " + b.careOf();
    }

    private static Bytes key(int i) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) (0x40 + i));
        return Bytes.of(k);
    }

    private void run(io.mga.pcapio.PcapRecorder recorder) {
        StandardTopology world = new StandardTopology(seed);
        net = world.network();
        if (recorder != null) {
            world.tap((t, link, from, packet, dropped) -> {
                if (!dropped) {
                    recorder.record(EPOCH_NANOS + t, packet, 0, packet.length);
                }
            });
        }
        out.println("MGA demo: one anycast address, " + AA + " (a DNS service on UDP port 53), three responders,");
        out.println("a Home Anycast Agent on the anycast home link, a Midway Anycast Agent in network C, two initiators.");
        out.println("Everything runs on mga's simulated network in virtual time (links of 5-20 ms).");
        out.println();
        HomeAnycastAgent haa = agent(world.homeSite("haa"), HAA, "[HAA]");
        // network C: its router keeps a route for the anycast prefix to the MAA on its path
        SimNode rc = world.router("router-c", Ipv6Prefix.parse("2001:db8:c::/48"), 20 * MS)
                .icmpErrorsFrom(Ipv6Address.parse("2001:db8:c::1"));
        SimNode maaNode = world.site("maa", new Ipv6Prefix(MAA, 128), 2 * MS, rc).own(MAA).own(ANYCAST_PREFIX);
        rc.route(ANYCAST_PREFIX, world.link("maa"));
        HomeAnycastAgent maa = agent(maaNode, MAA, "[MAA]");
        SimNode mipNode = world.site("ai-mip", new Ipv6Prefix(AI_MIP, 64), 2 * MS, rc);
        AnycastInitiator mip = AnycastInitiator.builder().address(AI_MIP).io(mipNode.io())
                .random(new java.util.Random(seed)).listener(e -> say("[AI-mip]", e instanceof InitiatorEvent.Unbound u
                        ? "binding for " + u.home() + " dropped: " + u.cause().text()
                        : e instanceof InitiatorEvent.Bound b ? "route optimised: " + b.home()
                                + " is now reached directly at " + b.careOf() + " (" + name(b.careOf()) + ")" : ""))
                .build(net.now());
        mipNode.own(AI_MIP).attach(mip);
        SimNode plainNode = world.initiatorSite("ai-plain", AI_PLAIN, 15 * MS);
        PlainHost plain = new PlainHost(AI_PLAIN, plainNode.io());
        plainNode.attach(plain);
        AnycastResponder[] ars = new AnycastResponder[3];
        SimNode[] arNodes = new SimNode[3];
        for (int i = 1; i <= 3; i++) {
            SimNode n = world.responderSite(i, (5 + 5 * i) * MS);
            Ipv6Address pua = StandardTopology.responderAddress(i);
            String label = "[ar" + i + "]";
            int id = i;
            ars[i - 1] = AnycastResponder.builder().anycast(AA).careOf(pua).agent(HAA).agent(MAA)
                    .credentials("ar" + i + "@example.net", 1000 + i, key(i)).bindingId(i).lifetimeSeconds(60)
                    .seed(seed + i).io(n.io())
                    .udpService(53, (from, port, q) -> {
                        byte[] query = q.toArray();
                        String asked = DemoDns.question(query).map(x -> x.name().split("\\.")[0]).orElse("?");
                        return DemoDns.answer(query, "answer from ar" + id + " to " + asked, AA);
                    })
                    .listener(e -> {
                        if (e instanceof ResponderEvent.StateChanged c && c.state() == AnycastResponder.State.FAILED) {
                            say(label, "registration with " + c.agent() + " refused, status " + c.status());
                        }
                    })
                    .build(net.now());
            n.attach(ars[i - 1]);
            arNodes[i - 1] = n;
        }

        out.println("1. Registration: each responder sends an authenticated Binding Update (RFC 4285 MN-HA, replay");
        out.println("   protection, RFC 5648 Binding ID) to both agents; the agents build their anycast binding caches.");
        for (int i = 0; i < 3; i++) {
            ars[i].start(net.now());
            arNodes[i].poke();
        }
        net.runFor(S);
        out.println();
        out.println("2. Selection and pinning: the plain host (no Mobile IPv6 at all) asks three times. Its packets reach");
        out.println("   the HAA, which picks a responder by rendezvous hashing and pins the session (MGA paper, section 4.5).");
        String plainAr = null;
        for (int q = 1; q <= 3; q++) {
            plainAr = askPlain(plain, "plain-q" + q);
        }
        out.println();
        out.println("3. Route optimisation: the Mobile IPv6 initiator in network C asks. The MAA on its path serves it;");
        out.println("   the responder runs return routability (HoTI via the agent, CoTI direct), sends a Binding Update,");
        out.println("   and later answers go directly, with a Home Address option; requests carry a type 2 routing header.");
        String mipAr = askMip(mip, "mip-q1");
        net.runFor(S);
        long viaMaa = maa.counters().forwarded();
        askMip(mip, "mip-q2");
        say("", "the MAA forwarded " + (maa.counters().forwarded() - viaMaa) + " packet(s) for that last query");
        out.println();
        int crashed = Integer.parseInt(mipAr.substring(2)) - 1;
        out.println("4. Crash: " + mipAr + " dies without a word. The router answers the initiator's next direct packet with");
        out.println("   ICMPv6 Destination Unreachable; the initiator drops its binding and goes back through the agent.");
        arNodes[crashed].crash();
        long t0 = net.now();
        String after = null;
        for (int q = 1; q <= 10 && (after == null || after.equals(mipAr)); q++) {
            after = askMip(mip, "mip-retry" + q);
        }
        failovers.add(new String[] {"crash of " + mipAr + " (route-optimised initiator, 1 query/s)",
            String.format("%.0f ms", (net.now() - t0) / 1e6)});
        out.println();
        out.println("5. Graceful leave: the responder now serving the plain host shuts down. It tells route-optimised");
        out.println("   initiators it \"returned home\" (a Binding Update with lifetime 0) and deregisters from both");
        out.println("   agents. The HAA has not heard of the crash in step 4 (only the MAA tried the dead responder), so");
        out.println("   it may try it once; the router's Destination Unreachable then tells the HAA (RFC 2473 section 8).");
        String plainNow = askPlain(plain, "plain-q4");
        int leaving = Integer.parseInt(plainNow.substring(2)) - 1;
        t0 = net.now();
        ars[leaving].stop(net.now());
        arNodes[leaving].poke();
        net.runFor(100 * MS);
        String plainAfter = null;
        for (int q = 5; q <= 15 && plainAfter == null; q++) {
            plainAfter = askPlain(plain, "plain-q" + q);
        }
        failovers.add(new String[] {"graceful leave of " + plainNow + " (plain initiator, 1 query/s)",
            String.format("%.0f ms", (net.now() - t0) / 1e6)});
        out.println();
        out.println("6. Soft state: two minutes pass; the survivor refreshes before its 60 s lifetime ends, and the");
        out.println("   agents keep exactly the live bindings.");
        net.runFor(120 * S);
        askPlain(plain, "plain-last");
        askMip(mip, "mip-last");
        out.println();
        out.println("Summary");
        out.printf("  %-6s %-18s %-12s %-10s %-10s%n", "", "peer unicast addr", "state", "served", "bindings");
        for (int i = 0; i < 3; i++) {
            AnycastResponder r = ars[i];
            String state = arNodes[i].isCrashed() ? "crashed" : r.state(HAA).name().toLowerCase();
            int b = 0;
            for (AnycastBinding x : haa.bindings(AA)) {
                b += x.careOf().equals(r.careOf()) ? 1 : 0;
            }
            for (AnycastBinding x : maa.bindings(AA)) {
                b += x.careOf().equals(r.careOf()) ? 1 : 0;
            }
            out.printf("  %-6s %-18s %-12s %-10d %d of 2%n", "ar" + (i + 1), r.careOf(), state, r.served(), b);
        }
        out.println();
        out.printf("  %-8s forwarded %d, reverse-tunnelled %d, BUs refused %d%n", "HAA", haa.counters().forwarded(),
                haa.counters().reverseForwarded(), haa.counters().rejected());
        out.printf("  %-8s forwarded %d, reverse-tunnelled %d, BUs refused %d%n", "MAA", maa.counters().forwarded(),
                maa.counters().reverseForwarded(), maa.counters().rejected());
        out.println();
        out.println("  failover                                             time to the next answer (virtual)");
        for (String[] f : failovers) {
            out.printf("  %-52s %s%n", f[0], f[1]);
        }
        out.printf("  %-52s %s%n", "round-robin DNS with a 300 s TTL (for comparison)", "up to 300000 ms");
        out.println();
        out.println("  plain initiator answered by: " + plainAr + " (pinned), then " + plainAfter + " after " + plainNow
                + " left");
        out.println("  route-optimised initiator answered by: " + mipAr + ", then " + after + " after " + mipAr
                + " crashed");
        out.printf("  virtual time simulated: %.1f s%n", net.now() / 1e9);
    }

    /** A query waiting for its answer. */
    private record Pending(String query, long sentAt, String who) {
    }

    private final java.util.Map<Integer, Pending> pending = new java.util.HashMap<>();
    private final java.util.Map<Integer, String> answeredBy = new java.util.HashMap<>();
    private int nextId = 0x4d47;
    private int plainSeen;
    private int mipSeen;
    private PlainHost plainHost;
    private AnycastInitiator mipHost;

    /** One DNS query (TXT) from the plain host; returns the name of the responder that answered it, or null. */
    private String askPlain(PlainHost h, String q) {
        plainHost = h;
        int id = nextId++;
        pending.put(id, new Pending(q, net.now(), "[AI-plain]"));
        h.sendUdp(AA, 40000, 53, DemoDns.query(id, q + ".demo.example", DemoDns.TYPE_TXT));
        return await(id);
    }

    /** The same from the Mobile IPv6 initiator. */
    private String askMip(AnycastInitiator ai, String q) {
        mipHost = ai;
        int id = nextId++;
        pending.put(id, new Pending(q, net.now(), "[AI-mip]"));
        ai.sendUdp(AA, 40000, 53, DemoDns.query(id, q + ".demo.example", DemoDns.TYPE_TXT), net.now());
        return await(id);
    }

    /**
     * Runs the network for one second in 1 ms steps, printing each answer at the moment it arrived (this query's,
     * or a late one to an earlier query, matched by the DNS ID), then "no answer" if this query has none yet.
     */
    private String await(int id) {
        long asked = net.now();
        for (int step = 0; step < 1000; step++) {
            net.runFor(MS);
            collect();
        }
        if (!answeredBy.containsKey(id)) {
            sayAt(asked + S, pending.get(id).who(), pending.get(id).query() + " -> no answer within 1 s");
        }
        return answeredBy.get(id);
    }

    /** Prints what arrived at the initiators since the last look. */
    private void collect() {
        if (plainHost != null) {
            List<PlainHost.Received> got = plainHost.udp();
            for (; plainSeen < got.size(); plainSeen++) {
                PlainHost.Received r = got.get(plainSeen);
                byte[] payload = ((io.mga.wire.Udp) r.packet().upper()).payload().toArray();
                answered(payload, r.timeNanos(), "(source " + r.source() + ")");
            }
        }
        if (mipHost != null) {
            List<AnycastInitiator.Datagram> got = mipHost.received();
            for (; mipSeen < got.size(); mipSeen++) {
                AnycastInitiator.Datagram d = got.get(mipSeen);
                answered(d.payload().toArray(), d.timeNanos(), "(source " + d.from()
                        + (d.careOf().equals(d.from()) ? ", via the agent)" : ", directly from " + d.careOf() + ")"));
            }
        }
    }

    private void answered(byte[] payload, long at, String how) {
        java.util.Optional<DemoDns.Answer> a = DemoDns.read(payload);
        Pending p = a.map(x -> pending.get(x.id())).orElse(null);
        if (p == null) {
            sayAt(at, "", "an answer that matches no query");
            return;
        }
        int id = a.get().id();
        if (answeredBy.containsKey(id)) {
            sayAt(at, p.who(), p.query() + " answered again");
            return;
        }
        String text = a.get().text();
        answeredBy.put(id, text.length() >= 15 ? text.substring(12, 15) : text);
        long latency = at - p.sentAt();
        sayAt(at, p.who(), p.query() + " -> \"" + text + "\" " + how + String.format(" %.0f ms after it was asked%s",
                latency / 1e6, latency > S ? " (late)" : ""));
    }

    private void sayAt(long t, String who, String what) {
        out.printf("  %8.3f s  %-9s %s%n", t / 1e9, who, what);
    }
}
