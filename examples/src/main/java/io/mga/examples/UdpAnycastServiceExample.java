package io.mga.examples;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.engine.AnycastResponder;
import io.mga.engine.ResponderConfig;
import io.mga.pcapio.LiveInterface;
import io.mga.sim.SimNode;
import io.mga.sim.StandardTopology;
import java.nio.charset.StandardCharsets;

/**
 * A responder serving a UDP service on an anycast address: it registers its own (peer unicast) address with the
 * agent, receives what the agent tunnels to it, answers each datagram through the reverse tunnel with the
 * anycast address as source, and answers ping too. The service is one lambda: bytes in, bytes out.
 *
 * <p>On a real interface: {@code UdpAnycastServiceExample --interface eth2 --router 2001:db8:1::1 --index 1}: the
 * responder owns 2001:db8:1::100 and registers with 2001:db8:a::1.
 */
public final class UdpAnycastServiceExample {
    private UdpAnycastServiceExample() {
    }

    /** A running responder and a way to stop it on its own thread. */
    record Responder(AnycastResponder role, Runnable stopper) {
        void stop() {
            stopper.run();
        }
    }

    static ResponderConfig.Builder responder(int i) {
        return AnycastResponder.builder().anycast(Sim.ANYCAST).careOf(StandardTopology.responderAddress(i))
                .agent(Sim.AGENT)
                .credentials("ar" + i + "@example.net", 1000 + i, Sim.key(i)).bindingId(i).lifetimeSeconds(60)
                // the service: upper-case what it is sent, and say who answered
                .udpService(7777, (from, port, data) -> Bytes.of(("ar" + i + " says "
                        + new String(data.toArray(), StandardCharsets.UTF_8).toUpperCase())
                        .getBytes(StandardCharsets.UTF_8)));
    }

    static Responder responder(Sim sim, int i) {
        SimNode n = sim.topology.responderSite(i);
        AnycastResponder r = responder(i).seed(i).io(n.io()).build(sim.net.now());
        n.attach(r);
        r.start(sim.net.now());
        n.poke();
        return new Responder(r, () -> {
            r.stop(sim.net.now());
            n.poke();
        });
    }

    /**
     * Runs the example.
     *
     * @param args nothing for the simulation; {@code --interface IF --router ADDR --index N} for a live interface
     * @throws Exception if the interface cannot be opened
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 6 && args[0].equals("--interface")) {
            int i = Integer.parseInt(args[5]);
            LiveInterface live = LiveInterface.builder().interfaceName(args[1])
                    .own(StandardTopology.responderAddress(i)).defaultRouter(Ipv6Address.parse(args[3])).build();
            AnycastResponder r = responder(i).io(live).epochClock(io.mga.api.EpochClock.system()).build(System.nanoTime());
            live.start(r);
            live.submit(r::start);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                live.submit(r::stop);
                live.close();
            }));
            System.out.println("responder running on " + args[1] + "; Ctrl-C deregisters and stops");
            Thread.currentThread().join();
            return;
        }
        Sim sim = new Sim();
        SimNode node = sim.topology.homeSite("agent");
        node.attach(AnycastAgentExample.agent().io(node.io()).build(sim.net.now()));
        Responder r = responder(sim, 1);
        AnycastClientExample.Client c = AnycastClientExample.client(sim, Ipv6Address.parse("2001:db8:c::10"));
        sim.net.runFor(Sim.SECOND);
        System.out.println(sim.now() + "  responder state: " + r.role().state(Sim.AGENT));
        System.out.println(sim.now() + "  answer: " + c.ask("hello anycast"));
    }
}
