package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.engine.persist.StateCodec;
import io.mga.wire.BaStatus;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An agent restarted from its saved state, in virtual time: the restarted process has a monotonic clock of its own
 * (another origin) and a wall clock that went on; the bindings come back with the time they had left and forward
 * at once, and replay protection holds across the restart.
 */
class AgentRestoreTest {
    static final Ipv6Address AA = World.AA;
    static final Ipv6Address PUA1 = World.pua(1);
    static final Ipv6Address PUA2 = World.pua(2);
    static final Ipv6Address CLIENT = Ipv6Address.parse("2001:db8:c::10");
    static final long WALL = EpochClock.SIMULATED_EPOCH_NANOS;

    final List<byte[]> sent = new ArrayList<>();

    /** An agent whose monotonic time {@code mono} is Unix time {@code WALL + wall}. */
    HomeAnycastAgent agent(long mono, long wall, AgentState restore, int responders) {
        AgentConfig.Builder b = HomeAnycastAgent.builder().address(World.HAA).serve(World.ANYCAST_PREFIX)
                .model(Model.ADVANCED).epochClock(EpochClock.offset(WALL + wall - mono)).restore(restore)
                .io((p, o, l) -> sent.add(java.util.Arrays.copyOfRange(p, o, o + l)));
        for (int i = 1; i <= responders; i++) {
            b.responder(World.cred(i));
        }
        return b.build(mono);
    }

    static byte[] bu(int responder, int seq, long wall) {
        return AgentAttackTest.bu(World.pua(responder), AA, seq, 75, responder, 1000 + responder,
                World.key(responder), io.mga.engine.mobility.Ntp.fromUnixNanos(WALL + wall), true);
    }

    int lastStatus() throws Exception {
        Ipv6Packet p = PacketDecoder.decode(sent.get(sent.size() - 1));
        return ((MobilityMessage.BindingAcknowledgement) ((MobilityHeader) p.upper()).message()).status();
    }

