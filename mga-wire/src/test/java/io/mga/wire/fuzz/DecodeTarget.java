package io.mga.wire.fuzz;

/** Jazzer standalone entry point for long runs of {@link DecoderFuzzTargets#decode(byte[])}: see scripts/fuzz. */
public final class DecodeTarget {
    private DecodeTarget() {
    }

    /**
     * One fuzzer input.
     *
     * @param data the input
     */
    public static void fuzzerTestOneInput(byte[] data) {
        DecoderFuzzTargets.decode(data);
    }
}
