package io.mga.engine;

/**
 * A snapshot of an initiator's counters.
 *
 * @param received packets handed to the initiator
 * @param datagrams UDP datagrams delivered to the client
 * @param malformed packets that did not parse or were not for this initiator
 * @param bindingErrorsSent Binding Errors sent (Home Address option without a binding)
 */
public record InitiatorCounters(long received, long datagrams, long malformed, long bindingErrorsSent) {
}
