package io.mga.bench;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.ExtensionHeader;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Option;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.MobilityHeader;
import io.mga.wire.MobilityMessage;
import io.mga.wire.MobilityOption;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Tunnel;
import io.mga.wire.Udp;
import io.mga.wire.fast.Encapsulation;
import io.mga.wire.fast.Ipv6View;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;

/**
 * The wire layer beside its references, in one JMH run: decoding a Binding Update (IPv6 + Destination Options
 * with the Home Address option + Mobility Header BU, the facts sheet's §11.1 packet) into records against pcap4j
 * 1.8.2 ({@code IpV6Packet.newPacket}, which does not even decode the MH); the flyweight walk to the MH fields
 * against a hand-written zero-allocation walk (the floor); decoding IPv6-in-IPv6 to the inner UDP against pcap4j
 * (which does not decode protocol 41: its user must parse the inner packet at offset 40 too); and encapsulation
 * against pcap4j's builder and a {@code System.arraycopy} + 40-octet header floor. The {@code records} methods
 * build the records the two decodes return from field values read in the set-up, with no parsing: the ceiling a
 * decoder returning that record tree can reach. Run with {@code -prof gc}.
 * {@code java -jar mga-bench/target/benchmarks.jar WireBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireBenchmark {
    static final String BU = "6000000000283c4020010db800020000000000000000010020010db8000100000000000000000001"
            + "870201020000c91020010db800010000000000000000000a3b010500a1de0007c000010001020000";
    static final Ipv6Address HAA = Ipv6Address.parse("2001:db8:a::1");
    static final Ipv6Address PUA = Ipv6Address.parse("2001:db8:1::100");

    private byte[] bu;
    private byte[] tunnel;
    private byte[] inner;
    private final byte[] out = new byte[2048];
    private final Ipv6View view = new Ipv6View();

    /** Field values of the two packets, read once in the set-up, for the records-only benchmarks. */
    private int hopLimit;
    private int checksum;
    private int sequence;
    private int flags;
    private int lifetime;
    private long[] words;
    private int port;
    private int udpChecksum;
    private static final Ipv6Option PAD4 = Ipv6Option.PadN.ofTotalLength(4);
    private static final List<MobilityOption> BU_PADDING = List.of(new MobilityOption.PadN(Bytes.zeros(2)));

    /** Builds the packets. */
    @Setup
    public void setup() {
        bu = Bytes.fromHex(BU).toArray();
        Ipv6Packet udp = Ipv6Packet.build(Ipv6Header.of(64, Ipv6Address.parse("2001:db8:c::10"),
                Ipv6Address.parse("2001:db8:a::53")), List.of(), new Udp(40000, 53, Bytes.of(new byte[64])));
        inner = PacketEncoder.encode(udp);
        tunnel = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, HAA, PUA), List.of(), new Tunnel(udp)));
        hopLimit = bu[7] & 0xff;
        checksum = u16(bu, 68);
        sequence = u16(bu, 70);
        flags = u16(bu, 72);
        lifetime = u16(bu, 74);
        words = new long[] {u64(bu, 8), u64(bu, 16), u64(bu, 24), u64(bu, 32), u64(bu, 48), u64(bu, 56),
            u64(tunnel, 8), u64(tunnel, 16), u64(tunnel, 24), u64(tunnel, 32),
            u64(tunnel, 48), u64(tunnel, 56), u64(tunnel, 64), u64(tunnel, 72)};
        port = u16(tunnel, 80);
        udpChecksum = u16(tunnel, 86);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static long u64(byte[] b, int i) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | (b[i + k] & 0xff);
        }
        return v;
    }

    /**
     * @return the decoded record
     * @throws MalformedPacketException never, for this packet
     */
    @Benchmark
    public Ipv6Packet decodeBuMga() throws MalformedPacketException {
        return PacketDecoder.decode(bu);
    }

    /** @return the records {@link #decodeBuMga} returns, built from values already read: no parsing */
    @Benchmark
    public Ipv6Packet recordsBu() {
        long[] w = words;
        Ipv6Header h = new Ipv6Header(0, 0, hopLimit, w[0], w[1], w[2], w[3]);
        ExtensionHeader d = new ExtensionHeader.DestinationOptions(
                List.of(PAD4, new Ipv6Option.HomeAddress(w[4], w[5])));
        MobilityHeader m = new MobilityHeader(59, 0, checksum,
                new MobilityMessage.BindingUpdate(sequence, flags, lifetime, BU_PADDING));
        return new Ipv6Packet(h, List.of(d), m);
    }

    /**
     * @return pcap4j's packet
     * @throws IllegalRawDataException never, for this packet
     */
    @Benchmark
    public IpV6Packet decodeBuPcap4j() throws IllegalRawDataException {
        return IpV6Packet.newPacket(bu, 0, bu.length);
    }

    /** @return the MH type and sequence number read through the flyweight */
    @Benchmark
    public int walkBuFlyweight() {
        if (!view.wrap(bu, 0, bu.length) || view.mobilityHeaderType() != 5) {
            return -1;
        }
        int mh = view.upperLayerOffset();
        return ((bu[mh + 6] & 0xff) << 8 | (bu[mh + 7] & 0xff)) + (int) view.homeAddressLow();
    }

    /** @return the same, by a hand-written walk that knows only this chain's shape (the floor) */
    @Benchmark
    public int walkBuFloor() {
        byte[] b = bu;
        if ((b[0] & 0xf0) != 0x60 || b[6] != 60) {
            return -1;
        }
        int mh = 40 + ((b[41] & 0xff) + 1) * 8;
        if ((b[40] & 0xff) != 135 || b[mh + 2] != 5) {
            return -1;
        }
        long hoaLow = 0;
        for (int i = 56; i < 64; i++) {
            hoaLow = hoaLow << 8 | (b[i] & 0xff);
        }
        return ((b[mh + 6] & 0xff) << 8 | (b[mh + 7] & 0xff)) + (int) hoaLow;
    }

    /**
     * @return the inner UDP payload length
     * @throws MalformedPacketException never, for this packet
     */
    @Benchmark
    public int decodeTunnelMga() throws MalformedPacketException {
        Ipv6Packet p = PacketDecoder.decode(tunnel);
        return ((Udp) ((Tunnel) p.upper()).inner().upper()).payload().length();
    }

    /**
     * @return the records {@link #decodeTunnelMga} makes, built from values already read, the payload copied: no
     *     parsing (returned whole, so that escape analysis cannot remove them)
     */
    @Benchmark
    public Ipv6Packet recordsTunnel() {
        long[] w = words;
        Ipv6Header ih = new Ipv6Header(0, 0, hopLimit, w[10], w[11], w[12], w[13]);
        Ipv6Packet in = new Ipv6Packet(ih, List.of(), new Udp(port, 53, udpChecksum, Bytes.copyOf(tunnel, 88, 64)));
        Ipv6Header oh = new Ipv6Header(0, 0, hopLimit, w[6], w[7], w[8], w[9]);
        return new Ipv6Packet(oh, List.of(), new Tunnel(in));
    }

    /**
     * @return the inner packet's payload length, parsing the outer and then the inner packet
     * @throws IllegalRawDataException never, for this packet
     */
    @Benchmark
    public int decodeTunnelPcap4j() throws IllegalRawDataException {
        IpV6Packet outer = IpV6Packet.newPacket(tunnel, 0, tunnel.length);
        IpV6Packet in = IpV6Packet.newPacket(tunnel, 40, tunnel.length - 40);
        return outer.length() + in.getPayload().length();
    }

    /** @return octets written by mga's encapsulation into a reused buffer */
    @Benchmark
    public int encapsulateMga() {
        return Encapsulation.wrapCopy(inner, 0, inner.length, out, 0, HAA, PUA, 64);
    }

    /** @return octets written by the floor: a 40-octet header and one arraycopy */
    @Benchmark
    public int encapsulateFloor() {
        byte[] o = out;
        o[0] = 0x60;
        o[1] = 0;
        o[2] = 0;
        o[3] = 0;
        o[4] = (byte) (inner.length >>> 8);
        o[5] = (byte) inner.length;
        o[6] = 41;
        o[7] = 64;
        System.arraycopy(HAA_BYTES, 0, o, 8, 16);
        System.arraycopy(PUA_BYTES, 0, o, 24, 16);
        System.arraycopy(inner, 0, o, 40, inner.length);
        return inner.length + 40;
    }

    private static final byte[] HAA_BYTES = HAA.toBytes();
    private static final byte[] PUA_BYTES = PUA.toBytes();

    /**
     * @return the octets pcap4j's builder makes
     * @throws Exception if pcap4j refuses the addresses
     */
    @Benchmark
    public byte[] encapsulatePcap4j() throws Exception {
        return new IpV6Packet.Builder().version(IpVersion.IPV6)
                .trafficClass(org.pcap4j.packet.IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(org.pcap4j.packet.IpV6SimpleFlowLabel.newInstance(0)).nextHeader(IpNumber.IPV6)
                .hopLimit((byte) 64).srcAddr(HAA_INET).dstAddr(PUA_INET)
                .payloadBuilder(new UnknownPacket.Builder().rawData(inner)).correctLengthAtBuild(true).build()
                .getRawData();
    }

    private static final java.net.Inet6Address HAA_INET = inet(HAA);
    private static final java.net.Inet6Address PUA_INET = inet(PUA);

    private static java.net.Inet6Address inet(Ipv6Address a) {
        try {
            return (java.net.Inet6Address) java.net.InetAddress.getByAddress(a.toBytes());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
