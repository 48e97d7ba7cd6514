package io.mga.engine;

/**
 * A snapshot of an initiator's counters.
 *
 * @param received packets handed to the initiator
 * @param datagrams UDP datagrams delivered to the client
 * @param malformed packets that did not parse or were not for this initiator
 * @param bindingErrorsSent Binding Errors sent (Home Address option without a binding)
 * @param testAnswersSuppressed HoTIs and CoTIs left unanswered because the answers' rate limit was spent (10 a
 *     second to one source /64, 1,000 in all)
 */
public record InitiatorCounters(long received, long datagrams, long malformed, long bindingErrorsSent,
        long testAnswersSuppressed) {
}
