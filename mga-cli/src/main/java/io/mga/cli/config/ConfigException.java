package io.mga.cli.config;

/** A configuration or key file that cannot be used; the message is one line naming the file. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the file and what to change
     */
    public ConfigException(String message) {
        super(message);
    }
}
