/**
 * The MGA roles: the Home (and Midway) Anycast Agent, the Anycast Responder, the Mobile IPv6 initiator. Users call
 * the façades, their config records and sealed events in {@code io.mga.engine}; the rooms behind them are not
 * exported, but to the benchmarks, which measure the tables, the timers and the signing directly.
 */
@SuppressWarnings("module") // io.mga.bench is compiled after this module: its name is not known here yet
module io.mga.engine {
    requires transitive io.mga.api;
    requires transitive io.mga.wire;
    requires org.slf4j;

    exports io.mga.engine;
    exports io.mga.engine.persist;
    exports io.mga.engine.store;
    exports io.mga.engine.agent to io.mga.bench;
    exports io.mga.engine.time to io.mga.bench;
    exports io.mga.engine.mobility to io.mga.bench;
    exports io.mga.engine.crypto to io.mga.bench;
}
