package io.mga.examples;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.engine.sim.SimNode;

/**
 * Failover, step by step: two responders serve the anycast address; the client asks; the responder serving it
 * crashes without a word; the client's next direct packet draws an ICMPv6 Destination Unreachable from the
 * router, its binding is dropped (seed 001's hot swap), the agent learns the same way when it next tunnels, and
 * the other responder answers.
 */
public final class FailoverWalkthrough {
    private FailoverWalkthrough() {
    }

    /**
     * Runs the walk-through on the simulated network.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        Sim sim = new Sim();
        SimNode node = sim.site("agent", Ipv6Prefix.parse("2001:db8:a::/48"), Sim.AGENT).own(Sim.ANYCAST_LINK);
        node.attach(AnycastAgentExample.agent().io(node.io())
                .listener(e -> System.out.println(sim.now() + "  agent: " + e.getClass().getSimpleName()))
                .build(sim.net.now()));
        UdpAnycastServiceExample.responder(sim, 1);
        UdpAnycastServiceExample.responder(sim, 2);
        AnycastClientExample.Client c = AnycastClientExample.client(sim, Ipv6Address.parse("2001:db8:c::10"));
        sim.net.runFor(Sim.SECOND);
        String first = c.ask("before");
        System.out.println(sim.now() + "  " + first);
        System.out.println(sim.now() + "  " + c.ask("before, again"));
        String serving = first.substring(0, 3);
        System.out.println(sim.now() + "  " + serving + " crashes");
        sim.net.nodes().stream().filter(n -> n.name().equals(serving)).findFirst().orElseThrow().crash();
        for (int i = 1; i <= 5; i++) {
            String a = c.ask("after " + i);
            System.out.println(sim.now() + "  attempt " + i + ": " + (a == null ? "no answer" : a));
            if (a != null && !a.startsWith(serving)) {
                System.out.println(sim.now() + "  failed over to the other responder");
                return;
            }
        }
        System.out.println("no failover?");
    }
}
