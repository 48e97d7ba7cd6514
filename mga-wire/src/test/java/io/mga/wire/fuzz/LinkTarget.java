package io.mga.wire.fuzz;

/** Jazzer standalone entry point for long runs of {@link DecoderFuzzTargets#link(byte[])}: see scripts/fuzz. */
public final class LinkTarget {
    private LinkTarget() {
    }

    /**
     * One fuzzer input.
     *
     * @param data the input
     */
    public static void fuzzerTestOneInput(byte[] data) {
        DecoderFuzzTargets.link(data);
    }
}
