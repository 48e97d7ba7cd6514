package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.HAA;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.sim.PlainHost;
import io.mga.sim.SimNode;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MhType;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Route optimisation (MGA paper §4.5, Fig. 8) and the hot swap (Pseudo MIPv6 paper), in virtual time. */
class RouteOptimisationTest {
    static final Ipv6Address AI = Ipv6Address.parse("2001:db8:c::10");

    static List<Integer> mhTypes(World w) {
        List<Integer> types = new ArrayList<>();
        for (byte[] b : w.tapped) {
            try {
                Ipv6Packet p = PacketDecoder.decode(b);
                Ipv6Packet q = p.upper() instanceof io.mga.wire.Tunnel t ? t.inner() : p;
                if (q.upper() instanceof MobilityHeader mh) {
                    types.add(mh.message().type());
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }
        return types;
    }

    static java.util.Set<Long> hotiCookies(World w) {
        java.util.Set<Long> cookies = new java.util.HashSet<>();
        for (byte[] b : w.tapped) {
            try {
                Ipv6Packet p = PacketDecoder.decode(b);
                Ipv6Packet q = p.upper() instanceof io.mga.wire.Tunnel t ? t.inner() : p;
                if (q.upper() instanceof MobilityHeader mh && mh.message() instanceof MobilityMessage.HomeTestInit h) {
                    cookies.add(h.cookie());
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }
        return cookies;
    }

    static boolean sawDirect(World w, Ipv6Address from, Ipv6Address to, Class<? extends ExtensionHeader> ext) {
        for (byte[] b : w.tapped) {
            try {
                Ipv6Packet p = PacketDecoder.decode(b);
                if (p.header().source().equals(from) && p.header().destination().equals(to)
                        && p.upper() instanceof Udp && p.extensions().stream().anyMatch(ext::isInstance)) {
                    return true;
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }
        return false;
    }

    World world(int responders) {
        World w = new World(8);
        w.routeOptimisation = true;
        ResponderCredentials[] creds = new ResponderCredentials[responders];
        for (int i = 0; i < responders; i++) {
            creds[i] = World.cred(i + 1);
        }
        w.agent(Model.ADVANCED, Policies.first(), 1800, creds);
        return w;
    }

    @Test
    void fig8ReturnRoutabilityThenDirectTraffic() {
        World w = world(1);
        AnycastResponder ar1 = w.responder(1, 1, 300);
        AnycastInitiator ai = w.mipInitiator("ai", AI);
        w.start(ar1);
        w.net.runFor(S);
        w.tapped.clear();
        // first query through the agent; it triggers HoTI (via the agent), CoTI (direct), HoT, CoT, BU, BA
        assertThat(World.text(w.ask(ai, "one"))).isEqualTo("ar1:one");
        w.net.runFor(S);
        assertThat(mhTypes(w)).contains(MhType.HOME_TEST_INIT.code(), MhType.CARE_OF_TEST_INIT.code(),
                MhType.HOME_TEST.code(), MhType.CARE_OF_TEST.code(), MhType.BINDING_UPDATE.code(),
                MhType.BINDING_ACKNOWLEDGEMENT.code());
        assertThat(ai.boundTo(AA)).isEqualTo(World.pua(1));
        assertThat(ar1.isRouteOptimised(AI)).isTrue();
        long viaAgent = w.haa.counters().forwarded();
        w.tapped.clear();
        AnycastInitiator.Datagram d = w.ask(ai, "two");
        assertThat(World.text(d)).isEqualTo("ar1:two");
        assertThat(d.from()).as("the application sees the anycast address").isEqualTo(AA);
        assertThat(d.careOf()).as("but it came straight from the responder").isEqualTo(World.pua(1));
        assertThat(w.haa.counters().forwarded()).as("the agent is out of the path").isEqualTo(viaAgent);
        assertThat(sawDirect(w, AI, World.pua(1), ExtensionHeader.Type2Routing.class)).isTrue();
        assertThat(sawDirect(w, World.pua(1), AI, ExtensionHeader.DestinationOptions.class)).isTrue();
        // the binding and the tokens are renewed before they lapse: still direct ten minutes later
        w.net.runFor(600 * S);
        assertThat(ai.boundTo(AA)).isEqualTo(World.pua(1));
        assertThat(World.text(w.ask(ai, "three"))).isEqualTo("ar1:three");
    }

    /**
     * The initiator's binding lapses at its lifetime on its own timer: no packet reaches the initiator after the
     * responder goes silent, and the binding still ends when the granted lifetime does (it used to be swept only
     * when a packet arrived).
     */
    @Test
    void anIdleInitiatorsBindingExpiresAtItsLifetime() {
        World w = world(1);
        AnycastResponder ar1 = w.responder(1, 1, 300);
        List<InitiatorEvent> events = new ArrayList<>();
        SimNode n = w.topology.site("ai", new Ipv6Prefix(AI, 48));
        n.own(AI);
        AnycastInitiator ai = AnycastInitiator.builder().address(AI).io(n.io()).random(new java.util.Random(7))
                .listener(events::add).build(w.net.now());
        n.attach(ai);
        w.start(ar1);
        w.net.runFor(S);
        assertThat(World.text(w.ask(ai, "one"))).isEqualTo("ar1:one");
        w.net.runFor(S);
        assertThat(ai.boundTo(AA)).isEqualTo(World.pua(1));
        InitiatorEvent.Bound bound = (InitiatorEvent.Bound) events.get(0);
        long deliveredBefore = n.delivered();
        // the responder vanishes without a word: nothing more reaches the initiator
        w.topology.node("ar1").crash();
        w.net.runFor(bound.timeNanos() + 299 * S - w.net.now());
        assertThat(ai.boundTo(AA)).as("still within the 300 s lifetime: %s", events).isEqualTo(World.pua(1));
        w.net.runFor(2 * S);
        assertThat(n.delivered()).as("no packet reached the initiator").isEqualTo(deliveredBefore);
        assertThat(ai.boundTo(AA)).isNull();
        assertThat(events).hasSize(2);
        InitiatorEvent.Unbound gone = (InitiatorEvent.Unbound) events.get(1);
        assertThat(gone.cause()).isEqualTo(InitiatorEvent.Cause.LIFETIME_ENDED);
        assertThat(gone.careOf()).isEqualTo(World.pua(1));
        // 75 units of 4 s granted (300 s asked, under MAX_RR_BINDING_LIFETIME), within one 10 ms tick
        assertThat(gone.timeNanos() - bound.timeNanos()).isBetween(300 * S, 300 * S + 10 * MS);
        assertThat(gone.unixNanos() - gone.timeNanos()).as("wall clock = the simulated epoch")
                .isEqualTo(io.mga.api.EpochClock.SIMULATED_EPOCH_NANOS);
    }

    @Test
    void aPlainHostIsServedThroughTheTunnelAfterItsParameterProblem() {
        World w = world(1);
        AnycastResponder ar1 = w.responder(1, 1, 300);
        PlainHost ai = w.initiator("ai", AI);
        w.start(ar1);
        w.net.runFor(S);
        w.tapped.clear();
        for (int i = 0; i < 5; i++) {
            assertThat(w.ask(ai, "q" + i)).isEqualTo("ar1:q" + i);
        }
        w.net.runFor(30 * S);
        assertThat(ar1.isRouteOptimised(AI)).isFalse();
        // the plain host's Parameter Problem (code 1, unknown Next Header 135) ended the attempt at once:
        // one HoTI and one CoTI, no retransmission (RFC 6275 §11.6.2)
        assertThat(hotiCookies(w)).as("distinct HoTIs (each is seen once per link it crosses)").hasSize(1);

        assertThat(w.haa.counters().forwarded()).isGreaterThanOrEqualTo(5);
    }

    /** Two responders, a MIPv6 initiator route-optimised with the first. */
    record Bound(World w, AnycastResponder ar1, AnycastInitiator ai) {
    }

    Bound bound() {
        World w = world(2);
        AnycastResponder ar1 = w.responder(1, 1, 300);
        AnycastResponder ar2 = w.responder(2, 2, 300);
        AnycastInitiator ai = w.mipInitiator("ai", AI);
        w.start(ar1);
        w.start(ar2);
        w.net.runFor(S);
        w.ask(ai, "x");
        w.net.runFor(S);
        assertThat(ai.boundTo(AA)).isEqualTo(World.pua(1));
        return new Bound(w, ar1, ai);
    }

    @Test
    void hotSwapGracefulReturnedHomeBindingUpdate() {
        Bound b = bound();
        World w = b.w();
        AnycastInitiator ai = b.ai();
        AnycastResponder ar1 = b.ar1();
        long t0 = w.net.now();
        w.stop(ar1);
        w.net.runFor(100 * MS);
        assertThat(ai.boundTo(AA)).as("returned-home BU dropped the binding").isNull();
        assertThat(World.text(w.ask(ai, "y"))).isEqualTo("ar2:y");
        assertThat(w.net.now() - t0).isLessThan(2 * S);
    }

    @Test
    void hotSwapAfterACrashThroughDestinationUnreachable() {
        Bound b = bound();
        World w = b.w();
        AnycastInitiator ai = b.ai();
        AnycastResponder ar1 = b.ar1();
        w.node(ar1).crash();
        long t0 = w.net.now();
        String answer = null;
        int tries = 0;
        while (!"ar2:z".equals(answer) && tries++ < 10) {
            answer = World.text(w.ask(ai, "z")); // an application retrying every second
        }
        assertThat(answer).isEqualTo("ar2:z");
        // the binding to the crashed responder is gone (AR2 may already have route-optimised in its place)
        assertThat(ai.boundTo(AA)).isNotEqualTo(World.pua(1));
        assertThat(w.events).anyMatch(e -> e instanceof AgentEvent.Unreachable u && u.binding().bindingId() == 1);
        assertThat(w.net.now() - t0).as("failover by Destination Unreachable").isLessThanOrEqualTo(3 * S);
    }

    @Test
    void correspondentRefusesForgedBindingsAndUnboundHomeAddressPackets() {
        World w = world(1);
        AnycastInitiator ai = w.mipInitiator("ai", AI);
        w.net.runFor(S);
        // a BU with a made-up authenticator and nonce indices from an attacker's address
        Ipv6Address evil = Ipv6Address.parse("2001:db8:66::1");
        byte[] bu = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, evil, AI),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)), new MobilityHeader(
                        MobilityMessage.BindingUpdate.of(1, 0x8000, 100, new io.mga.wire.MobilityOption.NonceIndices(
                                0, 0), new io.mga.wire.MobilityOption.BindingAuthorizationData(Bytes.zeros(12))))));
        ai.receive(bu, 0, bu.length, w.net.now());
        assertThat(ai.boundTo(AA)).isNull();
        // data claiming to come from AA through a Home Address option, with no binding: Binding Error status 1
        byte[] data = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, evil, AI),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)), new Udp(53, 40000, Bytes.of((byte) 1))));
        ai.receive(data, 0, data.length, w.net.now());
        assertThat(ai.received()).isEmpty();
        assertThat(ai.bindingErrorsSent()).isEqualTo(1);
        // a HoTI flood leaves no state at the correspondent (RFC 6275 §5.2: no per-node state before the BU)
        for (int i = 0; i < 10_000; i++) {
            Ipv6Address src = new Ipv6Address(0x20010db800660000L + i, i);
            byte[] hoti = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, src, AI), List.of(),
                    new MobilityHeader(MobilityMessage.HomeTestInit.of(i))));
            ai.receive(hoti, 0, hoti.length, w.net.now());
        }
        assertThat(ai.boundTo(AA)).isNull();
    }

    @Test
    void responderDropsAType2HeaderForAForeignHomeAddress() {
        World w = world(1);
        AnycastResponder ar1 = w.responder(1, 1, 300);
        w.start(ar1);
        w.net.runFor(S);
        long before = ar1.served();
        byte[] p = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, AI, World.pua(1)),
                List.of(ExtensionHeader.Type2Routing.of(Ipv6Address.parse("2001:db8:a::99"))),
                new Udp(40000, 53, Bytes.of((byte) 1))));
        ar1.receive(p, 0, p.length, w.net.now());
        assertThat(ar1.served()).isEqualTo(before);
        assertThat(ar1.malformed()).isPositive();
        assertThat(HAA).isNotNull();
    }
}
