package io.mga.sim;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.PacketHandler;
import io.mga.api.PacketIo;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.MalformedPacketException;
import io.mga.wire.PacketDecoder;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordinary, unmodified IPv6 host for the simulator: it sends UDP datagrams and Echo Requests, answers Echo
 * Requests, and records what it receives. It knows nothing of Mobile IPv6 or MGA, like the initiators MGA serves.
 * Not thread-safe.
 */
public final class PlainHost implements PacketHandler {

    /**
     * Something the host received.
     *
     * @param timeNanos when
     * @param source the packet's source address
     * @param packet the decoded packet
     */
    public record Received(long timeNanos, Ipv6Address source, Ipv6Packet packet) {
    }

    private final Ipv6Address address;
    private final PacketIo io;
    private final List<Received> received = new ArrayList<>();

    /**
     * Creates the host.
     *
     * @param address its address
     * @param io where it sends (its node's {@link SimNode#io()})
     */
    public PlainHost(Ipv6Address address, PacketIo io) {
        this.address = address;
        this.io = io;
    }

    /** @return the host's address */
    public Ipv6Address address() {
        return address;
    }

    /**
     * Sends a UDP datagram.
     *
     * @param to destination address (an anycast address, typically)
     * @param fromPort source port
     * @param toPort destination port
     * @param payload the data
     */
    public void sendUdp(Ipv6Address to, int fromPort, int toPort, Bytes payload) {
        send(Ipv6Packet.build(Ipv6Header.of(64, address, to), List.of(), new Udp(fromPort, toPort, payload)));
    }

    /**
     * Sends an Echo Request.
     *
     * @param to destination
     * @param identifier identifier
     * @param sequence sequence number
     */
    public void ping(Ipv6Address to, int identifier, int sequence) {
        send(Ipv6Packet.build(Ipv6Header.of(64, address, to), List.of(),
                new Icmpv6(new Icmpv6Message.Echo(Icmpv6Message.Echo.REQUEST, 0, identifier, sequence, Bytes.EMPTY))));
    }

    private static int offsetOfHomeAddressOption(byte[] b, int off, int len) {
        io.mga.wire.fast.Ipv6View v = new io.mga.wire.fast.Ipv6View();
        return v.wrap(b, off, len) && v.homeAddressOffset() >= 0 ? v.homeAddressOffset() - off : -1;
    }

    /** Offset of the Next Header field that names the upper layer. */
    private static int nextHeaderOffsetOfUpper(byte[] b, int off, int len) {
        io.mga.wire.fast.Ipv6View v = new io.mga.wire.fast.Ipv6View();
        if (!v.wrap(b, off, len)) {
            return 6;
        }
        int pos = off + 40;
        int field = off + 6;
        while (pos < v.upperLayerOffset()) {
            field = pos;
            pos += ((b[pos + 1] & 0xff) + 1) * 8;
        }
        return field - off;
    }

    private void parameterProblem(Ipv6Packet p, int code, int pointer, byte[] b, int off, int len) {
        if (!p.header().source().isUnicastRoutable()) {
            return;
        }
        send(Ipv6Packet.build(Ipv6Header.of(64, address, p.header().source()), List.of(), new Icmpv6(
                new Icmpv6Message.ParameterProblem(code, pointer, Bytes.copyOf(b, off, Math.min(len, 1232))))));
    }

    private void send(Ipv6Packet p) {
        byte[] b = PacketEncoder.encode(p);
        io.send(b, 0, b.length);
    }

    /** @return everything received so far, oldest first */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** @return the UDP datagrams received so far */
    public List<Received> udp() {
        return received.stream().filter(r -> r.packet().upper() instanceof Udp).toList();
    }

    /** Forgets what was received. */
    public void clear() {
        received.clear();
    }

    @Override
    public void receive(byte[] packet, int offset, int length, long nowNanos) {
        Ipv6Packet p;
        try {
            p = PacketDecoder.decode(packet, offset, length);
        } catch (MalformedPacketException e) {
            return;
        }
        received.add(new Received(nowNanos, p.header().source(), p));
        // like a Linux host without Mobile IPv6 (facts §1.5): a Home Address option is an unrecognised option
        // (type 0xC9, action 11: Parameter Problem code 2), a Mobility Header an unrecognised Next Header (code 1)
        int hao = offsetOfHomeAddressOption(packet, offset, length);
        if (hao >= 0) {
            parameterProblem(p, 2, hao, packet, offset, length);
            return;
        }
        if (p.upper() instanceof io.mga.wire.MobilityHeader) {
            parameterProblem(p, 1, nextHeaderOffsetOfUpper(packet, offset, length), packet, offset, length);
            return;
        }
        if (p.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.Echo e
                && e.type() == Icmpv6Message.Echo.REQUEST) {
            send(Ipv6Packet.build(Ipv6Header.of(64, address, p.header().source()), List.of(),
                    new Icmpv6(new Icmpv6Message.Echo(Icmpv6Message.Echo.REPLY, 0, e.identifier(), e.sequence(),
                            e.data()))));
        }
    }
}
