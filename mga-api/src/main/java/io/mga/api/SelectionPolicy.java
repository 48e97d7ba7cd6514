package io.mga.api;

import java.util.List;
import java.util.Objects;

/**
 * Chooses which registered responder receives a packet an initiator sent to an anycast address (MGA Advanced
 * Model, MGA paper §4.4). Called on the agent's thread for every packet of an anycast address with more than one
 * binding that is not pinned to a responder, so it must be fast and should not allocate; it may keep state (a
 * round-robin cursor) because it is never called concurrently.
 *
 * <p>Addresses are passed as their two 64-bit halves (the first and last eight octets, big-endian), as the agent's
 * binding table keeps them, so that the data path needs no {@link Ipv6Address} object per packet.
 */
@FunctionalInterface
public interface SelectionPolicy {
    /**
     * Picks a responder.
     *
     * @param initiatorHigh the first 64 bits of the initiator's source address
     * @param initiatorLow the last 64 bits of the initiator's source address
     * @param candidates the live bindings of the anycast address, never empty, in a stable order (by Binding ID);
     *     valid only during this call
     * @return an index into {@code candidates}; out-of-range answers are reduced modulo the size
     */
    int select(long initiatorHigh, long initiatorLow, Candidates candidates);

    /**
     * A read-only, allocation-free view of the bindings a policy chooses among. Index {@code i} runs from 0 to
     * {@code size() - 1}. The agent reuses one instance: do not keep it past the call.
     */
    interface Candidates {
        /** @return the number of candidates, at least 1 */
        int size();

        /**
         * @param i the candidate
         * @return the first 64 bits of its peer unicast (care-of) address
         */
        long careOfHigh(int i);

        /**
         * @param i the candidate
         * @return the last 64 bits of its peer unicast (care-of) address
         */
        long careOfLow(int i);

        /**
         * @param i the candidate
         * @return its RFC 5648 Binding ID, 0 to 65535
         */
        int bindingId(int i);

        /**
         * @param i the candidate
         * @return its advertised weight, 0 to 65535
         */
        int weight(int i);

        /**
         * @param i the candidate
         * @return its advertised load, 0 to 65535 (lower is less loaded)
         */
        int load(int i);

        /**
         * A view of a list of bindings, for tests and for code that holds {@link AnycastBinding} records.
         *
         * @param bindings the candidates, not empty
         * @return a view of them (it reads the list as it is when called)
         * @throws IllegalArgumentException if the list is empty
         */
        static Candidates of(List<AnycastBinding> bindings) {
            Objects.requireNonNull(bindings, "bindings");
            if (bindings.isEmpty()) {
                throw new IllegalArgumentException("no candidates");
            }
            return new Candidates() {
                @Override
                public int size() {
                    return bindings.size();
                }

                @Override
                public long careOfHigh(int i) {
                    return bindings.get(i).careOf().high();
                }

                @Override
                public long careOfLow(int i) {
                    return bindings.get(i).careOf().low();
                }

                @Override
                public int bindingId(int i) {
                    return bindings.get(i).bindingId();
                }

                @Override
                public int weight(int i) {
                    return bindings.get(i).weight();
                }

                @Override
                public int load(int i) {
                    return bindings.get(i).load();
                }
            };
        }
    }
}
