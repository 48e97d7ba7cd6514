package io.mga.engine.persist;

import io.mga.engine.AgentState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * An agent's state in a file ({@link StateCodec}'s format), written so that a crash at any instant leaves either
 * the previous state or the new one: the new state goes to a temporary file beside it ({@code .NAME.tmp}), is
 * forced to disk ({@code fsync}), renamed over the old one atomically, and the directory is forced too (so that the
 * rename itself survives a power cut). One writer per file. The file is created readable by its owner only.
 */
public final class StateFile {
    /** The default bound of a state file: 64 MiB, about 800 000 bindings. */
    public static final int DEFAULT_MAX_BYTES = 64 << 20;

    private final Path path;
    private final Path temporary;
    private final int maxBytes;

    /**
     * @param path the state file
     * @param maxBytes the largest state written or read, in octets
     * @throws IllegalArgumentException if {@code maxBytes} is below 32
     */
    public StateFile(Path path, int maxBytes) {
        if (maxBytes < 32) {
            throw new IllegalArgumentException("maxBytes must be 32 or more, got " + maxBytes);
        }
        this.path = path.toAbsolutePath();
        this.temporary = this.path.resolveSibling("." + this.path.getFileName() + ".tmp");
        this.maxBytes = maxBytes;
    }

    /** @return the file's path (absolute) */
    public Path path() {
        return path;
    }

    /**
     * Reads the saved state.
     *
     * @return the state, or empty when there is no file
     * @throws CorruptStateException if the file is not a whole, unchanged state (the message says what is wrong
     *     and names the file)
     * @throws IOException if it cannot be read
     */
    public Optional<AgentState> read() throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(path)) {
            data = in.readNBytes(maxBytes + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (data.length > maxBytes) {
            throw new CorruptStateException(path + ": larger than the " + maxBytes + " octets a state file may have");
        }
        try {
            return Optional.of(StateCodec.decode(data));
        } catch (CorruptStateException e) {
            throw new CorruptStateException(path + ": " + e.getMessage());
        }
    }

    /**
     * Writes a state: new file, fsync, atomic rename, fsync of the directory.
     *
     * @param state the state
     * @throws IOException if it cannot be written (the previous state is then left as it was), or it is larger
     *     than the bound
     */
    public void write(AgentState state) throws IOException {
        byte[] data = StateCodec.encode(state);
        if (data.length > maxBytes) {
            throw new IOException(path + ": the state (" + data.length + " octets) is larger than the bound of "
                    + maxBytes);
        }
        Files.deleteIfExists(temporary);
        try (FileChannel ch = open(temporary)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temporary);
            throw new IOException(path + ": the file system cannot rename atomically", e);
        }
        forceDirectory(path.getParent());
    }

    private static FileChannel open(Path p) throws IOException {
        Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(p, opts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(p, opts); // not a POSIX file system
        }
    }

    /** Makes a rename in {@code dir} durable; where directories cannot be opened (not Linux) it does nothing. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (FileSystemException | UnsupportedOperationException e) {
            // a directory that cannot be opened for reading (some systems): the rename is done, not yet forced
        }
    }
}
