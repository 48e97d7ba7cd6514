/**
 * The role runner: {@link io.mga.pcapio.runner.RoleRunner} owns a role's thread (Agrona's duty-cycle idea): the
 * injected clock read once per cycle, queued packets handed over as bursts, {@code doWork(now)}, parking until the
 * role's next deadline or the next packet or task, a thread-safe task queue, failure reported through a callback
 * and a future, a clean close. Usable under any packet source, not only pcap.
 *
 * <p>May use: {@code mga-api} (Role, Clock) and slf4j. No pcap4j, no wire formats.
 */
package io.mga.pcapio.runner;
