package io.mga.examples;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.AgentConfig;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.Policies;
import io.mga.pcapio.LiveInterface;
import io.mga.sim.SimNode;
import java.util.List;

/**
 * Embedding a Home Anycast Agent. The agent is a plain object: build it with its address, the anycast prefix it
 * serves, the responders allowed to register (RFC 4285 SPI and key each), a model and a selection policy; give
 * it a PacketIo to send through; feed it packets and poll its timers. Here it runs on the simulated network and
 * prints its events as two responders register and one leaves.
 *
 * <p>On a real interface: {@code AnycastAgentExample --interface eth1 --router 2001:db8:a::fe}, with responders
 * configured as in {@link #credentials()}; the agent then owns 2001:db8:a::1 and the anycast address on eth1.
 */
public final class AnycastAgentExample {
    private AnycastAgentExample() {
    }

    static List<ResponderCredentials> credentials() {
        return List.of(Sim.credentials(1), Sim.credentials(2));
    }

    static AgentConfig.Builder agent() {
        AgentConfig.Builder b = HomeAnycastAgent.builder().address(Sim.AGENT).serve(Sim.ANYCAST_LINK)
                .model(Model.ADVANCED).policy(Policies.rendezvous()).maxLifetimeSeconds(300);
        credentials().forEach(b::responder);
        return b;
    }

    /**
     * Runs the example.
     *
     * @param args nothing for the simulation; {@code --interface IF --router ADDR} for a live interface
     * @throws Exception if the interface cannot be opened
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("--interface")) {
            LiveInterface live = LiveInterface.builder().interfaceName(args[1]).own(Sim.AGENT)
                    .ownAnycast(new Ipv6Prefix(Sim.ANYCAST, 128)).defaultRouter(Ipv6Address.parse(args[3])).build();
            HomeAnycastAgent haa = agent().io(live).epochClock(io.mga.api.EpochClock.system()).listener(e -> System.out.println(e)).build(System.nanoTime());
            live.start(haa);
            System.out.println("agent running on " + args[1] + "; Ctrl-C stops");
            Runtime.getRuntime().addShutdownHook(new Thread(live::close));
            Thread.currentThread().join();
            return;
        }
        Sim sim = new Sim();
        SimNode node = sim.topology.homeSite("agent");
        HomeAnycastAgent haa = agent().io(node.io())
                .listener(e -> System.out.println(sim.now() + "  " + e.getClass().getSimpleName() + ": " + e))
                .build(sim.net.now());
        node.attach(haa);
        UdpAnycastServiceExample.Responder r1 = UdpAnycastServiceExample.responder(sim, 1);
        UdpAnycastServiceExample.Responder r2 = UdpAnycastServiceExample.responder(sim, 2);
        sim.net.runFor(Sim.SECOND);
        System.out.println(sim.now() + "  bindings for " + Sim.ANYCAST + ": " + haa.bindings(Sim.ANYCAST).size());
        r2.stop();
        sim.net.runFor(Sim.SECOND);
        System.out.println(sim.now() + "  bindings for " + Sim.ANYCAST + ": " + haa.bindings(Sim.ANYCAST).size());
        r1.stop();
        sim.net.runFor(Sim.SECOND);
    }
}
