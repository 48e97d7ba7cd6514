/**
 * The simulated IPv6 network in virtual time and mga's standard topology. It needs the API (addresses, prefixes,
 * the role SPIs a node runs) and the wire layer (a plain host's packets, a router's ICMPv6 errors), and nothing
 * of the engine: roles are attached by the caller.
 */
module io.mga.sim {
    requires transitive io.mga.api;
    requires transitive io.mga.wire;

    exports io.mga.sim;
}
