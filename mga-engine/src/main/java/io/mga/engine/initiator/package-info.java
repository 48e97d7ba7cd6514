/**
 * The initiator's correspondent node (RFC 6275 §9): return routability answers, Binding Update verification and
 * a bounded binding cache whose entries expire on timers ({@code Correspondent}). Internal: not exported; the
 * façade {@code io.mga.engine.AnycastInitiator} composes it. Uses {@code io.mga.api}, {@code io.mga.wire},
 * {@code io.mga.engine.mobility}, {@code .time}; never the façade package.
 */
package io.mga.engine.initiator;
