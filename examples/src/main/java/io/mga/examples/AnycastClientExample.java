package io.mga.examples;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.engine.AnycastInitiator;
import io.mga.sim.SimNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An initiator client: it sends datagrams to the anycast address and reads the answers. Being a Mobile IPv6
 * correspondent, it also lets the responder route-optimise: after the first answer, later ones come straight
 * from the responder (an ordinary IPv6 host would simply keep going through the agent). Uses the service of
 * {@link UdpAnycastServiceExample} on port 7777.
 *
 * <p>On a real interface: {@code AnycastClientExample --interface eth3 --address 2001:db8:c::10 --router
 * 2001:db8:c::1}: three queries, one a second, and their answers.
 */
public final class AnycastClientExample {
    private AnycastClientExample() {
    }

    /** A client on the simulated network. */
    record Client(Sim sim, AnycastInitiator initiator) {
        /** Sends one datagram, runs a second of virtual time, returns the answer (or null). */
        String ask(String text) {
            int before = initiator.received().size();
            initiator.sendUdp(Sim.ANYCAST, 40000, 7777, Bytes.of(text.getBytes(StandardCharsets.UTF_8)),
                    sim.net.now());
            sim.net.runFor(Sim.SECOND);
            List<AnycastInitiator.Datagram> r = initiator.received();
            if (r.size() == before) {
                return null;
            }
            AnycastInitiator.Datagram d = r.get(r.size() - 1);
            return new String(d.payload().toArray(), StandardCharsets.UTF_8) + " (from " + d.from()
                    + (d.careOf().equals(d.from()) ? ", through the agent)" : ", directly from " + d.careOf() + ")");
        }
    }

    static Client client(Sim sim, Ipv6Address address) {
        SimNode n = sim.topology.initiatorSite("client", address);
        AnycastInitiator ai = AnycastInitiator.builder().address(address).io(n.io())
                .random(new java.util.Random(7)).build(sim.net.now());
        n.attach(ai);
        return new Client(sim, ai);
    }

    /**
     * Runs the example.
     *
     * @param args nothing for the simulation; {@code --interface IF --address ADDR --router ADDR} for a live one
     * @throws Exception if the interface cannot be opened
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 6 && args[0].equals("--interface")) {
            Ipv6Address me = Ipv6Address.parse(args[3]);
            io.mga.pcapio.LiveInterface live = io.mga.pcapio.LiveInterface.builder().interfaceName(args[1]).own(me)
                    .defaultRouter(Ipv6Address.parse(args[5])).build();
            AnycastInitiator ai = AnycastInitiator.builder().address(me).io(live).build(System.nanoTime());
            live.start(ai);
            for (int i = 1; i <= 3; i++) {
                int n = i;
                live.submit(now -> ai.sendUdp(Sim.ANYCAST, 40000, 7777,
                        Bytes.of(("query " + n).getBytes(StandardCharsets.UTF_8)), now));
                Thread.sleep(1000);
            }
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            live.submit(now -> {
                for (AnycastInitiator.Datagram d : ai.received()) {
                    System.out.println("answer: " + new String(d.payload().toArray(), StandardCharsets.UTF_8)
                            + " (from " + d.from() + ", via " + d.careOf() + ")");
                }
                done.countDown();
            });
            done.await(2, java.util.concurrent.TimeUnit.SECONDS);
            live.close();
            return;
        }
        Sim sim = new Sim();
        SimNode node = sim.topology.homeSite("agent");
        node.attach(AnycastAgentExample.agent().io(node.io()).build(sim.net.now()));
        UdpAnycastServiceExample.responder(sim, 1);
        Client c = client(sim, Ipv6Address.parse("2001:db8:c::10"));
        sim.net.runFor(Sim.SECOND);
        for (int i = 1; i <= 3; i++) {
            System.out.println(sim.now() + "  answer " + i + ": " + c.ask("query " + i));
        }
    }
}
