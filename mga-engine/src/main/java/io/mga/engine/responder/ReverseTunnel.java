package io.mga.engine.responder;

import io.mga.api.Ipv6Address;
import io.mga.engine.mobility.MobilitySender;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.Tunnel;
import java.util.List;

/**
 * The responder's reverse tunnel (RFC 6275 §11.3.1, RFC 2473): a packet with the anycast address as source,
 * encapsulated from the care-of address to the agent that delivered the request.
 */
public final class ReverseTunnel {
    private final Ipv6Address careOf;
    private final MobilitySender sender;

    /**
     * @param careOf the outer source, the responder's peer unicast address
     * @param sender the responder's sender
     */
    public ReverseTunnel(Ipv6Address careOf, MobilitySender sender) {
        this.careOf = careOf;
        this.sender = sender;
    }

    /**
     * Sends a packet through the tunnel to an agent.
     *
     * @param agent the agent
     * @param inner the packet (source: the anycast address)
     */
    public void send(Ipv6Address agent, Ipv6Packet inner) {
        sender.send(new Ipv6Packet(Ipv6Header.of(MobilitySender.HOP_LIMIT, careOf, agent), List.of(),
                new Tunnel(inner)));
    }
}
