package io.mga.engine;

import io.mga.api.Bytes;
import io.mga.api.EpochClock;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.PacketIo;
import io.mga.api.UdpService;
import io.mga.engine.mobility.Lifetimes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration of an {@link AnycastResponder}, as built by {@link AnycastResponder#builder()}.
 *
 * @param anycast the anycast address served
 * @param careOf the responder's peer unicast (care-of) address
 * @param agents the agents to register with
 * @param discovery the anycast home prefix whose agents DHAAD finds, or null
 * @param identity the responder's NAI
 * @param spi its Mobility SPI
 * @param key its MN-HA key
 * @param bindingId its Binding ID (0: Basic Model, no option sent)
 * @param lifetimeSeconds the lifetime asked for
 * @param weight the weight advertised
 * @param load the load advertised
 * @param epoch the wall clock of timestamps and events
 * @param seed the seed of the random first sequence numbers and cookies
 * @param services the UDP services by port
 * @param routeOptimisation whether route optimisation is tried
 * @param maxCorrespondents the bound of the route-optimisation table
 * @param hostStack where host delivery hands packets to the host's own IPv6 stack (a TUN device), or null: then
 *     the in-JVM services answer
 * @param linkMtu with host delivery, the MTU of the path to the agents (the host side gets 40 less)
 * @param sharedAgents agents that share a binding store with the agents registered with (issue 14): their
 *     tunnelled packets are taken, and answered through them, though the responder does not register with them
 */
public record ResponderConfig(Ipv6Address anycast, Ipv6Address careOf, List<Ipv6Address> agents,
        Ipv6Prefix discovery, String identity, long spi, Bytes key, int bindingId, int lifetimeSeconds, int weight,
        int load, EpochClock epoch, long seed, Map<Integer, UdpService> services, boolean routeOptimisation,
        int maxCorrespondents, PacketIo hostStack, int linkMtu, List<Ipv6Address> sharedAgents) {

    /**
     * Checks the configuration.
     *
     * @param anycast not null
     * @param careOf not null
     * @param agents at least one, unless discovery is set
     * @param discovery may be null
     * @param identity not null
     * @param spi the SPI
     * @param key not null
     * @param bindingId 0 to 65535
     * @param lifetimeSeconds 4 to 262140
     * @param weight 0 to 65535
     * @param load 0 to 65535
     * @param epoch not null
     * @param seed any
     * @param services not null
     * @param routeOptimisation either
     * @param maxCorrespondents at least 0
     * @param hostStack may be null; when set, no UDP service may be
     * @param linkMtu with host delivery, 1320 to 65535
     * @param sharedAgents not null, at most 64
     * @throws IllegalArgumentException if incomplete or inconsistent
     */
    public ResponderConfig {
        java.util.Objects.requireNonNull(anycast, "anycast");
        java.util.Objects.requireNonNull(careOf, "careOf");
        java.util.Objects.requireNonNull(identity, "identity");
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(epoch, "epoch");
        agents = List.copyOf(agents);
        sharedAgents = List.copyOf(sharedAgents);
        if (sharedAgents.size() > 64) {
            throw new IllegalArgumentException("at most 64 shared agents");
        }
        services = Map.copyOf(services);
        if (discovery != null && discovery.length() != 64) {
            throw new IllegalArgumentException("agent discovery takes the anycast home link's /64 (RFC 2526), got "
                    + discovery);
        }
        if (agents.isEmpty() && discovery == null) {
            throw new IllegalArgumentException("a responder registers with at least one agent, or discovers them");
        }
        if (bindingId < 0 || bindingId > 0xffff) {
            throw new IllegalArgumentException("binding id is 0..65535");
        }
        Lifetimes.unitsOf(lifetimeSeconds);
        if ((weight & ~0xffff) != 0 || (load & ~0xffff) != 0) {
            throw new IllegalArgumentException("weight and load are 0..65535");
        }
        if (hostStack != null && !services.isEmpty()) {
            throw new IllegalArgumentException("host delivery hands every packet to the host's stack: no in-JVM UDP"
                    + " service can be configured with it");
        }
        if (hostStack != null && (linkMtu < AnycastResponder.MIN_HOST_LINK_MTU || linkMtu > 0xffff)) {
            throw new IllegalArgumentException("the link MTU of host delivery must be "
                    + AnycastResponder.MIN_HOST_LINK_MTU + " to 65535 (the inner path MTU at least 1280,"
                    + " RFC 8200 §5), got " + linkMtu);
        }
        if (maxCorrespondents < 0) {
            throw new IllegalArgumentException("maxCorrespondents must be >= 0");
        }
    }

    /** Configures and builds an {@link AnycastResponder}. */
    public static final class Builder {
        private Ipv6Address anycast;
        private Ipv6Address careOf;
        private final List<Ipv6Address> agents = new ArrayList<>();
        private final List<Ipv6Address> sharedAgents = new ArrayList<>();
        private String identity;
        private long spi;
        private Bytes key;
        private int bindingId = 1;
        private int lifetimeSeconds = 300;
        private int weight = 1;
        private int load;
        private EpochClock epoch = EpochClock.simulated();
        private long seed = 1;
        private PacketIo io;
        private EventListener<ResponderEvent> listener;
        private final Map<Integer, UdpService> services = new HashMap<>();
        private boolean routeOptimisation = true;
        private int maxPeers = 1024;
        private Ipv6Prefix discovery;
        private PacketIo hostStack;
        private int linkMtu = 1500;

        Builder() {
        }

        /**
         * Host delivery: what the agents tunnel to the anycast address goes to the host's own IPv6 stack (any
         * unmodified application bound to the anycast address answers, and the kernel answers Echo), and what the
         * host sends from the anycast address comes back through {@link AnycastResponder#fromHost} into the
         * reverse tunnel, or route-optimised. No in-JVM UDP service can be configured with it.
         *
         * @param hostStack where packets for the host go (e.g. mga-pcap-io's {@code TunDevice}); called on the
         *     responder's thread
         * @param mtu the MTU of the path to the agents (default 1500); give the host's side 40 less, see
         *     {@link AnycastResponder#hostMtu()}
         * @return this builder
         */
        public Builder deliverToHost(PacketIo hostStack, int mtu) {
            this.hostStack = java.util.Objects.requireNonNull(hostStack, "hostStack");
            this.linkMtu = mtu;
            return this;
        }

        /**
         * Finds the agents of an anycast home link with Dynamic Home Agent Address Discovery (RFC 6275 §11.4.1): a
         * request to the link's Home-Agents anycast address, retried DHAAD_RETRIES (4) times from
         * INITIAL_DHAAD_TIMEOUT (3 s), doubling; then registration with every agent in the reply (at most 8).
         *
         * @param anycastHomePrefix the /64 prefix of the anycast home link
         * @return this builder
         */
        public Builder discoverAgents(Ipv6Prefix anycastHomePrefix) {
            this.discovery = anycastHomePrefix;
            return this;
        }

        /**
         * Route optimisation toward MIPv6-capable initiators (MGA paper §4.5, Fig. 8; default on): return routability,
         * then direct packets with the Home Address option. Initiators that do not answer (plain hosts) are served
         * through the agent's tunnel after MAX_RO_FAILURE attempts, or at once on a Parameter Problem.
         *
         * @param enabled true to try route optimisation
         * @param maxCorrespondents bound of the per-initiator table (default 1024); beyond it, no new attempts
         * @return this builder
         */
        public Builder routeOptimisation(boolean enabled, int maxCorrespondents) {
            this.routeOptimisation = enabled;
            this.maxPeers = maxCorrespondents;
            return this;
        }

        /**
         * @param a the anycast address this responder serves
         * @return this builder
         */
        public Builder anycast(Ipv6Address a) {
            this.anycast = a;
            return this;
        }

        /**
         * @param a this responder's peer unicast address (its care-of address)
         * @return this builder
         */
        public Builder careOf(Ipv6Address a) {
            this.careOf = a;
            return this;
        }

        /**
         * An agent to register with (call several times for several agents: each gets its own registration).
         *
         * @param a the agent's unicast address
         * @return this builder
         */
        public Builder agent(Ipv6Address a) {
            this.agents.add(a);
            return this;
        }

        /**
         * An agent that shares a binding store with the agents this responder registers with (issue 14): it
         * serves this responder's binding without a registration of its own, so its tunnelled packets are taken
         * (RFC 6275 §11.3.3 has a node take tunnelled packets only from its agent; this widens "its agent" to the
         * agents the operator names) and answered through it. Nothing is sent to it.
         *
         * @param a the agent's unicast address
         * @return this builder
         */
        public Builder sharedAgent(Ipv6Address a) {
            this.sharedAgents.add(a);
            return this;
        }

        /**
         * The RFC 4285 security association shared with the agents.
         *
         * @param nai this responder's identity
         * @param securityParameterIndex the Mobility SPI
         * @param sharedKey the MN-HA key
         * @return this builder
         */
        public Builder credentials(String nai, long securityParameterIndex, Bytes sharedKey) {
            this.identity = nai;
            this.spi = securityParameterIndex;
            this.key = sharedKey;
            return this;
        }

        /**
         * The Binding ID (Advanced Model, RFC 5648), 1 to 65535, unique among the responders of the anycast
         * address (default 1, as the agent's default is the Advanced Model, and as {@code mga responder --bid});
         * 0 sends no Binding Identifier option (Basic Model).
         *
         * @param bid the Binding ID
         * @return this builder
         */
        public Builder bindingId(int bid) {
            if (bid < 0 || bid > 0xffff) {
                throw new IllegalArgumentException("binding id is 0..65535");
            }
            this.bindingId = bid;
            return this;
        }

        /**
         * The lifetime requested, in seconds (default 300; sent in 4-second units).
         *
         * @param seconds 4 to 262140
         * @return this builder
         */
        public Builder lifetimeSeconds(int seconds) {
            Lifetimes.unitsOf(seconds);
            this.lifetimeSeconds = seconds;
            return this;
        }

        /**
         * Weight and load advertised in every registration (Vendor-Specific option, see the module README).
         *
         * @param w weight, 0 to 65535
         * @param l load, 0 to 65535
         * @return this builder
         */
        public Builder weightAndLoad(int w, int l) {
            this.weight = w;
            this.load = l;
            return this;
        }

        /**
         * Serves a UDP port of the anycast address.
         *
         * @param port the port
         * @param s the service
         * @return this builder
         */
        public Builder udpService(int port, UdpService s) {
            services.put(port, s);
            return this;
        }

        /**
         * The wall clock of replay-protection timestamps and events (default {@link EpochClock#simulated()}; on a
         * live network pass {@link EpochClock#system()}).
         *
         * @param e the clock
         * @return this builder
         */
        public Builder epochClock(EpochClock e) {
            this.epoch = java.util.Objects.requireNonNull(e, "epoch");
            return this;
        }

        /**
         * Seed of the random first sequence number (RFC 6275 §11.7.1), of cookies and DHAAD identifiers.
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * @param p where the responder sends packets
         * @return this builder
         */
        public Builder io(PacketIo p) {
            this.io = p;
            return this;
        }

        /**
         * @param l who hears about registration state changes, discovery and route optimisation
         * @return this builder
         */
        public Builder listener(EventListener<ResponderEvent> l) {
            this.listener = l;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if it is incomplete or inconsistent
         */
        public ResponderConfig config() {
            return new ResponderConfig(anycast, careOf, agents, discovery, identity, spi, key, bindingId,
                    lifetimeSeconds, weight, load, epoch, seed, services, routeOptimisation, maxPeers, hostStack, linkMtu,
                    sharedAgents);
        }

        /**
         * Builds the responder (it sends nothing until {@link AnycastResponder#start}).
         *
         * @param nowNanos the current time
         * @return the responder
         */
        public AnycastResponder build(long nowNanos) {
            return new AnycastResponder(config(), java.util.Objects.requireNonNull(io, "io"), listener, nowNanos);
        }
    }
}
