package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.sim.PlainHost;
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
        int n = 0;
        for (int i = 0; i < 30; i++) { // warm up: registration, pinning, route optimisation
            c.query(w, n++);
            w.net.runFor(PROBE);
        }
        assertThat(c.lastAnswer()).isEqualTo(gone);
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
        World w = new World(11);
        w.routeOptimisation = ro;
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
        World w = world(false, false);
        AnycastResponder[] r = two(w, 60);
        Client c = plain(w);
        long t = measure(w, c, "ar1", () -> w.node(r[0]).crash(), 120 * S);
        RESULTS.put("crash, no ICMPv6 errors at all: soft-state expiry (lifetime 60 s)", t);
        assertThat(t).isBetween(1 * S, 61 * S);
    }

    @AfterAll
    static void report() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("| trigger | failover (virtual time) |");
        lines.add("|---|---|");
        RESULTS.forEach((k, v) -> lines.add("| " + k + " | " + String.format("%.1f ms", v / 1e6) + " |"));
        lines.add("| round-robin DNS, 300 s TTL (not measured: what caching allows) | up to 300 000 ms |");
        Path out = Path.of("target", "failover-report.md");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
    }
}
