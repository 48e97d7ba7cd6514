package io.mga.wire;

/** Caps the decoders apply so that no input can make them loop, recurse or allocate without bound. */
public final class Limits {
    /** Most extension headers accepted in one header chain: 16. */
    public static final int MAX_EXTENSION_HEADERS = 16;
    /** Most nested IPv6 packets (tunnels and ICMPv6 invoking packets together), the outermost counting as 1: 4. */
    public static final int MAX_NESTING = 4;
    /** Largest IPv6 packet without a jumbogram: 40 + 65535 octets. */
    public static final int MAX_PACKET = 40 + 65535;

    private Limits() {
    }
}
