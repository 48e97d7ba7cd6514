package io.mga.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.SelectionPolicy;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.engine.crypto.ReturnRoutability;
import io.mga.engine.mobility.RrAuthenticator;
import io.mga.engine.mobility.Sequence;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's building blocks: timer wheel, sequence arithmetic, policies, crypto. */
class UnitsTest {

    @Test
    void timerWheelRunsDueTimersInVirtualTime() {
        TimerWheel w = new TimerWheel(10, 0);
        List<String> ran = new ArrayList<>();
        TimerWheel.Timer a = w.schedule(25, t -> ran.add("a@" + t));
        w.schedule(25, t -> ran.add("b@" + t));
        TimerWheel.Timer c = w.schedule(1_000, t -> ran.add("c@" + t)); // many rounds of the 8-slot wheel
        assertThat(w.nextDeadline()).isEqualTo(25);
        assertThat(w.poll(24)).isZero();
        assertThat(w.poll(30)).isEqualTo(2);
        assertThat(ran).containsExactlyInAnyOrder("a@30", "b@30");
        assertThat(a.isPending()).isFalse();
        w.reschedule(c, 500);
        assertThat(w.nextDeadline()).isEqualTo(500);
        assertThat(w.poll(499)).isZero();
        // a jump far ahead costs what expires, whatever the distance
        assertThat(w.poll(1_000_000_000L)).isEqualTo(1);
        assertThat(w.size()).isZero();
        assertThat(w.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        TimerWheel.Timer d = w.schedule(2_000_000_000L, t -> ran.add("d"));
        w.cancel(d);
        w.cancel(d);
        assertThat(w.poll(3_000_000_000L)).isZero();
        // actions may schedule more timers
        w.schedule(3_000_000_010L, t -> w.schedule(t, x -> ran.add("chained")));
        w.poll(3_000_000_010L);
        assertThat(ran).contains("chained");
    }

    @Test
    void sequenceNumbersCompareModulo65536() {
        // RFC 6275 §9.5.1 with L = 15: 0..15 and 32783..65535 are old
        assertThat(Sequence.isNewer(16, 15)).isTrue();
        assertThat(Sequence.isNewer(32782, 15)).isTrue();
        assertThat(Sequence.isNewer(32783, 15)).isFalse();
        assertThat(Sequence.isNewer(15, 15)).isFalse();
        assertThat(Sequence.isNewer(0, 15)).isFalse();
        assertThat(Sequence.isNewer(65535, 15)).isFalse();
        assertThat(Sequence.isNewer(0, 65535)).isTrue();
    }

    static List<AnycastBinding> candidates(int... bids) {
        List<AnycastBinding> l = new ArrayList<>();
        for (int b : bids) {
            l.add(new AnycastBinding(World.AA, b, World.pua(b), "ar" + b, b, 100 - b, 0));
        }
        return l;
    }

    static int sel(SelectionPolicy p, Ipv6Address initiator, List<AnycastBinding> c) {
        return p.select(initiator.high(), initiator.low(), SelectionPolicy.Candidates.of(c));
    }

    static Ipv6Address initiator(int i) {
        return new Ipv6Address(0x20010db8_00c00000L + i, 0x10L + i * 7919L);
    }

    @Test
    void rendezvousHashingMovesOnlyTheLeaversInitiators() {
        SelectionPolicy p = Policies.rendezvous();
        List<AnycastBinding> four = candidates(1, 2, 3, 4);
        List<AnycastBinding> three = candidates(1, 2, 4);
        Map<Integer, Integer> count = new HashMap<>();
        int moved = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            int before = four.get(sel(p, initiator(i), four)).bindingId();
            int after = three.get(sel(p, initiator(i), three)).bindingId();
            assertThat(sel(p, initiator(i), four)).as("stable").isEqualTo(four.indexOf(
                    four.stream().filter(b -> b.bindingId() == before).findFirst().orElseThrow()));
            count.merge(before, 1, Integer::sum);
            if (before != after) {
                moved++;
                assertThat(before).as("only initiators of the responder that left move").isEqualTo(3);
            }
        }
        assertThat(moved).isEqualTo(count.get(3));
        for (int b = 1; b <= 4; b++) {
            assertThat(count.get(b)).as("share of %d", b).isBetween(n / 4 - n / 20, n / 4 + n / 20);
        }
    }

    @Test
    void weightedFollowsWeightsAndOthersDoWhatTheySay() {
        List<AnycastBinding> c = candidates(1, 2, 3); // weights 1, 2, 3
        SelectionPolicy w = Policies.weighted();
        int[] hits = new int[3];
        for (int i = 0; i < 600; i++) {
            hits[sel(w, initiator(i), c)]++;
        }
        assertThat(hits).containsExactly(100, 200, 300);
        assertThat(sel(Policies.leastLoaded(), initiator(0), c)).isEqualTo(2); // load 97 is lowest
        SelectionPolicy rr = Policies.roundRobin();
        assertThat(new int[] {sel(rr, initiator(0), c), sel(rr, initiator(0), c), sel(rr, initiator(0), c)})
                .containsExactly(0, 1, 2);
        Ipv6Address near2 = Ipv6Address.parse("2001:db8:2::77");
        assertThat(sel(Policies.nearest(), near2, c)).isEqualTo(1);
        assertThat(sel(Policies.first(), near2, c)).isZero();
    }

