package io.mga.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.mga.api.store.BindingKey;
import io.mga.api.store.BindingStore;
import io.mga.api.store.ReplayMark;
import io.mga.api.store.StoreEvent;
import io.mga.api.store.StoreResult;
import io.mga.api.store.StoreStatus;
import io.mga.api.store.StoredBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BindingStore} in an etcd v3 cluster, shared by every agent that opens the same endpoints and key prefix.
 *
 * <p>Layout under the prefix P: a binding is {@code P/bindings/<anycast>/<bid>} holding a small JSON value
 * ({@link BindingCodec}) on a lease whose time to live is the granted lifetime, rounded up to whole seconds and at
 * least 1 s (etcd raises it to its minimum, 1.5 election timeouts, 1.5 s by default). Each write (registration or
 * refresh) puts the binding with a fresh lease and then revokes the previous one, best effort: a refresh may grant
 * another lifetime than the last, and a lease grant is a separate request that the write's transaction conditions
 * cannot cover, so keeping one lease alive would let a refresh that lost its conditions still extend the binding. A
 * revoke that fails leaves the old lease to run out by itself; the binding is no longer on it. A deregistration
 * deletes the key; expiry is etcd's lease expiry. RFC 4285 §6 replay marks are {@code P/marks/<spi>} holding the
 * timestamp in 16 lowercase hex digits, so that etcd's bytewise value compare is the unsigned numeric compare.
 *
 * <p>A write is ONE etcd transaction (linearizable; it commits only on a majority): if the binding's mod revision is
 * the expected one (unless {@link BindingStore#ANY}; 0 is "absent") and the mark key is absent, write the binding
 * and the mark; else, in a nested transaction of the same request, if the binding condition holds and the stored
 * mark is below the new one, the same writes; else read both, to tell {@link StoreResult.Reason#STALE_TIMESTAMP}
 * from {@link StoreResult.Reason#BINDING_CHANGED}. etcd's compare cannot say "absent or less" in one comparison (a
 * value compare on a missing key is false), hence the nesting.
 *
 * <p>The watch: a range read of every binding at revision R delivered as a {@link StoreEvent.Snapshot} (at most
 * {@link EtcdStoreConfig#maxBindings}; beyond, the status and the log say so), then a watch from R+1. When the
 * watch stream fails it is reopened from the revision after the last change delivered, so no change is lost; when
 * that revision was compacted away, a fresh snapshot replaces it. A probe (a linearizable read, every
 * {@link EtcdStoreConfig#probeInterval}) tells whether the cluster has a majority: its changes are delivered as
 * {@link StoreEvent.Connectivity} after the first snapshot, and logged once per change.
 *
 * <p>Threads: futures complete on jetcd's threads (or the JDK's timeout thread when an operation times out); the
 * listener is called on jetcd's watch threads and on this store's one timer thread, never two at once. The timer
 * thread runs the probe and the watch's restarts. Every operation has {@link EtcdStoreConfig#opTimeout}.
 */
public final class EtcdBindingStore implements BindingStore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdBindingStore.class);
    /** A delete counts as an expiry when the binding's expiry had passed, give or take this (etcd's lease timer). */
    static final long EXPIRY_SLACK_NANOS = 1_000_000_000L;
    private static final long MIN_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 4000;
    private static final int MAX_PASSWORD_BYTES = 1024;
    private static final int MAX_DETAIL = 200;

    private final EtcdStoreConfig config;
    private final LongSupplier unixNanos;
    private final Keys keys;
    private final Client client;
    private final KV kv;
    private final Lease leases;
    private final Watch watches;
    private final ScheduledExecutorService timer;
    private final BadValues bad;
    private final AtomicLong revision = new AtomicLong();
    private final ByteSequence bindingsPrefix;
    private final ByteSequence probeKey;

    private volatile boolean connected;
    private volatile boolean closed;
    private boolean everConnected; // guarded by watchLock
    private volatile String lastError = "not probed yet";

    // guarded by watchLock; never held while calling into jetcd's Watch (its own lock calls us back)
    private final Object watchLock = new Object();
    private Consumer<StoreEvent> listener;
    private Watch.Watcher watcher;
    private long epoch;
    private boolean snapshotDelivered;
    /** The revision of the last change delivered (or of the snapshot): the watch resumes after it. */
    private long delivered;
    /** The newest progress notification's revision: no change below it is pending (for the status only). */
    private long progress;
    private long backoffMs = MIN_BACKOFF_MS;
    private boolean watchCreated;
    private long watchSince;
    private long lastWatchAnswer;
    private final Set<BindingKey> known = new HashSet<>();
    private boolean overBound;
    private long listenerFailures;
    private long lastListenerLog;
    private long notDelivered;

    private EtcdBindingStore(EtcdStoreConfig config, LongSupplier unixNanos, Client client) {
        this.config = config;
        this.unixNanos = unixNanos;
        this.keys = new Keys(config.keyPrefix());
        this.client = client;
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.watches = client.getWatchClient();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mga-etcd-store");
            t.setDaemon(true);
            return t;
        });
        this.bad = new BadValues(unixNanos);
        this.bindingsPrefix = bytes(keys.bindings());
        this.probeKey = bytes(config.keyPrefix() + "/probe");
    }

    /**
     * Connects (lazily: the first operation or the first probe, started at once, opens the connection) and starts
     * the probe. Reads the password file, if configured; the password is handed to jetcd and not kept here.
     *
     * @param config where and how
     * @param unixNanos the wall clock, Unix nanoseconds: tells a lease expiry from a deregistration, paces the log
     * @return the store
     * @throws IOException if a TLS or password file cannot be read
     */
    public static EtcdBindingStore open(EtcdStoreConfig config, LongSupplier unixNanos) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(unixNanos, "unixNanos");
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(new java.net.URI[0]))
                .connectTimeout(config.connectTimeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .retryMaxDuration(config.opTimeout())
                .maxInboundMessageSize(maxMessage(config.maxBindings()));
        if (config.caFile() != null) {
            b.sslContext(ssl -> {
                ssl.trustManager(config.caFile().toFile());
                if (config.certFile() != null) {
                    ssl.keyManager(config.certFile().toFile(), config.keyFile().toFile());
                }
            });
        }
        if (config.user() != null) {
            byte[] pw = readPassword(config);
            b.user(bytes(config.user())).password(ByteSequence.from(pw));
            Arrays.fill(pw, (byte) 0);
        }
        EtcdBindingStore s = new EtcdBindingStore(config, unixNanos, b.build());
        LOG.info("etcd binding store: {} under {}", config.endpoints(), config.keyPrefix());
        s.timer.execute(s::probe);
        return s;
    }

    private static int maxMessage(int maxBindings) {
        long need = (long) (maxBindings + 1) * (BindingCodec.MAX_BYTES + 160) + (1 << 20);
        return (int) Math.min(Math.max(need, 4L << 20), 512L << 20);
    }

    private static byte[] readPassword(EtcdStoreConfig config) throws IOException {
        if (Files.size(config.passwordFile()) > MAX_PASSWORD_BYTES) {
            throw new IOException("the password file " + config.passwordFile() + " is over " + MAX_PASSWORD_BYTES
                    + " octets");
        }
        byte[] raw = Files.readAllBytes(config.passwordFile());
        int n = raw.length;
        while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r')) {
            n--;
        }
        byte[] pw = Arrays.copyOf(raw, n);
        Arrays.fill(raw, (byte) 0);
        if (pw.length == 0) {
            throw new IOException("the password file " + config.passwordFile() + " is empty");
        }
        return pw;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** @return the configuration it was opened with */
    public EtcdStoreConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- writes

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the responder identity is over 253 characters
     */
    @Override
    public CompletionStage<StoreResult> put(StoredBinding binding, long expectedRevision, ReplayMark mark) {
        Objects.requireNonNull(binding, "binding");
        ByteSequence value = ByteSequence.from(BindingCodec.encode(binding));
        if (closed) {
            return CompletableFuture.completedFuture(new StoreResult.Unavailable("the store is closed"));
        }
        StoreResult full = overBound(binding.key());
        if (full != null) {
            return CompletableFuture.completedFuture(full);
        }
        ByteSequence key = bytes(keys.binding(binding.key()));
        long ttl = Math.max(1, Math.min(Integer.MAX_VALUE, ceilSeconds(binding.lifetimeNanos())));
        CompletableFuture<StoreResult> f = leases.grant(ttl).thenCompose(g -> {
            note(g.getHeader().getRevision());
            long lease = g.getID();
            Op write = Op.put(key, value, PutOption.builder().withLeaseId(lease).withPrevKV().build());
            return commit(key, write, expectedRevision, mark).thenApply(r -> {
                if (r.result() instanceof StoreResult.Committed) {
                    long old = r.prev() == null ? 0 : r.prev().getLease();
                    if (old != 0 && old != lease) {
                        revokeQuietly(old);
                    }
                } else {
                    revokeQuietly(lease);
                }
                return r.result();
            });
        });
        return guard(f, "put");
    }

    @Override
    public CompletionStage<StoreResult> remove(BindingKey key, long expectedRevision, ReplayMark mark) {
        Objects.requireNonNull(key, "key");
        if (closed) {
            return CompletableFuture.completedFuture(new StoreResult.Unavailable("the store is closed"));
        }
        ByteSequence k = bytes(keys.binding(key));
        Op delete = Op.delete(k, DeleteOption.builder().withPrevKV(true).build());
        CompletableFuture<StoreResult> f = commit(k, delete, expectedRevision, mark).thenApply(r -> {
            if (r.result() instanceof StoreResult.Committed && r.prev() != null && r.prev().getLease() != 0) {
                revokeQuietly(r.prev().getLease());
            }
            return r.result();
        });
        return guard(f, "remove");
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    /** What a transaction answered, and the binding's previous key-value when it wrote. */
    private record Outcome(StoreResult result, KeyValue prev) { }

    /** The one transaction of a write: see the class comment. */
    private CompletableFuture<Outcome> commit(ByteSequence key, Op write, long expected, ReplayMark mark) {
        List<Cmp> base = new ArrayList<>(2);
        if (expected != ANY) {
            // 0: a key that is absent has mod revision 0 in etcd's compare
            base.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(Math.max(0, expected))));
        }
        Op getBinding = Op.get(key, GetOption.DEFAULT);
        if (mark == null) {
            return kv.txn().If(base.toArray(new Cmp[0])).Then(write).Else(getBinding).commit()
                    .thenApply(r -> outcome(r, expected, null, null));
        }
        ByteSequence markKey = bytes(keys.mark(mark.spi()));
        byte[] markValue = Keys.markValue(mark);
        Op putMark = Op.put(markKey, ByteSequence.from(markValue), PutOption.DEFAULT);
        // RFC 4285 §6: the timestamp must be newer than the last accepted under this SPI; the mark is written in the
        // same transaction as the binding, so two agents cannot both accept one BU
        List<Cmp> absent = new ArrayList<>(base);
        absent.add(new Cmp(markKey, Cmp.Op.EQUAL, CmpTarget.version(0)));
        List<Cmp> older = new ArrayList<>(base);
        older.add(new Cmp(markKey, Cmp.Op.LESS, CmpTarget.value(ByteSequence.from(markValue))));
        Op orOlder = Op.txn(older.toArray(new Cmp[0]), new Op[] {write, putMark},
                new Op[] {getBinding, Op.get(markKey, GetOption.DEFAULT)});
        return kv.txn().If(absent.toArray(new Cmp[0])).Then(write, putMark).Else(orOlder).commit()
                .thenApply(r -> outcome(r, expected, markValue, mark));
    }

    private Outcome outcome(TxnResponse outer, long expected, byte[] markValue, ReplayMark mark) {
        long rev = outer.getHeader().getRevision();
        note(rev);
        TxnResponse r = outer;
        if (!outer.isSucceeded() && markValue != null) {
            List<TxnResponse> nested = outer.getTxnResponses();
            if (nested.isEmpty()) {
                return new Outcome(new StoreResult.Unavailable("etcd answered a nested transaction with nothing"),
                        null);
            }
            r = nested.get(0);
        }
        if (r.isSucceeded()) {
            return new Outcome(new StoreResult.Committed(rev), prev(r));
        }
        List<GetResponse> gets = r.getGetResponses();
        if (markValue != null && gets.size() > 1 && !gets.get(1).getKvs().isEmpty()) {
            byte[] stored = gets.get(1).getKvs().get(0).getValue().getBytes();
            if (Arrays.compareUnsigned(stored, markValue) >= 0) {
                LOG.debug("stale timestamp under SPI {}", mark.spi());
                return new Outcome(new StoreResult.Conflict(StoreResult.Reason.STALE_TIMESTAMP, rev), null);
            }
        }
        return new Outcome(new StoreResult.Conflict(StoreResult.Reason.BINDING_CHANGED, rev), null);
    }

    private static KeyValue prev(TxnResponse r) {
        for (PutResponse p : r.getPutResponses()) {
            return p.hasPrevKv() ? p.getPrevKv() : null;
        }
        for (DeleteResponse d : r.getDeleteResponses()) {
            return d.getPrevKvs().isEmpty() ? null : d.getPrevKvs().get(0);
        }
        return null;
    }

    private void revokeQuietly(long lease) {
        leases.revoke(lease).orTimeout(config.opTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.debug("revoking lease {:x} failed; it lapses by itself: {}", lease, describe(e));
                    }
                });
    }

    /** The timeout, and every failure mapped to {@link StoreResult.Unavailable}. */
    private CompletableFuture<StoreResult> guard(CompletableFuture<StoreResult> f, String what) {
        long ms = config.opTimeout().toMillis();
        return f.orTimeout(ms, TimeUnit.MILLISECONDS).handle((r, e) -> {
            if (e == null) {
                if (!(r instanceof StoreResult.Unavailable)) {
                    connectivity(true, "a write committed");
                }
                return r;
            }
            String why = unwrap(e) instanceof TimeoutException ? what + ": no answer in " + ms + " ms"
                    : what + ": " + describe(e);
            connectivity(false, why);
            return new StoreResult.Unavailable(why);
        });
    }

    private StoreResult overBound(BindingKey key) {
        synchronized (watchLock) {
            if (snapshotDelivered && known.size() >= config.maxBindings() && !known.contains(key)) {
                return new StoreResult.Unavailable("the store holds " + config.maxBindings() + " bindings");
            }
        }
        return null;
    }

    private void note(long rev) {
        revision.accumulateAndGet(rev, Math::max);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 8 && (t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null; i++) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable e) {
        Throwable t = unwrap(e);
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.length() > MAX_DETAIL ? m.substring(0, MAX_DETAIL) + "..." : m;
    }

    // ---------------------------------------------------------------- connectivity

    private void probe() {
        if (closed) {
            return;
        }
        long ms = config.opTimeout().toMillis();
        // a linearizable read: answered only by a member that hears from a leader with a majority
        kv.get(probeKey, GetOption.builder().withCountOnly(true).build())
                .orTimeout(ms, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    try {
                        if (e == null) {
                            note(r.getHeader().getRevision());
                            connectivity(true, "a read committed");
                            checkWatch();
                        } else {
                            connectivity(false, unwrap(e) instanceof TimeoutException
                                    ? "no linearizable read in " + ms + " ms" : describe(e));
                        }
                    } catch (RuntimeException x) {
                        LOG.debug("etcd probe: {}", describe(x));
                    } finally {
                        scheduleQuietly(this::probe, config.probeInterval().toMillis());
                    }
                });
    }

    /**
     * With the cluster reachable: a watch stream opened while it was not may never be created (gRPC holds it), and
     * one may go silent; either is reopened from the last revision delivered. A watch behind the newest revision
     * asks for its progress (the revision moves with writes outside the bindings' prefix too).
     */
    private void checkWatch() {
        Watch.Watcher w;
        long e;
        String stuck = null;
        long now = unixNanos.getAsLong();
        long patience = config.opTimeout().toNanos() + 3 * config.probeInterval().toNanos();
        synchronized (watchLock) {
            w = watcher;
            e = epoch;
            if (w == null || listener == null) {
                return;
            }
            if (!watchCreated && now - watchSince > config.opTimeout().toNanos()) {
                stuck = "the watch was not created in " + config.opTimeout().toMillis() + " ms";
            } else if (watchCreated && revision.get() > applied() && now - lastWatchAnswer > patience) {
                stuck = "the watch did not answer a progress request in " + patience / 1_000_000 + " ms";
            }
        }
        LOG.trace("etcd watch check: epoch {}, revision {}, stuck {}", e, revision.get(), stuck);
        if (stuck != null) {
            restartWatch(e, stuck, false, false);
        } else if (revision.get() > applied()) {
            w.requestProgress();
        }
    }

    private void scheduleQuietly(Runnable r, long delayMs) {
        if (!closed) {
            try {
                timer.schedule(r, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void connectivity(boolean now, String why) {
        if (!now) {
            lastError = why;
        }
        if (closed) {
            return;
        }
        synchronized (watchLock) {
            if (connected == now) {
                return;
            }
            connected = now;
            if (now) {
                LOG.info("etcd binding store reachable{} ({}): {}", everConnected ? " again" : "",
                        config.endpoints(), why);
                everConnected = true;
            } else {
                LOG.warn("etcd binding store unreachable or without a majority ({}): {}", config.endpoints(), why);
            }
            if (listener != null && snapshotDelivered) {
                tell(new StoreEvent.Connectivity(now, why));
            }
        }
    }

    // ---------------------------------------------------------------- watch

    @Override
    public AutoCloseable watch(Consumer<StoreEvent> l) {
        Objects.requireNonNull(l, "listener");
        long e;
        synchronized (watchLock) {
            if (listener != null) {
                throw new IllegalStateException("one watch per store");
            }
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            listener = l;
            e = ++epoch;
        }
        snapshot(e);
        return () -> stopWatch(l);
    }

    private void stopWatch(Consumer<StoreEvent> l) {
        Watch.Watcher w = null;
        synchronized (watchLock) {
            if (listener == l) {
                listener = null;
                epoch++;
                w = watcher;
                watcher = null;
                snapshotDelivered = false;
                known.clear();
            }
        }
        if (w != null) {
            w.close();
        }
    }

    /** Reads every binding at one revision, delivers the snapshot, then watches from the next revision. */
    private void snapshot(long e) {
        GetOption all = GetOption.builder().isPrefix(true).withLimit(config.maxBindings() + 1L).build();
        kv.get(bindingsPrefix, all).orTimeout(config.opTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, x) -> {
                    if (x != null) {
                        connectivity(false, "snapshot: " + describe(x));
                        retry(e, () -> snapshot(e));
                    } else {
                        onSnapshot(e, r);
                    }
                });
    }

    private void onSnapshot(long e, GetResponse r) {
        long at = r.getHeader().getRevision();
        note(at);
        synchronized (watchLock) {
            if (e != epoch || listener == null) {
                return;
            }
            List<StoredBinding> list = new ArrayList<>(Math.min(r.getKvs().size(), config.maxBindings()));
            known.clear();
            for (KeyValue x : r.getKvs()) {
                if (list.size() >= config.maxBindings()) {
                    break;
                }
                StoredBinding b = decode(x.getKey(), x.getValue());
                if (b != null) {
                    list.add(b);
                    known.add(b.key());
                }
            }
            boolean over = r.isMore() || r.getKvs().size() > config.maxBindings();
            if (over) {
                LOG.warn("etcd binding store: {} holds more than {} bindings; this agent takes the first {} only",
                        keys.bindings(), config.maxBindings(), config.maxBindings());
            }
            overBound = over;
            delivered = at;
            progress = at;
            backoffMs = MIN_BACKOFF_MS;
            boolean first = !snapshotDelivered;
            snapshotDelivered = true;
            tell(new StoreEvent.Snapshot(list, at));
            if (first && !connected) {
                // the read that made the snapshot committed: the cluster is reachable
                connected = true;
                everConnected = true;
                LOG.info("etcd binding store reachable ({})", config.endpoints());
            }
        }
        watchFrom(e, at + 1);
    }

    private void watchFrom(long e, long from) {
        LOG.debug("etcd watch from revision {} (epoch {})", from, e);
        WatchOption o = WatchOption.builder().isPrefix(true).withRevision(from).withPrevKV(true)
                .withRequireLeader(true).withCreateNotify(true).build();
        synchronized (watchLock) {
            if (e == epoch) {
                watchCreated = false;
                watchSince = unixNanos.getAsLong();
            }
        }
        Watch.Watcher w;
        try {
            w = watches.watch(bindingsPrefix, o, Watch.listener(
                    resp -> onWatch(e, resp), err -> onWatchError(e, err), () -> onWatchEnd(e)));
        } catch (RuntimeException x) {
            connectivity(false, "watch: " + describe(x));
            retry(e, () -> watchFrom(e, from));
            return;
        }
        boolean stale;
        synchronized (watchLock) {
            stale = e != epoch || listener == null;
            if (!stale) {
                watcher = w;
            }
        }
        if (stale) {
            w.close();
        }
    }

    private void onWatch(long e, WatchResponse resp) {
        note(resp.getHeader().getRevision());
        long now = unixNanos.getAsLong();
        synchronized (watchLock) {
            if (e != epoch || listener == null) {
                return;
            }
            lastWatchAnswer = now;
            if (LOG.isTraceEnabled()) {
                LOG.trace("etcd watch epoch {}: created {}, progress {}, {} events, header {}", e,
                        resp.isCreatedNotify(), resp.isProgressNotify(), resp.getEvents().size(),
                        resp.getHeader().getRevision());
            }
            if (resp.isCreatedNotify()) {
                // its header tells the revision now, not that every change up to it was sent
                watchCreated = true;
                backoffMs = MIN_BACKOFF_MS;
                return;
            }
            for (WatchEvent ev : resp.getEvents()) {
                deliver(ev, now);
            }
            if (resp.isProgressNotify() || resp.getEvents().isEmpty()) {
                // a progress notification: every change up to its revision has been sent
                // etcd 3.4.23 may send it before the events of a watch that is catching up (etcd issue 15220):
                // it moves the status only, never where the watch resumes or what it skips
                progress = Math.max(progress, resp.getHeader().getRevision());
            }
        }
    }

    /** One change, under watchLock. */
    private void deliver(WatchEvent ev, long now) {
        KeyValue kvNow = ev.getKeyValue();
        long rev = kvNow.getModRevision();
        if (rev <= delivered) {
            return; // already delivered before a reconnection
        }
        delivered = rev;
        BindingKey key = keys.parseBinding(kvNow.getKey().toString(StandardCharsets.UTF_8));
        if (key == null) {
            bad.log(kvNow.getKey().toString(StandardCharsets.UTF_8), "not a binding key");
            return;
        }
        if (ev.getEventType() == WatchEvent.EventType.PUT) {
            StoredBinding b = decode(kvNow.getKey(), kvNow.getValue());
            if (b == null) {
                if (known.remove(key)) {
                    // what was a binding is not one now: the copy must not keep the old one
                    tell(new StoreEvent.Removed(key, false, rev));
                }
                return;
            }
            if (!known.contains(key) && known.size() >= config.maxBindings()) {
                notDelivered++;
                overBound = true;
                bad.log(keys.bindings(), "over the bound of " + config.maxBindings() + " bindings: "
                        + notDelivered + " writes not delivered");
                return;
            }
            known.add(key);
            tell(new StoreEvent.Put(b, rev));
        } else if (ev.getEventType() == WatchEvent.EventType.DELETE) {
            if (!known.remove(key)) {
                return; // never delivered (over the bound, or a bad value)
            }
            boolean expired = false;
            KeyValue before = ev.getPrevKV();
            if (before != null && !before.getValue().isEmpty()) {
                StoredBinding b = decode(before.getKey(), before.getValue());
                expired = b != null && b.expiresAtUnixNanos() - now <= EXPIRY_SLACK_NANOS;
            }
            tell(new StoreEvent.Removed(key, expired, rev));
        }
    }

    /** Hands an event to the listener, under watchLock; a listener that throws loses nothing else. */
    private void tell(StoreEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException x) {
            listenerFailures++;
            long now = unixNanos.getAsLong();
            if (listenerFailures == 1 || now - lastListenerLog > 1_000_000_000L) {
                lastListenerLog = now;
                LOG.warn("etcd binding store: the watch's listener threw on {} ({} times in all)",
                        e.getClass().getSimpleName(), listenerFailures, x);
            }
        }
    }

    /** Under watchLock. */
    private long applied() {
        return Math.max(delivered, progress);
    }

    private void onWatchError(long e, Throwable err) {
        restartWatch(e, describe(err), isCompacted(unwrap(err)), true);
    }

    private static boolean isCompacted(Throwable t) {
        return t instanceof CompactedException || t.getMessage() != null && t.getMessage().contains("compacted");
    }

    /** Closes the watch of an epoch and opens the next: from the revision after the last delivered, or a snapshot. */
    private void restartWatch(long e, String why, boolean compacted, boolean lost) {
        Watch.Watcher w;
        long next;
        long from;
        synchronized (watchLock) {
            if (e != epoch || listener == null) {
                return;
            }
            w = watcher;
            watcher = null;
            next = ++epoch;
            from = delivered + 1;
        }
        if (w != null) {
            w.close(); // stops jetcd's own resume: this store resumes, from its own revision
        }
        if (compacted) {
            LOG.warn("etcd binding store: revision {} was compacted; a fresh snapshot replaces the copy", from);
            scheduleQuietly(() -> snapshot(next), 0);
        } else {
            LOG.debug("etcd watch failed, resuming from revision {}: {}", from, why);
            if (lost) {
                connectivity(false, "watch: " + why);
            }
            retry(next, () -> watchFrom(next, from));
        }
    }

    private void onWatchEnd(long e) {
        synchronized (watchLock) {
            if (e != epoch || listener == null || closed) {
                return;
            }
        }
        onWatchError(e, new IllegalStateException("the watch stream ended"));
    }

    private void retry(long e, Runnable r) {
        long delay;
        synchronized (watchLock) {
            if (e != epoch || listener == null) {
                return;
            }
            delay = backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        scheduleQuietly(r, delay);
    }

    private StoredBinding decode(ByteSequence k, ByteSequence v) {
        String key = k.toString(StandardCharsets.UTF_8);
        BindingKey bk = keys.parseBinding(key);
        if (bk == null) {
            bad.log(key, "not a binding key");
            return null;
        }
        try {
            return BindingCodec.decode(bk, v.getBytes());
        } catch (BindingCodec.Malformed m) {
            bad.log(key, m.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------- status, close

    @Override
    public StoreStatus status() {
        long app;
        boolean over;
        long dropped;
        synchronized (watchLock) {
            app = applied();
            over = overBound;
            dropped = notDelivered;
        }
        StringBuilder d = new StringBuilder(160).append(config.endpoints()).append(' ').append(config.keyPrefix());
        if (over) {
            d.append("; over ").append(config.maxBindings()).append(" bindings");
            if (dropped > 0) {
                d.append(", ").append(dropped).append(" writes not delivered");
            }
        }
        if (bad.count() > 0) {
            d.append("; ").append(bad.count()).append(" bad values skipped");
        }
        if (!connected) {
            d.append("; last error: ").append(lastError);
        }
        return new StoreStatus("etcd", connected, revision.get(), app, d.toString());
    }

    @Override
    public void close() {
        Watch.Watcher w;
        synchronized (watchLock) {
            if (closed) {
                return;
            }
            closed = true;
            listener = null;
            epoch++;
            w = watcher;
            watcher = null;
        }
        if (w != null) {
            w.close();
        }
        timer.shutdownNow();
        client.close();
    }
}
