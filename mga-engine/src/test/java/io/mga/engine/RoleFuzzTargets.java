package io.mga.engine;

import static io.mga.engine.World.AA;
import static io.mga.engine.World.HAA;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Model;
import io.mga.api.Role;
import io.mga.engine.mobility.Ntp;
import io.mga.wire.fast.Ipv6View;
import io.mga.wire.mga.HomeAgentsAnycast;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Each role's {@code receive} under hostile input, the invariants checked after every packet. The input is read
 * as a stream of up to 16 packets (a 2-octet length, then the octets); the fuzzer's bytes are steered toward the
 * role: a packet of 40 octets or more gets version 6, a destination picked from the role's own addresses and a
 * source picked from those that matter to it (its agent, a registered care-of address, an initiator, a multicast
 * and a link-local address) or left as the fuzzer wrote it, and, on a flag, a Payload Length that fits. Time
 * advances by what the input says between packets, and the role's timers run.
 *
 * <p>Invariants: no exception escapes {@code receive} or {@code doWork}; the agent's binding cache stays within
 * its bound; nothing a role sends goes to a multicast, unspecified, loopback or link-local destination or to one
 * of the role's own addresses, and every source it uses is one of its own (the agent also sends decapsulated
 * answers, whose source is the anycast address).
 */
final class RoleFuzzTargets {
    static final Ipv6Address PUA1 = World.pua(1);
    static final Ipv6Address AI = Ipv6Address.parse("2001:db8:c::10");
    static final Ipv6Address[] SOURCES = {HAA, PUA1, AI, Ipv6Address.parse("ff02::1"), Ipv6Address.parse("fe80::1"),
        AA, World.pua(2)};
    static final int MAX_BINDINGS = 64;

    private RoleFuzzTargets() {
    }

    /** The agent, with one responder registered. */
    static void agent(byte[] data) {
        List<byte[]> sent = new ArrayList<>();
        long[] now = {1_000_000_000L};
        HomeAnycastAgent haa = HomeAnycastAgent.builder().address(HAA).serve(World.ANYCAST_PREFIX)
                .model(Model.ADVANCED).responder(World.cred(1)).responder(World.cred(2)).maxBindings(MAX_BINDINGS)
                .hashKey(1).io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(now[0]);
        byte[] bu = AgentAttackTest.bu(PUA1, AA, 1, 75, 1, 1001, World.key(1),
                Ntp.fromUnixNanos(io.mga.api.EpochClock.SIMULATED_EPOCH_NANOS + now[0]), true);
        haa.receive(bu, 0, bu.length, now[0]);
        if (haa.bindingCount() != 1) {
            throw new AssertionError("the set-up registration failed");
        }
        Set<Ipv6Address> own = Set.of(HAA);
        run(data, haa, new Ipv6Address[] {HAA, AA, HomeAgentsAnycast.of(World.ANYCAST_PREFIX),
            Ipv6Address.parse("2001:db8:a::99")}, now, sent, own, Set.of(HAA, AA),
            () -> {
                if (haa.bindingCount() > MAX_BINDINGS) {
                    throw new AssertionError("binding cache beyond its bound: " + haa.bindingCount());
                }
            });
    }

    /** A responder registered with one agent (route optimisation on). */
    static void responder(byte[] data) {
        List<byte[]> sent = new ArrayList<>();
        long[] now = {1_000_000_000L};
        AnycastResponder ar = AnycastResponder.builder().anycast(AA).careOf(PUA1).agent(HAA)
                .credentials("ar1@example.net", 1001, World.key(1)).bindingId(1)
                .discoverAgents(World.ANYCAST_PREFIX).routeOptimisation(true, 16)
                .udpService(53, (from, port, q) -> q)
                .io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(now[0]);
        ar.start(now[0]);
        run(data, ar, new Ipv6Address[] {PUA1}, now, sent, Set.of(PUA1, AA), Set.of(PUA1, AA), () -> { });
    }

    /** A Mobile IPv6 initiator (a correspondent node). */
    static void initiator(byte[] data) {
        List<byte[]> sent = new ArrayList<>();
        long[] now = {1_000_000_000L};
        AnycastInitiator ai = AnycastInitiator.builder().address(AI).maxBindings(8).random(new java.util.Random(1))
                .io((b, o, l) -> sent.add(java.util.Arrays.copyOfRange(b, o, o + l))).build(now[0]);
        ai.sendUdp(AA, 40000, 53, Bytes.of(new byte[] {'q'}), now[0]);
        run(data, ai, new Ipv6Address[] {AI}, now, sent, Set.of(AI), Set.of(AI), () -> { });
    }

    private static void run(byte[] data, Role role, Ipv6Address[] destinations, long[] now, List<byte[]> sent,
            Set<Ipv6Address> own, Set<Ipv6Address> sources, Runnable invariant) {
        sent.clear();
        int i = 0;
        for (int n = 0; n < 16 && i + 3 <= data.length; n++) {
            int len = Math.min((data[i] & 0xff) << 8 | (data[i + 1] & 0xff), data.length - i - 3);
            int steer = data[i + 2] & 0xff;
            byte[] p = java.util.Arrays.copyOfRange(data, i + 3, i + 3 + len);
            i += 3 + len;
            if (p.length >= Ipv6View.HEADER_LENGTH) {
                p[0] = (byte) (0x60 | (p[0] & 0x0f));
                destinations[steer % destinations.length].writeTo(p, Ipv6View.DESTINATION_OFFSET);
                int s = (steer >>> 3) % (SOURCES.length + 1);
                if (s < SOURCES.length) {
                    SOURCES[s].writeTo(p, Ipv6View.SOURCE_OFFSET);
                }
                if ((steer & 0x80) != 0) {
                    int pl = p.length - Ipv6View.HEADER_LENGTH;
                    p[Ipv6View.PAYLOAD_LENGTH_OFFSET] = (byte) (pl >>> 8);
                    p[Ipv6View.PAYLOAD_LENGTH_OFFSET + 1] = (byte) pl;
                }
            }
            now[0] += (steer & 0x07) * 250_000_000L; // up to 1.75 s between packets
            role.doWork(now[0]);
            role.receive(p, 0, p.length, now[0]);
            invariant.run();
            check(sent, own, sources);
        }
        now[0] += 400_000_000_000L; // every timer of the next minutes runs, on what the stream left behind
        role.doWork(now[0]);
        invariant.run();
        check(sent, own, sources);
    }

    private static void check(List<byte[]> sent, Set<Ipv6Address> own, Set<Ipv6Address> sources) {
        for (byte[] b : sent) {
            // the outer header only: the agent tunnels what it is sent for the anycast address without parsing it
            if (b.length < Ipv6View.HEADER_LENGTH || (b[0] & 0xf0) != 0x60) {
                throw new AssertionError("a role sent something that is not an IPv6 packet");
            }
            Ipv6Address dst = Ipv6Address.read(b, Ipv6View.DESTINATION_OFFSET);
            Ipv6Address src = Ipv6Address.read(b, Ipv6View.SOURCE_OFFSET);
            if (!dst.isUnicastRoutable() || own.contains(dst)) {
                throw new AssertionError("sent to " + dst + " from " + src);
            }
            if (!sources.contains(src)) {
                throw new AssertionError("sent from " + src + ", not one of the role's own addresses");
            }
        }
        sent.clear();
    }
}
