package io.mga.cli.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a running role holds, as {@code mga status --json} prints it (every field is listed in
 * {@code docs/config.md}). Immutable; made on the role's thread.
 *
 * @param role haa or responder
 * @param interfaceName the interface it runs on
 * @param address its own unicast address
 * @param time the wall-clock time of the snapshot (ISO 8601)
 * @param uptimeSeconds seconds since the role started
 * @param bindings the agent's bindings (null for a responder)
 * @param pins the agent's pins in force (null for a responder)
 * @param responders the agent's accepted responders, without keys (null for a responder)
 * @param registrations the responder's registration with each agent (null for an agent)
 * @param counters the role's and its interface's counters, by name (with the kernel data path's, {@code kernel_*},
 *     when it runs)
 * @param store the agent's binding store (null for a responder)
 * @param dataPlane the agent's data path: "pcap", or the kernel's (XDP) with where it is pinned and its mirror's
 *     state (null for a responder)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(String role, String interfaceName, String address, String time, long uptimeSeconds,
        List<Binding> bindings, Integer pins, List<Credential> responders, List<Registration> registrations,
        Map<String, Long> counters, Store store, String dataPlane) {

    /**
     * Copies the lists.
     *
     * @param role the role
     * @param interfaceName the interface
     * @param address the address
     * @param time the time
     * @param uptimeSeconds the uptime
     * @param bindings the bindings or null
     * @param pins the pins or null
     * @param responders the responders or null
     * @param registrations the registrations or null
     * @param counters the counters
     * @param store the store or null
     * @param dataPlane the data path or null
     */
    public Snapshot {
        bindings = bindings == null ? null : List.copyOf(bindings);
        responders = responders == null ? null : List.copyOf(responders);
        registrations = registrations == null ? null : List.copyOf(registrations);
        counters = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(counters));
    }

    /**
     * A snapshot without a binding store or a data path (a responder's).
     *
     * @param role the role
     * @param interfaceName the interface
     * @param address the address
     * @param time the time
     * @param uptimeSeconds the uptime
     * @param bindings the bindings or null
     * @param pins the pins or null
     * @param responders the responders or null
     * @param registrations the registrations or null
     * @param counters the counters
     */
    public Snapshot(String role, String interfaceName, String address, String time, long uptimeSeconds,
            List<Binding> bindings, Integer pins, List<Credential> responders, List<Registration> registrations,
            Map<String, Long> counters) {
        this(role, interfaceName, address, time, uptimeSeconds, bindings, pins, responders, registrations, counters,
                null, null);
    }

    /**
     * An agent's snapshot with its store and no data path named.
     *
     * @param role the role
     * @param interfaceName the interface
     * @param address the address
     * @param time the time
     * @param uptimeSeconds the uptime
     * @param bindings the bindings or null
     * @param pins the pins or null
     * @param responders the responders or null
     * @param registrations the registrations or null
     * @param counters the counters
     * @param store the store or null
     */
    public Snapshot(String role, String interfaceName, String address, String time, long uptimeSeconds,
            List<Binding> bindings, Integer pins, List<Credential> responders, List<Registration> registrations,
            Map<String, Long> counters, Store store) {
        this(role, interfaceName, address, time, uptimeSeconds, bindings, pins, responders, registrations, counters,
                store, null);
    }

    /**
     * The same snapshot with more counters and another data path.
     *
     * @param more counters to add (or replace)
     * @param path the data path
     * @return the new snapshot
     */
    public Snapshot with(Map<String, Long> more, String path) {
        Map<String, Long> all = new java.util.TreeMap<>(counters);
        all.putAll(more);
        return new Snapshot(role, interfaceName, address, time, uptimeSeconds, bindings, pins, responders,
                registrations, all, store, path);
    }

    /**
     * The agent's binding store.
     *
     * @param kind local (the embedded one) or etcd
     * @param connected whether writes can commit now
     * @param revision the newest revision the store told of
     * @param appliedRevision the newest revision the agent applied to its copy
     * @param lag revisions the copy is behind
     * @param pendingWrites Binding Updates whose write waits for the store
     * @param detail a few words (endpoints, the last error)
     */
    public record Store(String kind, boolean connected, long revision, long appliedRevision, long lag,
            int pendingWrites, String detail) {
    }

    /**
     * One binding of the agent.
     *
     * @param anycast the anycast address
     * @param responder the responder's identity (NAI)
     * @param bindingId its Binding ID (0 in the Basic Model)
     * @param careOf the care-of (peer unicast) address packets are tunnelled to
     * @param remainingSeconds seconds until it lapses unless refreshed
     * @param weight the advertised weight
     * @param load the advertised load
     * @param pins the initiators pinned to it
     */
    public record Binding(String anycast, String responder, int bindingId, String careOf, long remainingSeconds,
            int weight, int load, int pins) {
    }

    /**
     * One responder the agent accepts (never its key).
     *
     * @param identity its NAI
     * @param spi its SPI
     * @param mayServe the anycast prefixes it may register for
     */
    public record Credential(String identity, long spi, List<String> mayServe) {
        /**
         * Copies the list.
         *
         * @param identity the NAI
         * @param spi the SPI
         * @param mayServe the prefixes
         */
        public Credential {
            mayServe = List.copyOf(mayServe);
        }
    }

    /**
     * The responder's registration with one agent.
     *
     * @param agent the agent's address
     * @param state idle, registering, registered, deregistering or failed
     */
    public record Registration(String agent, String state) {
    }
}
