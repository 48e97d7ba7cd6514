/**
 * Timers polled with the injected time, no threads and no system clock: {@code IntTimerWheel} (a hierarchical
 * wheel over {@code int} ids, one per binding slot in the agent) and {@code TimerWheel} (timers with actions, for
 * the other roles, on an {@code IntTimerWheel}). Internal: exported to the benchmarks only. Uses nothing else of mga.
 */
package io.mga.engine.time;
