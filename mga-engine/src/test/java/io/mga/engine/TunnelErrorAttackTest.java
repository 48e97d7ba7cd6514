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
import io.mga.sim.PlainHost;
import io.mga.sim.SimNode;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forged ICMPv6 Destination Unreachables about the agent's tunnels (the hardening issue, finding 2): the care-of
 * addresses are not secret, so an off-path host can quote a plausible tunnel packet. The agent now checks the
 * quoted outer Flow Label (a keyed hash only it knows) and treats even a valid error as a hint it probes.
 */
class TunnelErrorAttackTest {
    static final Ipv6Address EVIL = Ipv6Address.parse("2001:db8:e::66");
    static final Ipv6Address CLIENT = Ipv6Address.parse("2001:db8:c::10");

    World world() {
        World w = new World(5);
        w.livenessInterval = 0L; // the probes counted here are those of tunnel errors alone
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1), World.cred(2));
        return w;
    }

    /** A Destination Unreachable "from a router" quoting a tunnel packet HAA -> care-of with the given label. */
    static byte[] forgedError(Ipv6Address careOf, int flowLabel, Ipv6Address innerSource) {
        byte[] inner = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(63, innerSource, AA), List.of(),
                new Udp(40000, 53, Bytes.of(new byte[] {'q'}))));
        Ipv6Packet outer = new Ipv6Packet(new Ipv6Header(0, flowLabel, 64, HAA, careOf), List.of(),
                new io.mga.wire.RawPayload(41, Bytes.of(inner)));
        byte[] quoted = PacketEncoder.encode(outer);
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, Ipv6Address.parse("2001:db8:ffff::1"), HAA),
                List.of(), new Icmpv6(new Icmpv6Message.DestinationUnreachable(3, 0, Bytes.of(quoted)))));
    }

    @Test
    void forgedErrorsWithGuessedLabelsRemoveNothingAndTheServiceStaysUp() {
        World w = world();
        AnycastResponder ar1 = w.responder(1, 1, 60);
        AnycastResponder ar2 = w.responder(2, 2, 60);
        PlainHost client = w.initiator("client", CLIENT);
        SimNode evil = w.topology.site("evil", new Ipv6Prefix(EVIL, 48));
        evil.own(EVIL);
        w.start(ar1);
        w.start(ar2);
        w.net.runFor(S);
        assertThat(w.haa.bindings(AA)).hasSize(2);
        Random guesses = new Random(1);
        int answered = 0;
        int asked = 0;
        // a 40-round campaign: each round one forged error per responder, then queries every 100 ms
        for (int round = 0; round < 40; round++) {
            for (Ipv6Address careOf : List.of(World.pua(1), World.pua(2))) {
                byte[] e = forgedError(careOf, guesses.nextInt(1 << 20), CLIENT);
                evil.io().send(e, 0, e.length);
            }
            for (int q = 0; q < 3; q++) {
                int before = client.udp().size();
                client.sendUdp(AA, 40000, 53, Bytes.of(new byte[] {'q'}));
                w.net.runFor(100 * MS);
                asked++;
                answered += client.udp().size() > before ? 1 : 0;
            }
        }
        assertThat(w.haa.counters().forgedErrors()).isEqualTo(80);
        assertThat(w.haa.counters().probes()).isZero();
        assertThat(w.haa.bindings(AA)).hasSize(2);
        assertThat(answered).as("availability").isEqualTo(asked);
    }

    @Test
    void anErrorWithTheRightLabelIsAHintALiveResponderAnswers() {
        World w = world();
        AnycastResponder ar1 = w.responder(1, 1, 60);
        PlainHost client = w.initiator("client", CLIENT);
        SimNode evil = w.topology.site("evil", new Ipv6Prefix(EVIL, 48));
        evil.own(EVIL);
        w.start(ar1);
        w.net.runFor(S);
        // an on-path attacker who saw a tunnel packet knows its label: it quotes the real packet
        w.tapped.clear();
        assertThat(w.ask(client, "one")).isEqualTo("ar1:one");
        byte[] tunnelled = w.tapped.stream().filter(p -> p[6] == 41 && Ipv6Address.read(p, 8).equals(HAA))
                .findFirst().orElseThrow();
        int label = (tunnelled[1] & 0x0f) << 16 | (tunnelled[2] & 0xff) << 8 | (tunnelled[3] & 0xff);
        assertThat(label).as("the agent labels its tunnels").isNotZero();
        byte[] e = forgedError(World.pua(1), label, CLIENT);
        evil.io().send(e, 0, e.length);
        w.net.runFor(2 * S);
        assertThat(w.haa.counters().probes()).isEqualTo(1);
        assertThat(w.haa.counters().forgedErrors()).isZero();
        assertThat(w.haa.bindings(AA)).as("the probe was answered by an authenticated refresh").hasSize(1);
        assertThat(w.events).noneMatch(ev -> ev instanceof AgentEvent.Unreachable);
        assertThat(w.ask(client, "two")).isEqualTo("ar1:two");
    }
}
