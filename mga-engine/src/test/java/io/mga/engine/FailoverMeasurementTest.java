package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.sim.PlainHost;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.PacketDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Failover time after a responder leaves, per trigger, measured in virtual time: a client queries the anycast
 * service every 100 ms; the figure is the time from the departure to the first answer from another responder.
 * The report goes to {@code target/failover-report.md}; the bounds asserted here keep the figures honest.
 */
class FailoverMeasurementTest {
    static final long PROBE = 100 * MS;
    static final Map<String, Long> RESULTS = new LinkedHashMap<>();
    static final List<String> LIVENESS = new ArrayList<>();

    interface Client {
        void query(World w, int n);

        /** @return the responder ("ar1", "ar2") of the latest answer, or null */
        String lastAnswer();
    }

    static Client plain(World w) {
        PlainHost h = w.initiator("ai", Ipv6Address.parse("2001:db8:c::10"));
        return new Client() {
            public void query(World world, int n) {
                h.sendUdp(AA, 40000, 53, Bytes.of(("p" + n).getBytes(StandardCharsets.UTF_8)));
            }

            public String lastAnswer() {
                List<PlainHost.Received> u = h.udp();
                return u.isEmpty() ? null : new String(((io.mga.wire.Udp) u.get(u.size() - 1).packet().upper())
                        .payload().toArray(), StandardCharsets.UTF_8).substring(0, 3);
            }
        };
    }

    static Client mip(World w) {
        AnycastInitiator ai = w.mipInitiator("ai", Ipv6Address.parse("2001:db8:c::10"));
        return new Client() {
            public void query(World world, int n) {
                ai.sendUdp(AA, 40000, 53, Bytes.of(("m" + n).getBytes(StandardCharsets.UTF_8)), world.net.now());
            }

            public String lastAnswer() {
                List<AnycastInitiator.Datagram> r = ai.received();
                return r.isEmpty() ? null : new String(r.get(r.size() - 1).payload().toArray(),
                        StandardCharsets.UTF_8).substring(0, 3);
            }
        };
    }

    /** Runs the probe loop from a departure until another responder answers; returns nanoseconds. */
    static long measure(World w, Client c, String gone, Runnable depart, long limit) {
        return measure(w, c, gone, depart, limit, 0);
    }

    /** {@link #measure(World, Client, String, Runnable, long)}, the departure {@code delay} after the warm-up. */
    static long measure(World w, Client c, String gone, Runnable depart, long limit, long delay) {
        int n = 0;
        for (int i = 0; i < 30; i++) { // warm up: registration, pinning, route optimisation
            c.query(w, n++);
            w.net.runFor(PROBE);
        }
        assertThat(c.lastAnswer()).isEqualTo(gone);
        w.net.runFor(delay);
        long t0 = w.net.now();
        depart.run();
        while (w.net.now() - t0 < limit) {
            c.query(w, n++);
            w.net.runFor(PROBE);
            String a = c.lastAnswer();
            if (a != null && !a.equals(gone)) {
                return w.net.now() - t0;
            }
        }
        throw new AssertionError("no failover within " + limit / S + " s");
    }

    static World world(boolean ro, boolean icmp) {
        return world(ro, icmp, true);
    }

