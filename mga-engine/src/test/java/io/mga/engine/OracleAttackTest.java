package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.HAA;
import static io.mga.engine.World.MS;
import static io.mga.engine.World.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.engine.mobility.Ntp;
import io.mga.sim.SimNode;
import io.mga.wire.BaStatus;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The signed-BA oracle of the hardening issue, played in virtual time: an off-path attacker sends the agent a BU
 * with a responder's SPI and a wrong MAC, keeps the agent's BA 146, forces the responder to re-register with a
 * forged Binding Refresh Request, and injects the kept BA. The responder used to take it as final and stop
 * registering; now the 146 is unsigned, a BA must answer the outstanding BU (sequence number and echoed
 * timestamp), and no BA ends a registration.
 */
class OracleAttackTest {
    static final Ipv6Address EVIL = Ipv6Address.parse("2001:db8:e::66");
    static final Ipv6Address PUA1 = World.pua(1);

    @Test
    void aBaObtainedFromTheAgentCannotKnockTheResponderOut() throws MalformedPacketException {
        World w = new World(3);
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1));
        AnycastResponder ar1 = w.responder(1, 1, 60);
        SimNode evil = w.topology.site("evil", new Ipv6Prefix(EVIL, 48));
        evil.own(EVIL);
        List<byte[]> got = new ArrayList<>();
        evil.attach((b, o, l, now) -> got.add(java.util.Arrays.copyOfRange(b, o, o + l)));
        w.start(ar1);
        w.net.runFor(S);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.REGISTERED);

        // 1. a BU in ar1's name (its SPI, its care-of address) with a wrong MAC: the agent answers 146
        long ts = Ntp.fromUnixNanos(EpochClock.SIMULATED_EPOCH_NANOS + w.net.now());
        MobilityMessage forged = MobilityMessage.BindingUpdate.of(4242, 0xc000, 75,
                new MobilityOption.AlternateCareOfAddress(PUA1), MobilityOption.BindingIdentifier.of(1, 0, PUA1),
                new MobilityOption.ReplayProtection(ts),
                new MobilityOption.Authentication(1, 1001, Bytes.fromHex("00112233445566778899aabb")));
        send(evil, bytes(Ipv6Packet.build(Ipv6Header.of(64, EVIL, HAA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(AA)), new MobilityHeader(forged))));
        w.net.runFor(100 * MS);
        assertThat(got).hasSize(1);
        MobilityMessage.BindingAcknowledgement ba = (MobilityMessage.BindingAcknowledgement)
                ((MobilityHeader) PacketDecoder.decode(got.get(0)).upper()).message();
        assertThat(ba.status()).isEqualTo(BaStatus.MIPV6_AUTH_FAIL.code());
        assertThat(new MnHaAuth().verify(World.key(1).toArray(), PUA1, AA, ba))
                .as("the 146 is not signed with the responder's key: no oracle").isFalse();

        // 2. a forged Binding Refresh Request "from the agent" makes ar1 send a BU; 3. the kept BA follows it
        byte[] brr = bytes(Ipv6Packet.build(Ipv6Header.of(64, HAA, PUA1),
                List.of(ExtensionHeader.Type2Routing.of(AA)),
                new MobilityHeader(MobilityMessage.BindingRefreshRequest.of())));
        byte[] replayed = bytes(Ipv6Packet.build(Ipv6Header.of(64, HAA, PUA1),
                List.of(ExtensionHeader.Type2Routing.of(AA)), new MobilityHeader(ba)));
        // the same BA with ar1's next sequence number guessed right: it still echoes the wrong timestamp
        MobilityMessage.BindingAcknowledgement guessed = new MobilityMessage.BindingAcknowledgement(ba.status(),
                ba.flags(), ba.sequence(), ba.lifetime(), ba.options());
        send(evil, brr);
        send(evil, replayed);
        send(evil, bytes(Ipv6Packet.build(Ipv6Header.of(64, HAA, PUA1),
                List.of(ExtensionHeader.Type2Routing.of(AA)), new MobilityHeader(guessed))));
        w.net.runFor(S);
        assertThat(ar1.state(HAA)).as("the refresh the BRR caused is acknowledged").isEqualTo(
                AnycastResponder.State.REGISTERED);
        assertThat(ar1.counters().unauthenticated()).as("the kept BAs were counted and ignored").isEqualTo(2);
        // soft state goes on: still registered long past the 60 s lifetime, and served
        w.net.runFor(200 * S);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.REGISTERED);
        assertThat(w.haa.bindings(AA)).hasSize(1);
    }

    @Test
    void aResponderWithAWrongKeyKeepsTryingWithBackoffAndTheAgentsAnswersAreBounded() {
        World w = new World(4);
        List<ResponderEvent> events = new ArrayList<>();
        AnycastResponder ar1 = wrongKeyResponder(w, events);
        w.net.runFor(300 * S);
        assertThat(ar1.state(HAA)).as("refused, and says so").isEqualTo(AnycastResponder.State.FAILED);
        long bus = w.tapped.stream().filter(OracleAttackTest::isBindingUpdate).count();
        // 1.5 s, then 3, 6, 12, 24, 32, 32, ... s (RFC 6275 §11.8): about 12 BUs in 300 s, each crossing two links
        assertThat(bus / 2).as("still retrying after 300 s, with backoff").isBetween(8L, 16L);
        assertThat(events).filteredOn(e -> e instanceof ResponderEvent.StateChanged c
                && c.state() == AnycastResponder.State.FAILED && c.status() == BaStatus.MIPV6_AUTH_FAIL.code())
                .isNotEmpty();
        assertThat(w.haa.bindings(AA)).isEmpty();
    }

    /** An agent that accepts ar1 with key 1, and ar1 started with key 2 (a configuration error). */
    private static AnycastResponder wrongKeyResponder(World w, List<ResponderEvent> events) {
        w.agent(Model.ADVANCED, Policies.first(), 1800, World.cred(1));
        SimNode n = w.topology.site("ar1", new Ipv6Prefix(PUA1, 48));
        n.own(PUA1);
        AnycastResponder ar1 = AnycastResponder.builder().anycast(AA).careOf(PUA1).agent(HAA)
                .credentials("ar1@example.net", 1001, World.key(2)).bindingId(1).io(n.io()).listener(events::add)
                .build(w.net.now());
        n.attach(ar1);
        w.start(ar1);
        return ar1;
    }

    private static boolean isBindingUpdate(byte[] p) {
        try {
            return PacketDecoder.decode(p).upper() instanceof MobilityHeader mh
                    && mh.message() instanceof MobilityMessage.BindingUpdate;
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    private static void send(SimNode from, byte[] b) {
        from.io().send(b, 0, b.length);
    }

    private static byte[] bytes(Ipv6Packet p) {
        return PacketEncoder.encode(p);
    }

    /** A refused responder that is stopped stops retrying (it has no binding to delete). */
    @Test
    void stoppingARefusedResponderStopsItsRetries() {
        World w = new World(6);
        AnycastResponder ar1 = wrongKeyResponder(w, new ArrayList<>());
        w.net.runFor(10 * S);
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.FAILED);
        ar1.stop(w.net.now());
        assertThat(ar1.state(HAA)).isEqualTo(AnycastResponder.State.IDLE);
        w.tapped.clear();
        w.net.runFor(300 * S);
        assertThat(w.tapped.stream().filter(OracleAttackTest::isBindingUpdate).count()).isZero();
    }
}
