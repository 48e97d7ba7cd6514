package io.mga.store.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach the etcd cluster that holds the bindings, immutable. Secrets stay in files (the password file, the
 * TLS key); the record holds their paths only, so printing it prints no secret.
 *
 * @param endpoints the members' client URLs, {@code http://} or {@code https://} (with TLS), 1 to 16 of them
 * @param keyPrefix the prefix of every key, for example {@code /mga/site1}: starts with {@code /}, no trailing
 *     {@code /}, at most 128 characters of {@code [A-Za-z0-9._/-]}
 * @param opTimeout how long a write or a read may take before it answers
 *     {@link io.mga.api.store.StoreResult.Unavailable}
 * @param connectTimeout how long the client tries to connect to a member
 * @param probeInterval how often the store checks, with a linearizable read, that the cluster has a majority (the
 *     connectivity it reports), and asks the watch for its progress
 * @param maxBindings how many bindings a snapshot and the watch deliver at most; a store beyond says so in its
 *     status and log
 * @param caFile the CA certificate (PEM) that signs the members' certificates, or null for no TLS
 * @param certFile this client's certificate (PEM) for TLS client authentication, or null
 * @param keyFile its private key (PKCS#8 PEM), or null; with {@code certFile} or not at all
 * @param user the etcd user to authenticate as, or null for no authentication
 * @param passwordFile the file holding its password (one line), or null; with {@code user} or not at all
 */
public record EtcdStoreConfig(List<URI> endpoints, String keyPrefix, Duration opTimeout, Duration connectTimeout,
        Duration probeInterval, int maxBindings, Path caFile, Path certFile, Path keyFile, String user,
        Path passwordFile) {
    /** The most endpoints a configuration names. */
    public static final int MAX_ENDPOINTS = 16;
    /** The most bindings a store can be configured to deliver. */
    public static final int MAX_BINDINGS = 1_000_000;

    /**
     * Validates and copies.
     *
     * @param endpoints see above
     * @param keyPrefix see above
     * @param opTimeout positive
     * @param connectTimeout positive
     * @param probeInterval positive
     * @param maxBindings 1 to {@link #MAX_BINDINGS}
     * @param caFile or null
     * @param certFile or null
     * @param keyFile or null
     * @param user or null
     * @param passwordFile or null
     * @throws IllegalArgumentException if a value is out of range or a pair is half given
     */
    public EtcdStoreConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty() || endpoints.size() > MAX_ENDPOINTS) {
            throw new IllegalArgumentException("1 to " + MAX_ENDPOINTS + " endpoints, got " + endpoints.size());
        }
        for (URI u : endpoints) {
            String s = u.getScheme();
            if (!"http".equals(s) && !"https".equals(s) || u.getHost() == null || u.getPort() <= 0) {
                throw new IllegalArgumentException("an endpoint is http(s)://host:port, got " + u);
            }
            if ("https".equals(s) != (caFile != null)) {
                throw new IllegalArgumentException("https endpoints need a CA file and http ones none: " + u);
            }
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!keyPrefix.matches("/[A-Za-z0-9._/-]{0,127}") || keyPrefix.endsWith("/") && keyPrefix.length() > 1
                || keyPrefix.equals("/") || keyPrefix.contains("//")) {
            throw new IllegalArgumentException("a key prefix is /name[/name...], got " + keyPrefix);
        }
        positive(opTimeout, "opTimeout");
        positive(connectTimeout, "connectTimeout");
        positive(probeInterval, "probeInterval");
        if (maxBindings <= 0 || maxBindings > MAX_BINDINGS) {
            throw new IllegalArgumentException("maxBindings 1 to " + MAX_BINDINGS + ", got " + maxBindings);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
        if (certFile != null && caFile == null) {
            throw new IllegalArgumentException("a client certificate needs TLS (a CA file)");
        }
        if ((user == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("a user needs a password file, and a password file a user");
        }
        if (user != null && (user.isEmpty() || user.length() > 128)) {
            throw new IllegalArgumentException("a user name is 1 to 128 characters");
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /**
     * A plain-text configuration with the defaults: prefix {@code /mga}, 2 s per operation, 2 s to connect, a probe
     * every second, 100,000 bindings, no TLS, no authentication.
     *
     * @param endpoints the members' client URLs
     * @return the configuration
     */
    public static EtcdStoreConfig of(List<URI> endpoints) {
        return new EtcdStoreConfig(endpoints, "/mga", Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(1), 100_000, null, null, null, null, null);
    }

    /**
     * @param prefix the key prefix
     * @return a copy with it
     */
    public EtcdStoreConfig withKeyPrefix(String prefix) {
        return new EtcdStoreConfig(endpoints, prefix, opTimeout, connectTimeout, probeInterval, maxBindings, caFile,
                certFile, keyFile, user, passwordFile);
    }

    /**
     * @param op the operation timeout
     * @param probe the probe interval
     * @return a copy with them
     */
    public EtcdStoreConfig withTimeouts(Duration op, Duration probe) {
        return new EtcdStoreConfig(endpoints, keyPrefix, op, connectTimeout, probe, maxBindings, caFile, certFile,
                keyFile, user, passwordFile);
    }

    /**
     * @param max the bound
     * @return a copy with it
     */
    public EtcdStoreConfig withMaxBindings(int max) {
        return new EtcdStoreConfig(endpoints, keyPrefix, opTimeout, connectTimeout, probeInterval, max, caFile,
                certFile, keyFile, user, passwordFile);
    }

    /**
     * @param ca the CA certificate
     * @param cert the client certificate, or null
     * @param key its key, or null
     * @return a copy with TLS (the endpoints must be https)
     */
    public EtcdStoreConfig withTls(Path ca, Path cert, Path key) {
        return new EtcdStoreConfig(endpoints, keyPrefix, opTimeout, connectTimeout, probeInterval, maxBindings, ca,
                cert, key, user, passwordFile);
    }

    /**
     * @param name the etcd user
     * @param password the file holding its password
     * @return a copy with them
     */
    public EtcdStoreConfig withCredentials(String name, Path password) {
        return new EtcdStoreConfig(endpoints, keyPrefix, opTimeout, connectTimeout, probeInterval, maxBindings,
                caFile, certFile, keyFile, name, password);
    }
}