    static World world(boolean ro, boolean icmp, boolean liveness) {
        World w = new World(11);
        w.routeOptimisation = ro;
        if (!liveness) {
            w.livenessInterval = 0L;
        }
        if (!icmp) {
            w.core.icmpErrorsFrom(null);
        }
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1), World.cred(2));
        return w;
    }

    static AnycastResponder[] two(World w, int lifetime) {
        AnycastResponder a = w.responder(1, 1, lifetime);
        AnycastResponder b = w.responder(2, 2, lifetime);
        w.start(a);
        w.start(b);
        w.net.runFor(S);
        return new AnycastResponder[] {a, b};
    }

    @Test
    void returnedHomeBindingUpdate() {
        World w = world(true, true);
        AnycastResponder[] r = two(w, 60);
        Client c = mip(w);
        long t = measure(w, c, "ar1", () -> w.stop(r[0]), 10 * S);
        RESULTS.put("graceful leave, route-optimised initiator (returned-home BU + deregistration)", t);
        assertThat(t).isLessThanOrEqualTo(200 * MS);
    }

    @Test
    void gracefulLeaveThroughTheAgent() {
        World w = world(false, true);
        AnycastResponder[] r = two(w, 60);
        Client c = plain(w);
        long t = measure(w, c, "ar1", () -> w.stop(r[0]), 10 * S);
        RESULTS.put("graceful leave, plain initiator (deregistration at the agent)", t);
        assertThat(t).isLessThanOrEqualTo(200 * MS);
    }

    @Test
    void crashSignalledByDestinationUnreachable() {
        World w = world(true, true);
        AnycastResponder[] r = two(w, 60);
        Client c = mip(w);
        long t = measure(w, c, "ar1", () -> w.node(r[0]).crash(), 10 * S);
        RESULTS.put("crash, route-optimised initiator (Destination Unreachable to initiator and agent)", t);
        assertThat(t).isLessThanOrEqualTo(S);
    }

    @Test
    void crashPlainInitiatorAgentLearnsFromTheTunnelError() {
        World w = world(false, true);
        AnycastResponder[] r = two(w, 60);
        Client c = plain(w);
        long t = measure(w, c, "ar1", () -> w.node(r[0]).crash(), 10 * S);
        RESULTS.put("crash, plain initiator (Destination Unreachable to the agent, RFC 2473 §8)", t);
        assertThat(t).isLessThanOrEqualTo(S);
    }

    @Test
    void crashWithSoftStateOnly() {
        World w = world(false, false, false);
        AnycastResponder[] r = two(w, 60);
        Client c = plain(w);
        long t = measure(w, c, "ar1", () -> w.node(r[0]).crash(), 120 * S);
        RESULTS.put("crash, no ICMPv6 errors at all, liveness probes off: soft-state expiry (lifetime 60 s)", t);
        assertThat(t).isBetween(1 * S, 61 * S);
    }

    /**
     * Fast failure detection (issue 15): no ICMPv6 error reaches anyone, yet the agent's liveness probes (a Binding
     * Refresh Request every 500 ms to each binding with traffic, 500 ms for an authenticated BU to answer) take
     * the crashed responder out of the choice; the goal is at most 1.5 s from the crash to an answer from the
     * other responder. Ten crashes at different phases of the probe round.
     */
    @Test
    void crashWithoutIcmpErrorsLivenessProbes() {
        List<Long> runs = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            World w = world(false, false);
            AnycastResponder[] r = two(w, 60);
            Client c = plain(w);
            // the crash at a different phase of the 500 ms probe round each time (queries go every 100 ms)
            runs.add(measure(w, c, "ar1", () -> w.node(r[0]).crash(), 10 * S, k * 47 * MS));
        }
        runs.sort(null);
        RESULTS.put("crash, no ICMPv6 errors at all, liveness probes (median of 10 runs)",
                runs.get(runs.size() / 2));
        LIVENESS.add(String.format("crash to first answer from the other responder, 10 runs: min %.0f ms, median %.0f"
                + " ms, max %.0f ms", runs.get(0) / 1e6, runs.get(5) / 1e6, runs.get(9) / 1e6));
        assertThat(runs.get(9)).as("worst of 10").isLessThanOrEqualTo(1500 * MS);
        assertThat(runs.get(0)).as("best of 10: not before a probe could time out").isGreaterThanOrEqualTo(500 * MS);
    }

    /**
     * What the liveness probes cost, counted on the links: per binding and second, the agent's BRRs and BAs and the
     * responder's BUs, for a binding without traffic and one whose initiator sends a query every 100 ms.
     */
    @Test
    void livenessCostPerBinding() {
        World w = world(false, true);
        two(w, 1800);
        long[] counts = new long[4]; // BRR from the agent, BU from ar1, BA from the agent to ar1; their octets
        w.topology.tap((t, link, from, packet, dropped) -> {
            if (from == null || packet.length < 48 || (packet[6] & 0xff) != 135 && (packet[6] & 0xff) != 43
                    && (packet[6] & 0xff) != 60) {
                return;
            }
            try {
                Ipv6Packet p = PacketDecoder.decode(packet);
                if (!(p.upper() instanceof MobilityHeader mh)) {
                    return;
                }
                boolean agent = from.name().equals("haa") && p.header().destination().equals(World.pua(1));
                boolean ar1 = from.name().equals("ar1");
                int before = (int) (counts[0] + counts[1] + counts[2]);
                if (agent && mh.message() instanceof MobilityMessage.BindingRefreshRequest) {
                    counts[0]++;
                } else if (ar1 && mh.message() instanceof MobilityMessage.BindingUpdate) {
                    counts[1]++;
                } else if (agent && mh.message() instanceof MobilityMessage.BindingAcknowledgement) {
                    counts[2]++;
                }
                if (counts[0] + counts[1] + counts[2] != before) {
                    counts[3] += packet.length;
                }
            } catch (io.mga.wire.MalformedPacketException e) {
                throw new AssertionError(e);
            }
        });
        w.net.runFor(10 * S); // idle: nothing for 10 s (lifetime 1800 s: no refresh due)
        long idle = counts[0] + counts[1] + counts[2];
        java.util.Arrays.fill(counts, 0);
        Client c = plain(w);
        for (int i = 0; i < 100; i++) { // loaded: a query every 100 ms for 10 s, all to ar1 (policy: first)
            c.query(w, i);
            w.net.runFor(PROBE);
        }
        assertThat(c.lastAnswer()).isEqualTo("ar1");
        LIVENESS.add(String.format("idle binding, 10 s: %d packets (%.1f per second)", idle, idle / 10.0));
        LIVENESS.add(String.format("binding with a query every 100 ms, 10 s: %d BRR, %d BU, %d BA (%.1f packets, %d"
                + " IPv6 octets per second)", counts[0], counts[1], counts[2], (counts[0] + counts[1] + counts[2])
                / 10.0, counts[3] / 10));
        assertThat(idle).as("an idle binding is never probed").isZero();
        assertThat(counts[0]).as("one BRR per 500 ms round").isBetween(18L, 21L);
        assertThat(counts[1]).as("each answered by one BU").isBetween(counts[0] - 1, counts[0] + 1);
        assertThat(counts[2]).as("and its BA").isBetween(counts[1] - 1, counts[1] + 1);
    }

    @AfterAll
    static void report() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("| trigger | failover (virtual time) |");
        lines.add("|---|---|");
        RESULTS.forEach((k, v) -> lines.add("| " + k + " | " + String.format("%.1f ms", v / 1e6) + " |"));
        lines.add("| round-robin DNS, 300 s TTL (not measured: what caching allows) | up to 300 000 ms |");
        lines.add("");
        lines.add("Liveness probes (500 ms rounds, 500 ms probe timeout):");
        lines.add("");
        LIVENESS.forEach(l -> lines.add("- " + l));
        Path out = Path.of("target", "failover-report.md");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
    }
}
