package io.mga.engine.responder;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.UdpService;
import io.mga.engine.mobility.MobilitySender;
import io.mga.wire.Checksums;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.Udp;
import java.util.List;
import java.util.Map;

/**
 * The services a responder runs in its JVM on the anycast address: UDP services by port, and ICMPv6 Echo
 * (RFC 4443 §4.1). It turns a request into the reply packet, with the anycast address as source; the caller
 * sends it (reverse tunnel or route-optimised). Single-threaded.
 */
public final class ServiceHost {
    private final Ipv6Address anycast;
    private final Map<Integer, UdpService> services;
    private long served;
    private long unserved;

    /**
     * @param anycast the anycast address served
     * @param services the UDP services by port
     */
    public ServiceHost(Ipv6Address anycast, Map<Integer, UdpService> services) {
        this.anycast = anycast;
        this.services = Map.copyOf(services);
    }

    /**
     * Serves one request.
     *
     * @param request the packet, addressed to the anycast address
     * @return the reply, or null when there is none (no service, bad checksum, nothing to answer)
     */
    public Ipv6Packet serve(Ipv6Packet request) {
        Ipv6Address initiator = request.header().source();
        if (!initiator.isUnicastRoutable() || initiator.equals(anycast)) {
            unserved++; // never answer a multicast, link-local or own source (no reflection to a group)
            return null;
        }
        if (request.upper() instanceof Udp u) {
            UdpService s = services.get(u.destinationPort());
            if (s == null || !Checksums.verify(request)) {
                unserved++;
                return null;
            }
            served++;
            Bytes out = s.handle(initiator, u.sourcePort(), u.payload());
            return out == null ? null : Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, anycast, initiator),
                    List.of(), new Udp(u.destinationPort(), u.sourcePort(), out));
        }
        if (request.upper() instanceof Icmpv6 i && i.message() instanceof Icmpv6Message.Echo e
                && e.type() == Icmpv6Message.Echo.REQUEST) {
            served++;
            return Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, anycast, initiator), List.of(),
                    new Icmpv6(new Icmpv6Message.Echo(Icmpv6Message.Echo.REPLY, 0, e.identifier(), e.sequence(),
                            e.data())));
        }
        unserved++;
        return null;
    }

    /** @return requests answered so far */
    public long served() {
        return served;
    }

    /** @return requests no service took */
    public long unserved() {
        return unserved;
    }
}
