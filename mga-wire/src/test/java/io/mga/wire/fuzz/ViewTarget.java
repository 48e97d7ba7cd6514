package io.mga.wire.fuzz;

/** Jazzer standalone entry point for long runs of {@link DecoderFuzzTargets#view(byte[])}: see scripts/fuzz. */
public final class ViewTarget {
    private ViewTarget() {
    }

    /**
     * One fuzzer input.
     *
     * @param data the input
     */
    public static void fuzzerTestOneInput(byte[] data) {
        DecoderFuzzTargets.view(data);
    }
}
