package io.mga.wire.fuzz;

/** Jazzer standalone entry point for long runs of {@link DecoderFuzzTargets#agree(byte[])}: see scripts/fuzz. */
public final class AgreeTarget {
    private AgreeTarget() {
    }

    /**
     * One fuzzer input.
     *
     * @param data the input
     */
    public static void fuzzerTestOneInput(byte[] data) {
        DecoderFuzzTargets.agree(data);
    }
}
