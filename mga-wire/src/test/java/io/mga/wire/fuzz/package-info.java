/**
 * Test code only (in mga-wire's test-jar, not in the module's classes): the properties every decoder entry point
 * keeps for any input, as {@link io.mga.wire.fuzz.DecoderFuzzTargets} ({@code decode}, {@code view},
 * {@code agree}, the oracle between {@link io.mga.wire.fast.Ipv6View} and {@link io.mga.wire.PacketDecoder}, and
 * {@code link}); {@link io.mga.wire.fuzz.DecoderFuzzTest} runs them under Jazzer (regression inputs in every
 * build, a bounded fuzzing pass in {@code mvn verify}), and the {@code *Target} classes are entry points for
 * Jazzer's standalone driver ({@code scripts/fuzz}).
 *
 * <p>May use: the exported API of {@code io.mga.wire} and {@code io.mga.api}, and Jazzer; nothing here is used
 * by main code.
 */
package io.mga.wire.fuzz;
