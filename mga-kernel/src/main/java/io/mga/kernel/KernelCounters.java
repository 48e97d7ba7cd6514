package io.mga.kernel;

import io.mga.engine.AgentCounters;

/**
 * The kernel data plane's counters, summed over the CPUs (the program's per-CPU array {@code mga_counters}).
 *
 * @param forwarded packets tunnelled to a responder
 * @param reverseForwarded reverse-tunnelled packets decapsulated and sent on
 * @param malformed IPv6 frames that were truncated or not version 6: dropped
 * @param noBinding packets for a served anycast address with no binding: dropped
 * @param droppedHopLimit packets whose inner hop limit would have reached 0: dropped
 * @param droppedReverseSource reverse-tunnelled packets whose outer source is no registered care-of address of the
 *     inner source: dropped
 * @param droppedReverseDestination reverse-tunnelled packets to a non-routable, served or the agent's own
 *     address: dropped
 * @param passedTooBig packets too big to tunnel on the link: passed to the Java agent
 * @param passedNoTable packets for an anycast address whose selection table is not installed, and, until the agent
 *     has mirrored its bindings ({@link KernelDataPlane#replayed}), packets the tables know nothing of: passed to Java
 * @param passedNoRouter packets that came before the router's Ethernet address was known: passed to Java
 * @param passedOther packets not for the data path (registrations, Neighbor Discovery, DHAAD, errors, others)
 * @param notIpv6 frames that are not IPv6: passed to the host's stack
 * @param pinHits tunnelled packets whose responder came from a pin
 */
public record KernelCounters(long forwarded, long reverseForwarded, long malformed, long noBinding,
        long droppedHopLimit, long droppedReverseSource, long droppedReverseDestination, long passedTooBig,
        long passedNoTable, long passedNoRouter, long passedOther, long notIpv6, long pinHits) {

    /** Slots of the per-CPU array, as the program's enum numbers them. */
    static final int SLOTS = 16;

    static KernelCounters of(long[] c) {
        return new KernelCounters(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12]);
    }

    /** @return the packets the kernel handled itself (forwarded or dropped), which the Java agent never saw */
    public long handled() {
        return forwarded + reverseForwarded + malformed + noBinding + droppedHopLimit + droppedReverseSource
                + droppedReverseDestination;
    }

    /**
     * The agent's counters with the kernel's added: what the kernel forwarded, decapsulated and dropped counts
     * where the Java path would have counted it (its drops by hop limit and by reverse-tunnel checks under
     * {@code dropped}, as the Java agent counts them). Packets the kernel passed up are counted by the Java agent
     * itself and are not added again.
     *
     * @param engine the Java agent's counters
     * @return the sum
     */
    public AgentCounters addedTo(AgentCounters engine) {
        return new AgentCounters(engine.received() + handled(), engine.forwarded() + forwarded,
                engine.reverseForwarded() + reverseForwarded, engine.malformed() + malformed,
                engine.noBinding() + noBinding, engine.rejected(),
                engine.dropped() + droppedHopLimit + droppedReverseSource + droppedReverseDestination,
                engine.forgedErrors(), engine.probes(), engine.tooBig(), engine.encapsulationLimited(),
                engine.reverseLimited(), engine.errorsSent(), engine.errorsSuppressed(), engine.storeUnavailable(),
                engine.storeConflicts());
    }
}
