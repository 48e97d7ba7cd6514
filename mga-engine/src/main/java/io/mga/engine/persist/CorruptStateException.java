package io.mga.engine.persist;

import java.io.IOException;

/** A saved state that cannot be read back: not a state file, another version, cut short, or changed since. */
public final class CorruptStateException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, one line */
    public CorruptStateException(String message) {
        super(message);
    }
}
