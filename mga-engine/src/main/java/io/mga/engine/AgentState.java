package io.mga.engine;

import io.mga.api.Ipv6Address;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link HomeAnycastAgent} must remember across a restart to come back serving at once, as immutable values
 * in wall-clock time (so that the time left survives the process): its bindings with their sequence numbers, the
 * last replay-protection timestamp accepted per SPI (RFC 4285 §6), and the sequence numbers of recently deleted
 * bindings (RFC 6275 §9.5.1, MAX_DELETE_BCE_TIMEOUT). Session pins are not kept: after a restart a flow's next
 * packet is placed by the selection policy again (the rendezvous policy places it where it was while the
 * responders are unchanged).
 *
 * <p>Made by {@link HomeAnycastAgent#snapshot(long)}, given back through {@link AgentConfig.Builder#restore}; the
 * file format is {@link io.mga.engine.persist.StateCodec}'s.
 *
 * @param savedAtUnixNanos when it was taken, Unix nanoseconds
 * @param bindings the live bindings
 * @param replayMarks the last timestamp accepted under each SPI
 * @param retired the remembered sequence numbers of deleted bindings
 */
public record AgentState(long savedAtUnixNanos, List<Binding> bindings, List<ReplayMark> replayMarks,
        List<Retired> retired) {

    /**
     * Copies the lists.
     *
     * @param savedAtUnixNanos when
     * @param bindings not null
     * @param replayMarks not null
     * @param retired not null
     */
    public AgentState {
        bindings = List.copyOf(bindings);
        replayMarks = List.copyOf(replayMarks);
        retired = List.copyOf(retired);
    }

    /** @return a state with nothing in it, taken at Unix time 0 */
    public static AgentState empty() {
        return new AgentState(0, List.of(), List.of(), List.of());
    }

    /**
     * One binding.
     *
     * @param anycast the anycast address
     * @param bindingId the Binding ID (0 in the Basic Model), 0 to 65535
     * @param careOf the care-of (peer unicast) address
     * @param responder the responder's identity
     * @param weight its weight, 0 to 65535
     * @param load its load, 0 to 65535
     * @param sequence the last sequence number accepted, 0 to 65535
     * @param expiresAtUnixNanos when it lapses unless refreshed, Unix nanoseconds
     */
    public record Binding(Ipv6Address anycast, int bindingId, Ipv6Address careOf, String responder, int weight,
            int load, int sequence, long expiresAtUnixNanos) {
        /**
         * Validates.
         *
         * @param anycast not null
         * @param bindingId 16 bits
         * @param careOf not null
         * @param responder not null
         * @param weight 16 bits
         * @param load 16 bits
         * @param sequence 16 bits
         * @param expiresAtUnixNanos any
         * @throws IllegalArgumentException if a number is out of range
         */
        public Binding {
            Objects.requireNonNull(anycast, "anycast");
            Objects.requireNonNull(careOf, "careOf");
            Objects.requireNonNull(responder, "responder");
            if ((bindingId | weight | load | sequence) >>> 16 != 0) {
                throw new IllegalArgumentException("binding id, weight, load and sequence are 16-bit values");
            }
        }
    }

    /**
     * The last replay-protection timestamp accepted under one SPI.
     *
     * @param spi the Mobility SPI (32 bits)
     * @param timestamp the 64-bit NTP timestamp
     */
    public record ReplayMark(long spi, long timestamp) {
    }

    /**
     * A deleted binding's last sequence number, still remembered.
     *
     * @param responder the identity that held it
     * @param anycast its anycast address
     * @param bindingId its Binding ID
     * @param sequence its last sequence number, 0 to 65535
     * @param forgetAtUnixNanos when it is forgotten, Unix nanoseconds
     */
    public record Retired(String responder, Ipv6Address anycast, int bindingId, int sequence, long forgetAtUnixNanos) {
        /**
         * Validates.
         *
         * @param responder not null
         * @param anycast not null
         * @param bindingId 16 bits
         * @param sequence 16 bits
         * @param forgetAtUnixNanos any
         * @throws IllegalArgumentException if a number is out of range
         */
        public Retired {
            Objects.requireNonNull(responder, "responder");
            Objects.requireNonNull(anycast, "anycast");
            if ((bindingId | sequence) >>> 16 != 0) {
                throw new IllegalArgumentException("binding id and sequence are 16-bit values");
            }
        }
    }
}
