package io.mga.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.SelectionPolicy;
import io.mga.engine.Policies;
import io.mga.wire.fast.Encapsulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real program in the real kernel, without an interface: it is loaded and its maps written by
 * {@link KernelDataPlane} as the agent would, and run on frames through BPF_PROG_TEST_RUN. Needs root and the
 * compiled object (scripts/install-test-deps.sh installs clang, libbpf-dev and bpftool).
 */
class KernelProgramTest {
    static final Ipv6Address AGENT = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Prefix SERVED = Ipv6Prefix.parse("2001:db8:a::/64");
    static final byte[] OWN = {0x02, 0, 0, 0, 0, 0x0a};
    static final byte[] ROUTER = {0x02, 0, 0, 0, 0, (byte) 0xfe};
    static final long KEY = 0x1234_5678_9abc_def1L;
    static final long SECRET = 0x0f0e_0d0c_0b0a_0908L;
    static final long MULTIPLIER = 0x9e37_79b9_7f4a_7c15L;
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static KernelDataPlane dp;
    static KernelDataPlane pinned;

    static KernelDataPlane load(String name, boolean pins) throws Exception {
        KernelDataPlane k = loadUnmirrored(name, pins);
        k.replayed();
        return k;
    }

    /** A data plane as an agent's start leaves it before its thread has reported the bindings it holds. */
    static KernelDataPlane loadUnmirrored(String name, boolean pins) throws Exception {
        KernelDataPlane k = KernelDataPlane.load(new KernelDataPlane.Options("mgat" + name + TAG, AGENT,
                List.of(SERVED), 64, KEY, pins, 60_000_000_000L, Path.of("/sys/fs/bpf/mga-test-" + name + "-" + TAG),
                OWN, 1500));
        k.routerMac(ROUTER);
        k.tunnelLabelSecret(SECRET, MULTIPLIER);
        return k;
    }

