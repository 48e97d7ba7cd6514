package io.mga.api;

import java.util.List;

/**
 * Chooses which registered responder receives a packet an initiator sent to an anycast address (MGA Advanced
 * Model, paper §4.4). Called on the agent's thread for every packet not pinned to a responder, so it must be
 * fast; it may keep state (a round-robin cursor) because it is never called concurrently.
 */
@FunctionalInterface
public interface SelectionPolicy {
    /**
     * Picks a responder.
     *
     * @param initiator the source address of the initiator's packet
     * @param candidates the live bindings of the anycast address, never empty, in a stable order (by Binding ID)
     * @return an index into {@code candidates}
     */
    int select(Ipv6Address initiator, List<AnycastBinding> candidates);
}
