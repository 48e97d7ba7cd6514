package io.mga.engine.responder;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.engine.mobility.MobilitySender;
import io.mga.engine.time.TimerWheel;
import io.mga.wire.Icmpv6;
import io.mga.wire.Icmpv6Message;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.mga.HomeAgentsAnycast;
import java.util.List;
import java.util.Random;

/**
 * Dynamic Home Agent Address Discovery from the responder's side (RFC 6275 §11.4.1): a request to the anycast home
 * link's Home-Agents anycast address (RFC 2526), retried DHAAD_RETRIES (4) times from INITIAL_DHAAD_TIMEOUT (3 s),
 * doubling; the agents of the matching reply go to the caller. Single-threaded.
 */
public final class Discovery {
    /** RFC 6275 §12 DHAAD_RETRIES. */
    static final int DHAAD_RETRIES = 4;
    /** RFC 6275 §12 INITIAL_DHAAD_TIMEOUT. */
    static final long INITIAL_DHAAD_TIMEOUT = 3_000_000_000L;

    /** Receives the agents a reply lists. */
    @FunctionalInterface
    public interface Found {
        /**
         * @param agents the agents, in the reply's order
         * @param now when
         */
        void agents(List<Ipv6Address> agents, long now);
    }

    private final Ipv6Address careOf;
    private final Ipv6Address target;
    private final MobilitySender sender;
    private final TimerWheel wheel;
    private final Random random;
    private final Found found;
    private int identifier = -1;
    private int tries;
    private long timeout;
    private TimerWheel.Timer timer;

    /**
     * @param careOf the request's source
     * @param homePrefix the /64 prefix of the anycast home link
     * @param sender the responder's sender
     * @param wheel its timers
     * @param random the source of identifiers
     * @param found who gets the agents
     */
    public Discovery(Ipv6Address careOf, Ipv6Prefix homePrefix, MobilitySender sender, TimerWheel wheel,
            Random random, Found found) {
        this.careOf = careOf;
        this.target = HomeAgentsAnycast.of(homePrefix);
        this.sender = sender;
        this.wheel = wheel;
        this.random = random;
        this.found = found;
    }

    /**
     * Sends the first request.
     *
     * @param now the current time
     */
    public void start(long now) {
        tries = 0;
        timeout = INITIAL_DHAAD_TIMEOUT;
        send(now);
    }

    private void send(long now) {
        identifier = random.nextInt(0x10000);
        sender.send(Ipv6Packet.build(Ipv6Header.of(MobilitySender.HOP_LIMIT, careOf, target), List.of(),
                new Icmpv6(new Icmpv6Message.HaadRequest(0, identifier, 0))));
        wheel.cancel(timer);
        timer = wheel.schedule(now + timeout, t -> {
            if (identifier >= 0 && tries++ < DHAAD_RETRIES) {
                timeout *= 2;
                send(t);
            }
        });
    }

    /**
     * A DHAAD Reply: taken only if it answers the outstanding request.
     *
     * @param reply the reply
     * @param now the current time
     */
    public void reply(Icmpv6Message.HaadReply reply, long now) {
        if (identifier < 0 || reply.identifier() != identifier) {
            return;
        }
        identifier = -1;
        wheel.cancel(timer);
        found.agents(reply.homeAgents(), now);
    }
}
