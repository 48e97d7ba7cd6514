package io.mga.cli.log;

import java.util.Locale;

/** The levels of {@code --log-level}, most severe first. */
public enum Level {
    /** The role cannot go on. */
    ERROR,
    /** Something an operator should look at: a refusal, a lost binding. */
    WARN,
    /** What happened: registrations, refreshes, start and stop. */
    INFO,
    /** Details for finding a problem. */
    DEBUG;

    /**
     * @param other a level
     * @return true when a line of {@code other} is printed at this level
     */
    public boolean shows(Level other) {
        return other.ordinal() <= ordinal();
    }

    /**
     * Parses a level, case-insensitively.
     *
     * @param text error, warn, info or debug
     * @return the level
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Level parse(String text) {
        for (Level l : values()) {
            if (l.name().equalsIgnoreCase(text.strip())) {
                return l;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a level: error, warn, info or debug");
    }

    /** @return the level's name in lower case */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Sets slf4j-simple (the library's log lines) to this level, with ISO 8601 times and no thread or class
     * names. slf4j-simple reads its settings once, when the first logger is made: call this before a role starts.
     */
    public void applyToLibraryLogs() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", text());
        // pcap4j says at info level what it found (library version, property defaults): debug detail here
        System.setProperty("org.slf4j.simpleLogger.log.org.pcap4j", this == DEBUG ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
    }
}
