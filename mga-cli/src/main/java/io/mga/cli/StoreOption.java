package io.mga.cli;

import io.mga.api.store.BindingStore;
import io.mga.cli.config.ConfigException;
import io.mga.cli.config.KeyFile;
import io.mga.store.etcd.EtcdBindingStore;
import io.mga.store.etcd.EtcdStoreConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code mga haa}'s binding store options: {@code --store=local} (the default, the agent's own bindings, with
 * {@code --state} for restarts) or {@code --store=etcd} with its endpoints, key prefix, TLS files and credentials
 * (files only: a password on the command line would show in {@code ps}). Like every long option each is a key of
 * the configuration file ({@code etcd-endpoints = "https://[2001:db8::10]:2379,..."}).
 */
final class StoreOption {
    @Option(names = "--store", defaultValue = "local", paramLabel = "local|etcd",
            description = "where the bindings, sequence numbers and replay-protection timestamps live: local (this"
                    + " agent's own; --state keeps them across restarts) or etcd (shared by every agent given the"
                    + " same endpoints and prefix: a responder registers with one agent and is served by all; a BU is"
                    + " acknowledged only once etcd committed it; while etcd cannot be reached the agent forwards"
                    + " from its copy and refuses registrations with status 130, which responders retry)")
    String kind;

    @Option(names = "--etcd-endpoints", paramLabel = "URL[,URL...]", split = ",",
            description = "the etcd cluster's client URLs, e.g. http://[2001:db8:a::10]:2379 (one cluster per site;"
                    + " https:// with --etcd-ca)")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--etcd-prefix", defaultValue = "/mga", paramLabel = "PREFIX",
            description = "the key prefix of this deployment's bindings and replay marks in etcd: /name[/name...],"
                    + " at most 128 characters of letters, digits and . _ - /")
    String prefix;

    @Option(names = "--etcd-ca", paramLabel = "FILE", description = "the CA certificates (PEM) that etcd's server"
            + " certificate must chain to (TLS)")
    Path ca;

    @Option(names = "--etcd-cert", paramLabel = "FILE", description = "this agent's client certificate (PEM), with"
            + " --etcd-key (TLS client authentication)")
    Path cert;

    @Option(names = "--etcd-key", paramLabel = "FILE", description = "the client certificate's private key (PKCS#8"
            + " PEM), a file of mode 0600")
    Path key;

    @Option(names = "--etcd-user", paramLabel = "NAME", description = "the etcd user (etcd authentication), with"
            + " --etcd-password-file")
    String user;

    @Option(names = "--etcd-password-file", paramLabel = "FILE", description = "a file of mode 0600 holding the"
            + " etcd user's password on its first line")
    Path passwordFile;

    /** What the options ask for, checked. */
    record Etcd(List<URI> endpoints, String prefix, Path ca, Path cert, Path key, String user, Path passwordFile) {
    }

    /** @return true for {@code --store=etcd} */
    boolean shared(CommandLine cl) {
        return switch (kind.strip().toLowerCase(Locale.ROOT)) {
            case "local" -> false;
            case "etcd" -> true;
            default -> throw new CommandLine.ParameterException(cl, "--store: local or etcd, got " + kind);
        };
    }

    /**
     * Checks the options.
     *
     * @param cl the command, for errors
     * @return the etcd settings, or null for the local store
     * @throws CommandLine.ParameterException when they do not fit together
     */
    Etcd check(CommandLine cl) {
        if (!shared(cl)) {
            if (!endpoints.isEmpty() || ca != null || cert != null || key != null || user != null
                    || passwordFile != null) {
                throw new CommandLine.ParameterException(cl, "--etcd-* options need --store=etcd");
            }
            return null;
        }
        if (endpoints.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--store=etcd needs --etcd-endpoints");
        }
        if (endpoints.size() > 16) {
            throw new CommandLine.ParameterException(cl, "--etcd-endpoints: at most 16");
        }
        List<URI> uris = new ArrayList<>();
        for (String e : endpoints) {
            URI u;
            try {
                u = new URI(e.strip());
            } catch (java.net.URISyntaxException x) {
                throw new CommandLine.ParameterException(cl, "--etcd-endpoints: not a URL (http(s)://HOST:PORT): " + e);
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getPort() < 1) {
                throw new CommandLine.ParameterException(cl, "--etcd-endpoints: http(s)://HOST:PORT, got " + e);
            }
            if ("https".equals(u.getScheme()) && ca == null) {
                throw new CommandLine.ParameterException(cl, "--etcd-endpoints " + e + ": https needs --etcd-ca");
            }
            uris.add(u);
        }
        if (!prefix.matches("/[A-Za-z0-9._/-]{1,127}") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new CommandLine.ParameterException(cl, "--etcd-prefix: /name[/name...] (letters, digits, . _ - /;"
                    + " no trailing /), got " + prefix);
        }
        if ((cert == null) != (key == null)) {
            throw new CommandLine.ParameterException(cl, "--etcd-cert and --etcd-key go together");
        }
        if (cert != null && ca == null) {
            throw new CommandLine.ParameterException(cl, "--etcd-cert needs --etcd-ca (TLS)");
        }
        if ((user == null) != (passwordFile == null)) {
            throw new CommandLine.ParameterException(cl, "--etcd-user and --etcd-password-file go together");
        }
        try {
            if (key != null) {
                KeyFile.checkPrivate(key, "etcd client key");
            }
            if (passwordFile != null) {
                KeyFile.readSecret(passwordFile, "etcd password file"); // checked here; the store reads it
            }
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        for (Path p : new Path[] {ca, cert}) {
            if (p != null && !java.nio.file.Files.isReadable(p)) {
                throw new CommandLine.ParameterException(cl, p + ": cannot read it");
            }
        }
        return new Etcd(List.copyOf(uris), prefix, ca, cert, key, user, passwordFile);
    }

    /**
     * Opens the etcd store (its client connects in the background; the agent starts at once and says when etcd
     * is reachable).
     *
     * @param e the checked settings
     * @param unixNanos the wall clock
     * @return the store
     * @throws java.io.IOException if a TLS or password file cannot be read
     */
    static BindingStore open(Etcd e, java.util.function.LongSupplier unixNanos) throws java.io.IOException {
        EtcdStoreConfig d = EtcdStoreConfig.of(e.endpoints());
        return EtcdBindingStore.open(new EtcdStoreConfig(e.endpoints(), e.prefix(), d.opTimeout(),
                d.connectTimeout(), d.probeInterval(), d.maxBindings(), e.ca(), e.cert(), e.key(), e.user(),
                e.passwordFile()), unixNanos);
    }
}
