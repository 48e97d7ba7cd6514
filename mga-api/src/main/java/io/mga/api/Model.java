package io.mga.api;

/** The two MGA communication models (MGA paper §4.3). */
public enum Model {
    /**
     * MGA-BM: Mobile IPv6 as is; one binding per anycast address, and a new registration overwrites it
     * (MGA paper §4.4, Fig. 7a).
     */
    BASIC,
    /**
     * MGA-AM: many bindings per anycast address, one per responder, identified by the RFC 5648 Binding Identifier
     * option; a selection policy per initiator and session pinning (MGA paper §4.4, §4.5, Fig. 7b).
     */
    ADVANCED
}
