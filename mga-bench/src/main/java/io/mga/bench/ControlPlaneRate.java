package io.mga.bench;

import io.mga.api.AnycastBinding;
import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.ResponderCredentials;
import io.mga.engine.HomeAnycastAgent;
import io.mga.engine.Policies;
import io.mga.engine.crypto.MnHaAuth;
import io.mga.engine.mobility.MobilitySender;
import io.mga.kernel.KernelDataPlane;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Binding changes per second end to end with the kernel data plane: a signed Binding Update into the agent
 * (authentication, sequence, the binding cache), the agent's {@link io.mga.engine.BindingTableListener} call, and
 * the kernel's maps written through bpf(2) before the agent's call returns. The program is loaded and its maps
 * are the real ones, but it is not attached to an interface (the forwarding rate is {@link ForwardingRate}'s).
 * Each phase re-registers every binding with another care-of address (a change every time), so the figure counts
 * only BUs that change the kernel's tables; the BUs are signed before the clock starts.
 *
 * <p>After an untimed warm-up set-up (10,000 bindings, 3 rounds), three set-ups: 1,000 and 100,000 anycast addresses with one binding each (a care-of change rewrites the
 * address's entry and its care-of entries), and 250 anycast addresses with four bindings each, 1,000 bindings (a
 * change recomputes that address's 4,096-entry selection table and writes the entries that moved). Needs root, the
 * compiled program and bpftool. {@code java -cp mga-bench/target/benchmarks.jar io.mga.bench.ControlPlaneRate}
 */
public final class ControlPlaneRate {
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final Bytes KEY = Bytes.fromHex("00112233445566778899aabbccddeeff");

    private ControlPlaneRate() {
    }

    static Ipv6Address anycast(int i) {
        return new Ipv6Address(0x2001_0db8_000a_0000L, 0x1_0000_0000L + i);
    }

    static Ipv6Address careOf(int round, int bid) {
        return new Ipv6Address(0x2001_0db8_0001_0000L | round, 0x100L + bid);
    }

    static byte[] bu(MnHaAuth auth, Ipv6Address aa, int bid, Ipv6Address coa, int seq) {
        MobilityMessage m = MobilityMessage.BindingUpdate.of(seq, 0xc000, 7500,
                new MobilityOption.AlternateCareOfAddress(coa), MobilityOption.BindingIdentifier.of(bid, 0, coa),
                new MobilityOption.Authentication(1, 1000, Bytes.zeros(12)));
        MobilityMessage s = MobilitySender.signMnHa(auth, KEY.toArray(), coa, aa, m);
        return PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, coa, HAA),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(aa)), new MobilityHeader(s)));
    }

    /**
     * One set-up: registers everything, then times {@code rounds} rounds of care-of changes.
     *
     * @return a line for the table
     */
    static String measure(String name, int anycasts, int perAnycast, int rounds) throws Exception {
        int bindings = anycasts * perAnycast;
        long[] acks = new long[1];
        HomeAnycastAgent haa = HomeAnycastAgent.builder().address(HAA).serve(Ipv6Prefix.parse("2001:db8:a::/48"))
                .model(Model.ADVANCED).policy(Policies.table(5)).replayProtection(false, 7_000_000_000L)
                .maxBindings(bindings).maxBindingsPerResponder(bindings).maxLifetimeSeconds(30_000)
                .responder(new ResponderCredentials("ar1@example.net", 1000, KEY,
                        List.of(Ipv6Prefix.parse("2001:db8:a::/48"))))
                .io((b, o, l) -> acks[0]++).build(0);
        KernelDataPlane dp = KernelDataPlane.load(new KernelDataPlane.Options("mgbcp", HAA,
                List.of(Ipv6Prefix.parse("2001:db8:a::/48")), 64, 5, true, 60_000_000_000L,
                Path.of("/sys/fs/bpf/mga-bench-cp-" + ProcessHandle.current().pid()), new byte[] {2, 0, 0, 0, 0, 1},
                1500));
        try {
            haa.bindingTableListener(dp);
            MnHaAuth auth = new MnHaAuth();
            long now = 1_000;
            List<Double> rates = new ArrayList<>();
            for (int r = 0; r <= rounds; r++) {
                byte[][] bus = new byte[bindings][];
                for (int a = 0, k = 0; a < anycasts; a++) {
                    for (int b = 1; b <= perAnycast; b++) {
                        bus[k++] = bu(auth, anycast(a), b, careOf(r, b), r + 1);
                    }
                }
                long changes0 = dp.mirrorStats().changes();
                long t0 = System.nanoTime();
                for (byte[] b : bus) {
                    now += 1_000;
                    haa.receive(b, 0, b.length, now);
                }
                long t = System.nanoTime() - t0;
                long changes = dp.mirrorStats().changes() - changes0;
                if (changes != bindings || haa.bindingCount() != bindings) {
                    throw new IllegalStateException(name + ": " + changes + " changes mirrored, "
                            + haa.bindingCount() + " bindings, for " + bindings + " BUs; counters " + haa.counters());
                }
                if (r > 0) { // round 0 registers; the rounds after it change every binding's care-of address
                    rates.add(changes / (t / 1e9));
                }
            }
            List<AnycastBinding> sample = haa.bindings(anycast(0));
            KernelDataPlane.MirrorStats ms = dp.mirrorStats();
            double best = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double median = rates.stream().sorted().toList().get(rates.size() / 2);
            return String.format("%-52s %9d %12.0f %12.0f   %s; sample %s", name, bindings, median, best,
                    ms, sample.get(0).careOf());
        } finally {
            dp.close();
        }
    }

    /**
     * Runs the three set-ups and prints a table (also to control-plane-rate.txt).
     *
     * @param args none
     * @throws Exception if the program cannot be loaded (not root, not built)
     */
    public static void main(String[] args) throws Exception {
        StringBuilder t = new StringBuilder(String.format("%-52s %9s %12s %12s%n", "", "bindings",
                "changes/s med", "changes/s max"));
        // a warm-up set-up first, untimed (the JIT compiles the registration and mirror paths meanwhile)
        measure("warm-up", 10_000, 1, 3);
        t.append(measure("1 binding per anycast address, 1k", 1_000, 1, 30)).append('\n');
        t.append(measure("1 binding per anycast address, 100k", 100_000, 1, 3)).append('\n');
        t.append(measure("4 bindings per anycast address (tables), 1k", 250, 4, 30)).append('\n');
        t.append(String.format("load average at the end (/proc/loadavg): %s%n",
                Files.readString(Path.of("/proc/loadavg")).trim()));
        System.out.print(t);
        Files.writeString(Path.of("control-plane-rate.txt"), t.toString());
    }
}
