package io.mga.examples;

import io.mga.api.Ipv6Address;
import io.mga.sim.SimNode;

/**
 * Failover, step by step: two responders serve the anycast address; the client asks; the responder serving it
 * crashes without a word; the client's next direct packet draws an ICMPv6 Destination Unreachable from the
 * router, its binding is dropped (the Pseudo MIPv6 paper's hot swap), the agent learns the same way when it next
  * tunnels, and
 * the other responder answers.
 *
 * <p>On real interfaces this program is the client side: run an agent and two responders ({@code mga haa},
 * {@code mga responder}, or the other examples), then {@code FailoverWalkthrough --interface IF --address ADDR
 * --router ADDR}; it asks once a second for a minute and prints who answers, while you stop or kill a responder.
 */
public final class FailoverWalkthrough {
    private FailoverWalkthrough() {
    }

    /**
     * Runs the walk-through.
     *
     * @param args nothing for the simulation; {@code --interface IF --address ADDR --router ADDR} for the live
     *     client side
     * @throws Exception if the interface cannot be opened
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 6 && args[0].equals("--interface")) {
            live(args[1], io.mga.api.Ipv6Address.parse(args[3]), io.mga.api.Ipv6Address.parse(args[5]));
            return;
        }
        Sim sim = new Sim();
        SimNode node = sim.topology.homeSite("agent");
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
        sim.topology.node(serving).crash();
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

    private static void live(String iface, Ipv6Address me, Ipv6Address router) throws Exception {
        io.mga.pcapio.LiveInterface link = io.mga.pcapio.LiveInterface.builder().interfaceName(iface).own(me)
                .defaultRouter(router).build();
        io.mga.engine.AnycastInitiator ai = io.mga.engine.AnycastInitiator.builder().address(me).io(link)
                .listener(e -> System.out.println(e instanceof io.mga.engine.InitiatorEvent.Unbound u
                        ? "binding dropped: " + u.cause().text() : e instanceof io.mga.engine.InitiatorEvent.Bound b
                                ? "route optimised to " + b.careOf() : e.toString()))
                .build(System.nanoTime());
        link.start(ai);
        int[] seen = {0};
        for (int i = 1; i <= 60; i++) {
            int n = i;
            link.submit(now -> {
                java.util.List<io.mga.engine.AnycastInitiator.Datagram> r = ai.received();
                for (; seen[0] < r.size(); seen[0]++) {
                    System.out.println("answer: " + new String(r.get(seen[0]).payload().toArray(),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
                ai.sendUdp(Sim.ANYCAST, 40000, 7777, io.mga.api.Bytes.of(("ask " + n)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)), now);
            });
            Thread.sleep(1000);
        }
        link.close();
    }
}