    @Test
    void weightedStaysProportionalWithHundredsOfCandidates() {
        List<AnycastBinding> c = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            c.add(new AnycastBinding(World.AA, i + 1, new Ipv6Address(0x20010db8_00010000L + i, 0x100), "ar" + i,
                    i % 3 + 1, 0, 0));
        }
        SelectionPolicy w = Policies.weighted();
        int[] hits = new int[300];
        for (int i = 0; i < 600; i++) { // total weight 600: one round of smooth weighted round-robin
            hits[sel(w, initiator(i), c)]++;
        }
        for (int i = 0; i < 300; i++) {
            assertThat(hits[i]).as("candidate %d of weight %d", i, i % 3 + 1).isEqualTo(i % 3 + 1);
        }
    }

    @Test
    void returnRoutabilityReproducesTheFactsSheetVector() {
        ReturnRoutability rr = new ReturnRoutability();
        byte[] kcn = Bytes.fromHex("0102030405060708090a0b0c0d0e0f1011121314").toArray();
        Ipv6Address hoa = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address coa = Ipv6Address.parse("2001:db8:2::100");
        Ipv6Address cn = Ipv6Address.parse("2001:db8:3::1");
        long home = rr.keygenToken(kcn, hoa, Bytes.fromHex("0102030405060708").toArray(), false);
        long careOf = rr.keygenToken(kcn, coa, Bytes.fromHex("1112131415161718").toArray(), true);
        assertThat(Long.toHexString(home)).isEqualTo("5b8921ed9e064b6c");
        assertThat(Long.toHexString(careOf)).isEqualTo("c79a8a151905b049");
        byte[] kbm = rr.kbm(home, careOf);
        assertThat(Bytes.of(kbm).toHex()).isEqualTo("b37b65d6960767815fcd04b119441e7d89f31759");
        assertThat(Bytes.of(rr.kbm(home, null)).toHex()).isEqualTo("ed4ef3f2ffd9a21a6c78de749f145084e3e225a8");
        byte[] mh = PacketEncoder.encode(new MobilityHeader(MobilityMessage.BindingUpdate.of(8, 0x8000, 105,
                new MobilityOption.NonceIndices(0x11, 0x22), new MobilityOption.BindingAuthorizationData(
                        Bytes.zeros(12)))));
        byte[] auth = rr.authenticator(kbm, coa, cn, Arrays.copyOf(mh, mh.length - 12));
        assertThat(Bytes.of(auth).toHex()).isEqualTo("89ad28ba58709acf5b956f3a");
    }

    @Test
    void theSharedRrAuthenticatorSignsAndVerifiesTheFactsSheetVector() {
        RrAuthenticator a = new RrAuthenticator();
        ReturnRoutability rr = a.functions();
        byte[] kcn = Bytes.fromHex("0102030405060708090a0b0c0d0e0f1011121314").toArray();
        Ipv6Address hoa = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address coa = Ipv6Address.parse("2001:db8:2::100");
        Ipv6Address cn = Ipv6Address.parse("2001:db8:3::1");
        byte[] kbm = rr.kbm(rr.keygenToken(kcn, hoa, Bytes.fromHex("0102030405060708").toArray(), false),
                rr.keygenToken(kcn, coa, Bytes.fromHex("1112131415161718").toArray(), true));
        MobilityMessage signed = a.sign(kbm, coa, cn,
                MobilityMessage.BindingUpdate.of(8, 0x8000, 105, new MobilityOption.NonceIndices(0x11, 0x22)));
        List<MobilityOption> opts = signed.options();
        assertThat(opts.get(opts.size() - 1)).isEqualTo(new MobilityOption.BindingAuthorizationData(
                Bytes.fromHex("89ad28ba58709acf5b956f3a")));
        assertThat(a.verify(kbm, coa, cn, signed)).isTrue();
        assertThat(a.verify(kbm, hoa, cn, signed)).as("the home address in place of the care-of").isFalse();
        assertThat(a.verify(kbm, coa, hoa, signed)).as("another correspondent").isFalse();
        MobilityMessage other = new MobilityMessage.BindingUpdate(9, 0x8000, 105, signed.options());
        assertThat(a.verify(kbm, coa, cn, other)).as("other sequence").isFalse();
    }

    @Test
    void mnHaAuthenticationCoversTheMessageUpToTheSpi() {
        MnHaAuth a = new MnHaAuth();
        byte[] key = World.key(1).toArray();
        MobilityMessage placeholder = MobilityMessage.BindingUpdate.of(1, 0xc000, 10,
                new MobilityOption.Authentication(1, 1001, Bytes.zeros(12)));
        MobilityMessage signed = MobilityMessage.BindingUpdate.of(1, 0xc000, 10, new MobilityOption.Authentication(1,
                1001, Bytes.of(a.mac(key, World.pua(1), World.AA, placeholder))));
        assertThat(a.verify(key, World.pua(1), World.AA, signed)).isTrue();
        assertThat(a.verify(key, World.pua(2), World.AA, signed)).as("other care-of").isFalse();
        assertThat(a.verify(World.key(2).toArray(), World.pua(1), World.AA, signed)).as("other key").isFalse();
        MobilityMessage other = new MobilityMessage.BindingUpdate(2, 0xc000, 10, signed.options());
        assertThat(a.verify(key, World.pua(1), World.AA, other)).as("other sequence").isFalse();
    }
}