    /**
     * An agent restarted from its saved bindings attaches the program before its thread mirrors them: until it
     * has ({@code replayed}), a served address without a binding and a reverse-tunnelled packet from an unknown
     * care-of address go to the Java agent, which holds the bindings, instead of being dropped; afterwards both
     * are dropped and counted as before.
     */
    @Test
    void beforeTheBindingsAreMirroredWhatTheTablesDoNotKnowGoesToTheAgent() throws Exception {
        KernelDataPlane fresh = loadUnmirrored("nr", false);
        try {
            Ipv6Address src = Ipv6Address.parse("2001:db8:c::10");
            byte[] toAnycast = frame(src, anycast(60), 17, 64, 100);
            byte[] inner = Arrays.copyOfRange(frame(anycast(60), src, 17, 64, 8), 14, 14 + 48);
            byte[] reply = reverse(Ipv6Address.parse("2001:db8:66::1"), inner);
            KernelCounters c0 = fresh.counters();
            assertThat(fresh.run(toAnycast).action()).isEqualTo(KernelDataPlane.Verdict.PASS);
            assertThat(fresh.run(reply).action()).isEqualTo(KernelDataPlane.Verdict.PASS);
            KernelCounters c1 = fresh.counters();
            assertThat(c1.passedNoTable() - c0.passedNoTable()).isEqualTo(2);
            assertThat(c1.noBinding() - c0.noBinding()).isZero();
            assertThat(c1.droppedReverseSource() - c0.droppedReverseSource()).isZero();
            fresh.replayed();
            assertThat(fresh.run(toAnycast).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
            assertThat(fresh.run(reply).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
            KernelCounters c2 = fresh.counters();
            assertThat(c2.noBinding() - c1.noBinding()).isEqualTo(1);
            assertThat(c2.droppedReverseSource() - c1.droppedReverseSource()).isEqualTo(1);
            assertThat(c2.passedNoTable() - c1.passedNoTable()).isZero();
        } finally {
            fresh.close();
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        assertThat(KernelDataPlane.missing()).as("what the kernel data plane needs here (root, the object, bpftool)")
                .isNull();
        dp = load("np", false);
        pinned = load("p", true);
    }

    @AfterAll
    static void tearDown() {
        for (KernelDataPlane k : new KernelDataPlane[] {dp, pinned}) {
            if (k != null) {
                k.close();
                assertThat(Files.exists(k.pinDir())).as("pins removed on close").isFalse();
            }
        }
    }

    static Ipv6Address anycast(int i) {
        return Ipv6Address.parse("2001:db8:a::" + Integer.toHexString(0x100 + i));
    }

    static List<AnycastBinding> bindings(Ipv6Address a, int n, boolean unequal) {
        List<AnycastBinding> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(new AnycastBinding(a, i, Ipv6Address.parse("2001:db8:" + Integer.toHexString(i) + "::100"), "ar" + i,
                    unequal ? 1 + (i * 7) % 5 : 1, 0, 0));
        }
        return l;
    }

    /** An Ethernet frame to the agent's MAC: an IPv6 packet with {@code payload} octets of UDP. */
    static byte[] frame(Ipv6Address src, Ipv6Address dst, int nextHeader, int hop, int payload) {
        byte[] f = new byte[14 + 40 + payload];
        System.arraycopy(OWN, 0, f, 0, 6);
        System.arraycopy(ROUTER, 0, f, 6, 6);
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        f[15] = 0x0b; // traffic class 0x00, flow label 0xb1234
        f[16] = 0x12;
        f[17] = 0x34;
        f[18] = (byte) (payload >> 8);
        f[19] = (byte) payload;
        f[20] = (byte) nextHeader;
        f[21] = (byte) hop;
        src.writeTo(f, 22);
        dst.writeTo(f, 38);
        for (int i = 54; i < f.length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    static Ipv6Address random(SplittableRandom r) {
        return new Ipv6Address(0x2001_0db8_0000_0000L | r.nextLong() & 0xffff_ffffL, r.nextLong());
    }

    static Ipv6Address outerDestination(byte[] out) {
        return Ipv6Address.read(out, 14 + 24);
    }

    @Test
    void forTenThousandInitiatorsTheKernelChoosesTheResponderTheJavaPolicyChooses() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {3, 5, 16}) {
            Ipv6Address a = anycast(n);
            List<AnycastBinding> l = bindings(a, n, true);
            dp.bindingsChanged(a, l);
            SelectionPolicy java = Policies.table(KEY);
            SelectionPolicy.Candidates c = SelectionPolicy.Candidates.of(l);
            int[] hits = new int[n];
            int same = 0;
            for (int i = 0; i < 10_000; i++) {
                Ipv6Address src = random(r);
                KernelDataPlane.Verdict v = dp.run(frame(src, a, 17, 64, 8));
                if (v.action() != KernelDataPlane.Verdict.TX) {
                    // seen once in a CI run (PASS for one frame of 30,000, not reproduced in 5 runs since): say which
                    // of the program's reasons it counted, for whoever meets it next
                    assertThat(v.action()).as("verdict for initiator %d from %s to %s, %d responders; counters %s;"
                            + " mirror %s", i, src, a, n, dp.counters(), dp.mirrorStats())
                            .isEqualTo(KernelDataPlane.Verdict.TX);
                }
                int j = Math.floorMod(java.select(src.high(), src.low(), c), n);
                if (outerDestination(v.frame()).equals(l.get(j).careOf())) {
                    same++;
                }
                hits[j]++;
            }
            assertThat(same).as("initiators sent where the Java path sends them, %d responders", n).isEqualTo(10_000);
            // and the weights are honoured: each responder's share within 30% of its weight's (10,000 samples)
            int total = l.stream().mapToInt(AnycastBinding::weight).sum();
            for (int j = 0; j < n; j++) {
                double expected = 10_000.0 * l.get(j).weight() / total;
                assertThat((double) hits[j]).as("responder %d of %d, weight %d", j + 1, n, l.get(j).weight())
                        .isBetween(expected * 0.7, expected * 1.3);
            }
        }
    }

    @Test
    void theTunnelledFrameIsTheJavaEncapsulationByteForByte() throws Exception {
        Ipv6Address a = anycast(40);
        List<AnycastBinding> l = bindings(a, 1, false);
        dp.bindingsChanged(a, l);
        Ipv6Address src = Ipv6Address.parse("2001:db8:c::10");
        byte[] in = frame(src, a, 17, 64, 100);
        KernelDataPlane.Verdict v = dp.run(in);
        assertThat(v.action()).isEqualTo(KernelDataPlane.Verdict.TX);
        Ipv6Address co = l.get(0).careOf();
        byte[] expected = new byte[14 + 40 + in.length - 14];
        System.arraycopy(ROUTER, 0, expected, 0, 6);
        System.arraycopy(OWN, 0, expected, 6, 6);
        expected[12] = (byte) 0x86;
        expected[13] = (byte) 0xdd;
        System.arraycopy(in, 14, expected, 54, in.length - 14);
        expected[54 + 7]--; // RFC 2473 §3.1: the inner hop limit, one hop
        // the engine's TunnelLabels: ((sh ^ sl ^ ch ^ cl ^ secret) * multiplier) >>> 44
        int label = (int) (((src.high() ^ src.low() ^ co.high() ^ co.low() ^ SECRET) * MULTIPLIER) >>> 44) & 0xfffff;
        Encapsulation.wrapInPlace(expected, 54, in.length - 14, AGENT.high(), AGENT.low(), co.high(), co.low(), 64,
                label);
        assertThat(v.frame()).isEqualTo(expected);
    }

    @Test
    void badAndForeignInputIsDroppedOrPassedAndCounted() throws Exception {
        Ipv6Address a = anycast(41);
        List<AnycastBinding> l = bindings(a, 2, false);
        dp.bindingsChanged(a, l);
        Ipv6Address src = Ipv6Address.parse("2001:db8:c::10");
        KernelCounters before = dp.counters();
        // not IPv6 (ARP): passed to the host
        byte[] arp = new byte[60];
        System.arraycopy(OWN, 0, arp, 0, 6);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertThat(dp.run(arp).action()).isEqualTo(KernelDataPlane.Verdict.PASS);
        // truncated IPv6 header, wrong version, payload length past the frame: dropped as malformed
        assertThat(dp.run(Arrays.copyOf(frame(src, a, 17, 64, 8), 30)).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
        byte[] v4 = frame(src, a, 17, 64, 8);
        v4[14] = 0x40;
        assertThat(dp.run(v4).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
        byte[] longer = frame(src, a, 17, 64, 8);
        longer[19] = 9;
        assertThat(dp.run(longer).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
        // a served anycast address without a binding: dropped in the kernel, the Java agent never sees it
        assertThat(dp.run(frame(src, anycast(999), 17, 64, 8)).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
        // ... but a DHAAD request (ICMPv6) to the prefix goes up
        assertThat(dp.run(frame(src, Ipv6Address.parse("2001:db8:a::fdff:ffff:ffff:fffe"), 58, 64, 8)).action())
                .isEqualTo(KernelDataPlane.Verdict.PASS);
        // hop limit 1: dropped; Neighbor Solicitation for the anycast address: up to the Java agent
        assertThat(dp.run(frame(src, a, 17, 1, 8)).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
        byte[] ns = frame(src, a, 58, 255, 24);
        ns[54] = (byte) 135;
        assertThat(dp.run(ns).action()).isEqualTo(KernelDataPlane.Verdict.PASS);
        // too big for the link once tunnelled (1500 - 40): up to the Java agent, which answers Packet Too Big
        assertThat(dp.run(frame(src, a, 17, 64, 1500 - 40 - 40 + 1)).action()).isEqualTo(KernelDataPlane.Verdict.PASS);
        assertThat(dp.run(frame(src, a, 17, 64, 1500 - 40 - 40)).action()).isEqualTo(KernelDataPlane.Verdict.TX);
        // a Binding Update (mobility header) to the agent: up
        assertThat(dp.run(frame(src, AGENT, 135, 64, 16)).action()).isEqualTo(KernelDataPlane.Verdict.PASS);
        // reverse tunnel: from a registered care-of address, for a global destination: decapsulated, one hop less
        Ipv6Address client = Ipv6Address.parse("2001:db8:c::10");
        byte[] inner = Arrays.copyOfRange(frame(a, client, 17, 64, 8), 14, 14 + 48);
        KernelDataPlane.Verdict rv = dp.run(reverse(l.get(1).careOf(), inner));
        assertThat(rv.action()).isEqualTo(KernelDataPlane.Verdict.TX);
        byte[] out = Arrays.copyOfRange(rv.frame(), 14, 14 + 48);
        inner[7]--;
        assertThat(out).isEqualTo(inner);
        assertThat(Arrays.copyOfRange(rv.frame(), 0, 6)).isEqualTo(ROUTER);
        // ... from an unregistered source, to a served address, to the agent, to a link-local address: dropped
        assertThat(dp.run(reverse(Ipv6Address.parse("2001:db8:66::1"), inner)).action())
                .isEqualTo(KernelDataPlane.Verdict.DROP);
        for (Ipv6Address bad : new Ipv6Address[] {anycast(7), AGENT, Ipv6Address.parse("fe80::1")}) {
            byte[] in2 = Arrays.copyOfRange(frame(a, bad, 17, 64, 8), 14, 14 + 48);
            assertThat(dp.run(reverse(l.get(0).careOf(), in2)).action()).as("to %s", bad)
                    .isEqualTo(KernelDataPlane.Verdict.DROP);
        }
        KernelCounters c = dp.counters();
        assertThat(c.notIpv6() - before.notIpv6()).isEqualTo(1);
        assertThat(c.malformed() - before.malformed()).isEqualTo(3);
        assertThat(c.noBinding() - before.noBinding()).isEqualTo(1);
        assertThat(c.droppedHopLimit() - before.droppedHopLimit()).isEqualTo(1);
        assertThat(c.passedTooBig() - before.passedTooBig()).isEqualTo(1);
        assertThat(c.passedOther() - before.passedOther()).isEqualTo(3);
        assertThat(c.forwarded() - before.forwarded()).isEqualTo(1);
        assertThat(c.reverseForwarded() - before.reverseForwarded()).isEqualTo(1);
        assertThat(c.droppedReverseSource() - before.droppedReverseSource()).isEqualTo(1);
        assertThat(c.droppedReverseDestination() - before.droppedReverseDestination()).isEqualTo(3);
    }

    /** A reverse-tunnelled frame: outer from {@code careOf} to the agent, around {@code inner}. */
    static byte[] reverse(Ipv6Address careOf, byte[] inner) {
        byte[] f = frame(careOf, AGENT, 41, 64, inner.length);
        System.arraycopy(inner, 0, f, 54, inner.length);
        return f;
    }

    @Test
    void aPinHoldsItsResponderWhenAnotherJoinsAndLapsesWhenItsResponderLeaves() throws Exception {
        Ipv6Address a = anycast(42);
        List<AnycastBinding> two = bindings(a, 2, false);
        pinned.bindingsChanged(a, two);
        List<AnycastBinding> three = bindings(a, 3, false);
        SelectionPolicy.Candidates c3 = SelectionPolicy.Candidates.of(three);
        SelectionPolicy java = Policies.table(KEY);
        // an initiator whom the third responder would win, once it is there
        SplittableRandom r = new SplittableRandom(11);
        Ipv6Address src;
        do {
            src = random(r);
        } while (java.select(src.high(), src.low(), c3) != 2);
        Ipv6Address first = outerDestination(pinned.run(frame(src, a, 6, 64, 20)).frame());
        pinned.bindingsChanged(a, three);
        assertThat(outerDestination(pinned.run(frame(src, a, 6, 64, 20)).frame()))
                .as("pinned: stays with its responder when a third joins").isEqualTo(first);
        dp.bindingsChanged(a, three);
        assertThat(outerDestination(dp.run(frame(src, a, 6, 64, 20)).frame()))
                .as("without pins the same table sends it to the third: the pin is what holds it")
                .isEqualTo(three.get(2).careOf());
        // its responder leaves: the pin lapses, the table decides
        List<AnycastBinding> without = new ArrayList<>(three);
        without.removeIf(b -> b.careOf().equals(first));
        pinned.bindingsChanged(a, without);
        int j = Math.floorMod(java.select(src.high(), src.low(), SelectionPolicy.Candidates.of(without)), 2);
        assertThat(outerDestination(pinned.run(frame(src, a, 6, 64, 20)).frame())).isEqualTo(without.get(j).careOf());
        assertThat(pinned.counters().pinHits()).isPositive();
    }

    @Test
    void theMirrorFollowsAnAddressDownToOneBindingAndToNone() throws Exception {
        Ipv6Address a = anycast(43);
        List<AnycastBinding> three = bindings(a, 3, false);
        dp.bindingsChanged(a, three);
        int tables = dp.mirrorStats().tablesInUse();
        dp.bindingsChanged(a, three.subList(2, 3));
        assertThat(dp.mirrorStats().tablesInUse()).as("one binding needs no table").isEqualTo(tables - 1);
        Ipv6Address src = Ipv6Address.parse("2001:db8:c::77");
        assertThat(outerDestination(dp.run(frame(src, a, 17, 64, 8)).frame())).isEqualTo(three.get(2).careOf());
        dp.bindingsChanged(a, List.of());
        assertThat(dp.run(frame(src, a, 17, 64, 8)).action()).as("no binding left: dropped and counted")
                .isEqualTo(KernelDataPlane.Verdict.DROP);
        assertThat(dp.mirroredAddresses()).doesNotContain(a);
        // the care-of entries went too: that responder's reverse tunnel is refused now
        byte[] inner = Arrays.copyOfRange(frame(a, src, 17, 64, 8), 14, 14 + 48);
        assertThat(dp.run(reverse(three.get(2).careOf(), inner)).action()).isEqualTo(KernelDataPlane.Verdict.DROP);
    }
}