    /** A client's datagram to the anycast address; returns the care-of address it was tunnelled to, or null. */
    Ipv6Address forward(HomeAnycastAgent haa, long mono) throws Exception {
        byte[] q = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, CLIENT, AA), List.of(),
                new Udp(40000, 53, 0, io.mga.api.Bytes.of(new byte[] {1, 2, 3}))));
        int before = sent.size();
        haa.receive(q, 0, q.length, mono);
        if (sent.size() == before) {
            return null;
        }
        return PacketDecoder.decode(sent.get(sent.size() - 1)).header().destination();
    }

    @Test
    void bindingsComeBackWithTheTimeTheyHadLeftAndForwardAtOnce() throws Exception {
        long t0 = 1_000 * World.S;
        HomeAnycastAgent a = agent(t0, 0, null, 2);
        a.receive(bu(1, 10, 0), 0, bu(1, 10, 0).length, t0);
        a.receive(bu(2, 20, 0), 0, bu(2, 20, 0).length, t0);
        assertThat(a.bindingCount()).isEqualTo(2);
        // 100 s later the state is saved (through the file format) and the process dies
        long t1 = t0 + 100 * World.S;
        AgentState saved = io.mga.engine.persist.StateCodec.decode(StateCodec.encode(a.snapshot(t1)));
        assertThat(saved.bindings()).hasSize(2);
        // the new process starts 3 s later (wall time), its monotonic clock at 5 s
        long r0 = 5 * World.S;
        HomeAnycastAgent b = agent(r0, 103 * World.S, saved, 2);
        assertThat(b.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(PUA1, PUA2);
        // 300 s granted, 103 s gone
        assertThat(b.bindings(AA)).allSatisfy(x -> assertThat(x.expiresAtNanos() - r0).isEqualTo(197 * World.S));
        assertThat(forward(b, r0 + World.MS)).isIn(PUA1, PUA2);
        // the sequence numbers came back: an older one is refused, a newer one refreshes
        b.receive(bu(1, 9, 104 * World.S), 0, bu(1, 9, 104 * World.S).length, r0 + World.S);
        assertThat(lastStatus()).isEqualTo(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code());
        byte[] next = bu(1, 11, 104 * World.S + World.MS);
        b.receive(next, 0, next.length, r0 + World.S);
        assertThat(lastStatus()).isZero();
        // and they lapse when their time is up, not later
        b.doWork(r0 + 198 * World.S);
        assertThat(b.bindings(AA)).extracting(AnycastBinding::careOf).containsExactly(PUA1);
    }

    /**
     * The case the floor is for: a refresh accepted after the state was last written (writes are coalesced), then
     * a crash. The saved sequence number is the older one, so the captured refresh would pass the sequence check;
     * its timestamp is within the window of the restarted agent's clock; it is refused all the same (144), because
     * it was sent before the restart. The responder's own next refresh is accepted.
     */
    @Test
    void aBuCapturedBeforeTheRestartIsRefusedAfterIt() throws Exception {
        long t0 = 1_000 * World.S;
        HomeAnycastAgent a = agent(t0, 0, null, 1);
        a.receive(bu(1, 10, 0), 0, bu(1, 10, 0).length, t0);
        AgentState saved = a.snapshot(t0 + World.S);
        byte[] captured = bu(1, 11, 2 * World.S);
        a.receive(captured, 0, captured.length, t0 + 2 * World.S);
        assertThat(lastStatus()).isZero();
        // crash; restart 1 s later: the captured BU's timestamp is 1 s old, well within the 7 s window
        long r0 = 50 * World.S;
        HomeAnycastAgent b = agent(r0, 3 * World.S, saved, 1);
        assertThat(b.bindingCount()).isEqualTo(1);
        b.receive(captured, 0, captured.length, r0);
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_ID_MISMATCH.code());
        byte[] first = bu(1, 10, 0);
        b.receive(first, 0, first.length, r0);
        assertThat(lastStatus()).isIn(BaStatus.MIPV6_ID_MISMATCH.code(),
                BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW.code());
        assertThat(b.bindings(AA).get(0).expiresAtNanos()).as("nothing replayed refreshed the binding")
                .isEqualTo(r0 + 297 * World.S); // 300 s from wall time 0, restarted at 3 s
        byte[] fresh = bu(1, 12, 3 * World.S + World.MS);
        b.receive(fresh, 0, fresh.length, r0 + World.MS);
        assertThat(lastStatus()).isZero();
    }

    /** The saved timestamps themselves come back: one accepted later than the restart time still bounds replays. */
    @Test
    void savedTimestampsAheadOfTheClockStillBoundReplays() throws Exception {
        long t0 = 1_000 * World.S;
        HomeAnycastAgent a = agent(t0, 0, null, 1);
        // a responder whose clock runs 5 s ahead (within the window)
        byte[] ahead = bu(1, 10, 5 * World.S);
        a.receive(ahead, 0, ahead.length, t0);
        assertThat(lastStatus()).isZero();
        AgentState saved = a.snapshot(t0);
        assertThat(saved.replayMarks()).hasSize(1);
        HomeAnycastAgent b = agent(10 * World.S, 2 * World.S, saved, 1);
        byte[] replay = bu(1, 11, 4 * World.S); // newer sequence, timestamp after the restart but before the mark
        b.receive(replay, 0, replay.length, 10 * World.S);
        assertThat(lastStatus()).isEqualTo(BaStatus.MIPV6_ID_MISMATCH.code());
    }

    @Test
    void whatNoLongerFitsTheConfigurationIsLeftOut() {
        long t0 = 1_000 * World.S;
        HomeAnycastAgent a = agent(t0, 0, null, 2);
        a.receive(bu(1, 10, 0), 0, bu(1, 10, 0).length, t0);
        a.receive(bu(2, 20, 0), 0, bu(2, 20, 0).length, t0);
        AgentState saved = a.snapshot(t0);
        // responder 2 is no longer configured
        assertThat(agent(0, World.S, saved, 1).bindings(AA)).extracting(AnycastBinding::careOf)
                .containsExactly(PUA1);
        // restarted after the bindings lapsed
        assertThat(agent(0, 400 * World.S, saved, 2).bindingCount()).isZero();
        // a file that promises more time than a Binding Update could get today is held to the longest lifetime
        AgentState.Binding b = saved.bindings().get(0);
        AgentState forged = new AgentState(0, List.of(new AgentState.Binding(b.anycast(), b.bindingId(), b.careOf(),
                b.responder(), b.weight(), b.load(), b.sequence(), Long.MIN_VALUE + 5)), List.of(), List.of());
        HomeAnycastAgent f = agent(0, World.S, forged, 2);
        assertThat(f.bindings(AA)).singleElement().satisfies(x -> assertThat(x.expiresAtNanos())
                .isEqualTo(1800 * World.S));
    }
}
