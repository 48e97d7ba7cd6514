package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.engine.agent.TunnelLabels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent tells its {@link BindingTableListener} every change that moves packets, inside the call that made
 * it, and nothing else: registration, refresh with a new care-of address, deregistration, expiry; not a refresh
 * of the lifetime alone. In virtual time.
 */
class BindingTableListenerTest {
    static final Ipv6Address AA = World.AA;

    /** What the listener was told, in order. */
    static final class Recorder implements BindingTableListener {
        final List<List<AnycastBinding>> changes = new ArrayList<>();
        final List<Long> secrets = new ArrayList<>();
        /** How many changes had been reported when {@code replayed} came, one entry per call. */
        final List<Integer> replayedAfter = new ArrayList<>();

        @Override
        public void bindingsChanged(Ipv6Address anycast, List<AnycastBinding> bindings) {
            assertThat(anycast).isEqualTo(AA);
            changes.add(bindings);
        }

        @Override
        public void replayed() {
            replayedAfter.add(changes.size());
        }

        @Override
        public void tunnelLabelSecret(long secret, long multiplier) {
            assertThat(multiplier & 1).as("odd").isEqualTo(1);
            secrets.add(secret);
        }
    }

    static byte[] bu(Ipv6Address careOf, int seq, int lifetimeUnits, int bid, int responder) {
        return AgentAttackTest.bu(careOf, AA, seq, lifetimeUnits, bid, 1000 + responder, World.key(responder), 0,
                true);
    }

    @Test
    void everyChangeThatMovesPacketsIsReportedWithinTheCallAndNothingElse() {
        long now = 1_000 * World.S;
        HomeAnycastAgent haa = HomeAnycastAgent.builder().address(World.HAA).serve(World.ANYCAST_PREFIX)
                .model(Model.ADVANCED).policy(Policies.table(1)).replayProtection(false, 7 * World.S)
                .responder(World.cred(1)).responder(World.cred(2)).io((b, o, l) -> { }).build(now);
        Recorder r = new Recorder();
        haa.bindingTableListener(r);
        assertThat(r.secrets).hasSize(1);
        assertThat(r.changes).as("nothing to report on an empty cache").isEmpty();
        assertThat(r.replayedAfter).as("replayed once, at once").containsExactly(0);

        byte[] p = bu(World.pua(1), 1, 100, 1, 1);
        haa.receive(p, 0, p.length, now);
        assertThat(r.changes).hasSize(1);
        assertThat(r.changes.get(0)).extracting(AnycastBinding::careOf).containsExactly(World.pua(1));

        p = bu(World.pua(1), 2, 100, 1, 1); // the lifetime refreshed, nothing else
        haa.receive(p, 0, p.length, now += World.S);
        assertThat(r.changes).as("a refresh of the lifetime alone moves no packet").hasSize(1);

        Ipv6Address moved = Ipv6Address.parse("2001:db8:1::200");
        p = bu(moved, 3, 100, 1, 1); // a new care-of address
        haa.receive(p, 0, p.length, now += World.S);
        assertThat(r.changes).hasSize(2);
        assertThat(r.changes.get(1)).extracting(AnycastBinding::careOf).containsExactly(moved);

        p = bu(World.pua(2), 1, 2, 2, 2); // a second responder, 8 s of lifetime
        haa.receive(p, 0, p.length, now += World.S);
        assertThat(r.changes).hasSize(3);
        assertThat(r.changes.get(2)).extracting(AnycastBinding::careOf).containsExactly(moved, World.pua(2));

        // a second listener on a running agent is told every anycast address with bindings at once
        Recorder late = new Recorder();
        haa.bindingTableListener(late);
        assertThat(late.changes).hasSize(1);
        assertThat(late.changes.get(0)).hasSize(2);
        assertThat(late.replayedAfter).as("replayed after what the agent held").containsExactly(1);
        assertThat(r.replayedAfter).as("changes are not replays").containsExactly(0);
        haa.bindingTableListener(r);
        r.changes.clear();

        // the second one lapses: reported by the doWork that expires it (a Binding Refresh Request first, at 90%)
        for (int i = 0; i < 4 && r.changes.isEmpty(); i++) {
            haa.doWork(now += 5 * World.S);
        }
        assertThat(r.changes).hasSize(1);
        assertThat(r.changes.get(0)).extracting(AnycastBinding::careOf).containsExactly(moved);

        p = bu(moved, 4, 0, 1, 1); // deregistration
        haa.receive(p, 0, p.length, now += World.S);
        assertThat(r.changes).hasSize(2);
        assertThat(r.changes.get(1)).isEmpty();

        // the Flow Label secret rotates: the listener gets the new one from that doWork
        int before = r.secrets.size();
        haa.doWork(now + TunnelLabels.ROTATION_NANOS + World.S);
        assertThat(r.secrets).hasSize(before + 1);
        assertThat(r.secrets.get(before)).isNotEqualTo(r.secrets.get(before - 1));
    }
}
