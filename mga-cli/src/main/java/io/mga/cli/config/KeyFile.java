package io.mga.cli.config;

import io.mga.api.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A key file: one MN-HA key (RFC 4285 §5.1.1), as hex digits, on a line of its own; blank lines and lines starting
 * with {@code #} are ignored. The file must be a regular file readable by its owner only: mode 0600 or stricter
 * (no bit for group or others, no execute bit), so that the key is not readable by every user of the host as a
 * command-line argument is (in {@code ps}).
 */
public final class KeyFile {
    /** The largest key file read: a key of 1 KiB in hex with comments is far below it. */
    static final long MAX_SIZE = 16 * 1024;
    private static final Set<PosixFilePermission> ALLOWED = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private KeyFile() {
    }

    /**
     * Reads and checks a key file.
     *
     * @param file the file
     * @return the key, 16 octets or more
     * @throws ConfigException with one line naming the file: missing, unreadable, too open, not hex, too short
     */
    public static Bytes read(Path file) throws ConfigException {
        String text;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                if (!Files.exists(file)) {
                    throw new ConfigException("key file " + file + ": no such file");
                }
                throw new ConfigException("key file " + file + ": not a regular file");
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!ALLOWED.containsAll(perms)) {
                throw new ConfigException("key file " + file + " has mode " + octal(perms)
                        + ": readable by others; make it 0600 or stricter (chmod 600 " + file + ")");
            }
            if (Files.size(file) > MAX_SIZE) {
                throw new ConfigException("key file " + file + ": larger than " + MAX_SIZE + " octets");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new ConfigException("key file " + file + ": no such file");
        } catch (UnsupportedOperationException e) {
            throw new ConfigException("key file " + file + ": its permissions cannot be checked on this file system");
        } catch (IOException e) {
            throw new ConfigException("key file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        StringBuilder hex = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                hex.append(t);
            }
        }
        Bytes key;
        try {
            key = Bytes.fromHex(hex.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("key file " + file + ": not a key in hex digits");
        }
        if (key.length() < 16) {
            throw new ConfigException("key file " + file + ": a key has at least 16 octets (32 hex digits), this one "
                    + key.length());
        }
        return key;
    }

    /**
     * Reads and checks a secret file that is not a key (a password): a regular file of mode 0600 or stricter, at
     * most 16 KiB; its first line that is neither blank nor a {@code #} comment, stripped, is the secret.
     *
     * @param file the file
     * @param what what it holds, for messages (e.g. "etcd password file")
     * @return the secret, not empty
     * @throws ConfigException with one line naming the file: missing, unreadable, too open, empty
     */
    public static String readSecret(Path file, String what) throws ConfigException {
        checkPrivate(file, what);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(what + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return t;
            }
        }
        throw new ConfigException(what + " " + file + ": empty");
    }

    /**
     * Checks that a file holding a secret (a private key) is a regular file readable by its owner only.
     *
     * @param file the file
     * @param what what it holds, for messages
     * @throws ConfigException with one line naming the file
     */
    public static void checkPrivate(Path file, String what) throws ConfigException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(what + " " + file + ": " + (Files.exists(file) ? "not a regular file"
                        : "no such file"));
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!ALLOWED.containsAll(perms)) {
                throw new ConfigException(what + " " + file + " has mode " + octal(perms)
                        + ": readable by others; make it 0600 or stricter (chmod 600 " + file + ")");
            }
            if (Files.size(file) > MAX_SIZE) {
                throw new ConfigException(what + " " + file + ": larger than " + MAX_SIZE + " octets");
            }
        } catch (UnsupportedOperationException e) {
            throw new ConfigException(what + " " + file + ": its permissions cannot be checked on this file system");
        } catch (IOException e) {
            throw new ConfigException(what + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /**
     * @param perms permissions
     * @return them as four octal digits, e.g. {@code 0644}
     */
    static String octal(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m) + " (" + PosixFilePermissions.toString(perms) + ")";
    }
}
