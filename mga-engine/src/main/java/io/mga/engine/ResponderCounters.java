package io.mga.engine;

/**
 * A snapshot of a responder's counters.
 *
 * @param received packets handed to the responder
 * @param served requests its services answered (UDP datagrams taken by a service, Echo Requests)
 * @param malformed packets that did not parse, were not for this responder, or that no service took
 * @param unauthenticated Binding Acknowledgements that did not authenticate
 * @param unmatched Binding Acknowledgements that authenticated but answered no outstanding BU (late, duplicated,
 *     replayed)
 */
public record ResponderCounters(long received, long served, long malformed, long unauthenticated, long unmatched) {
}
