package io.mga.cli.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a role's status on a Unix domain socket: each connection gets one snapshot as a JSON object and a
 * newline, then the server closes it; nothing is read from the client, so there is no request to parse. The
 * socket file has mode 0600 from the moment it has its name (bound in a private directory of mode 0700, its mode
 * set, then renamed into place), so only its owner and root can connect; a peer whose user is neither is refused
 * as well (SO_PEERCRED). One connection is served at a time, on a thread of its own.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** How long a status request waits for the role's thread. */
    static final Duration ROLE_TIMEOUT = Duration.ofSeconds(2);

    private final Path path;
    private final Snapshots snapshots;
    private final ObjectMapper json = new ObjectMapper();
    private ServerSocketChannel server;
    private Thread thread;

    /**
     * @param path the socket file
     * @param snapshots where snapshots come from
     */
    public ControlServer(Path path, Snapshots snapshots) {
        this.path = path;
        this.snapshots = snapshots;
    }

    /** @return the socket file */
    public Path path() {
        return path;
    }

    /**
     * Creates the socket file (its directory too, mode 0700, if missing) and starts serving.
     *
     * @return this server
     * @throws IOException if the socket cannot be made, or another process serves on it
     */
    public synchronized ControlServer start() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        if (Files.exists(path)) {
            if (inUse(path)) {
                throw new FileAlreadyExistsException(path + " (another mga serves on it)");
            }
            Files.delete(path); // left by a process that died
        }
        Path tmp = Files.createTempDirectory(dir, ".mga-sock-");
        try {
            Path bound = tmp.resolve("s");
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                s.bind(UnixDomainSocketAddress.of(bound), 4);
                Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
                Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            server = s;
        } finally {
            Files.deleteIfExists(tmp.resolve("s"));
            Files.deleteIfExists(tmp);
        }
        Thread t = new Thread(this::serve, "mga-control");
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    private static boolean inUse(Path p) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void serve() {
        ServerSocketChannel s = server;
        while (s.isOpen()) {
            try (SocketChannel c = s.accept()) {
                if (!allowed(c)) {
                    continue;
                }
                byte[] body;
                try {
                    body = json.writeValueAsBytes(snapshots.get(Duration.ZERO, ROLE_TIMEOUT));
                } catch (TimeoutException e) {
                    body = json.writeValueAsBytes(java.util.Map.of("error", e.getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                ByteBuffer b = ByteBuffer.allocate(body.length + 1).put(body).put((byte) '\n').flip();
                while (b.hasRemaining()) {
                    c.write(b);
                }
            } catch (IOException e) {
                if (s.isOpen()) {
                    LOG.debug("status connection failed: {}", e.getMessage());
                }
            }
        }
    }

    /** The socket's mode already keeps others out; a peer of another user (not root) is refused too. */
    private static boolean allowed(SocketChannel c) {
        try {
            jdk.net.UnixDomainPrincipal p = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            String user = p.user().getName();
            return user.equals("root") || user.equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return true; // no peer credentials on this system: the file's mode is the guard
        }
    }

    /** Stops serving and removes the socket file. */
    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("closing the control socket: {}", e.getMessage());
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * The default socket file of a role.
     *
     * @param role haa or responder
     * @param iface its interface
     * @return {@code /run/mga/<role>-<iface>.sock}
     */
    public static Path defaultPath(String role, String iface) {
        return Path.of("/run/mga", role + "-" + iface + ".sock");
    }
}
