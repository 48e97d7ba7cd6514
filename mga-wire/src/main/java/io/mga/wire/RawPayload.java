package io.mga.wire;

import io.mga.api.Bytes;

/**
 * An upper layer mga does not decode, kept as received: TCP, ESP, unknown protocols, the octets after No Next
 * Header (59), and the payload that follows a Fragment header of a fragmented packet.
 *
 * @param protocol the Next Header value that announced it
 * @param data the octets
 */
public record RawPayload(int protocol, Bytes data) implements UpperLayer {
    /**
     * Validates the fields.
     *
     * @param protocol the Next Header value that announced it
     * @param data the octets
     * @throws IllegalArgumentException if the protocol is out of range
     */
    public RawPayload {
        Check.u8("protocol", protocol);
        Check.nn("data", data);
    }

    @Override
    public int wireLength() {
        return data.length();
    }
}
