package io.mga.kernel;

import io.mga.api.AnycastBinding;
import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.SelectionPolicy;
import io.mga.engine.BindingTableListener;
import io.mga.engine.SelectionTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Home Anycast Agent's kernel data plane: the XDP program {@code mga_haa.bpf.o} (built from
 * {@code src/main/c}) on the agent's interface, and the control plane that mirrors the agent's binding cache into
 * its maps. The Java agent stays the control plane (registration, soft state, DHAAD, tunnel errors, Binding
 * Refresh Requests, route optimisation): it sets this object as its {@link BindingTableListener}, and each change
 * of an anycast address's bindings is written to the maps before the agent's call returns.
 *
 * <p>What the kernel does per packet: a packet for an anycast address with one binding is tunnelled to it; with
 * several, to the responder of the initiator's pin if one is in force, else to the one its entry of the anycast
 * address's {@link SelectionTable} names (the same table {@link io.mga.engine.Policies#table} uses, so both paths
 * choose alike), and pinned. Reverse-tunnelled packets from a registered care-of address are decapsulated. What
 * it cannot or must not handle goes up to the Java agent unchanged (see {@link KernelCounters}).
 *
 * <p>Loading and attaching use {@code bpftool} (one process each, at start and stop); the maps are written through
 * bpf(2) ({@link Bpf}). The program and its maps are pinned under {@code /sys/fs/bpf/mga/<interface>}; a start
 * removes what a previous run left there, {@link #close} detaches the program and removes the pins.
 *
 * <p>Threading: {@link #bindingsChanged}, {@link #tunnelLabelSecret} and {@link #routerMac} on the agent's thread;
 * {@link #close} from any thread (then the others do nothing). The bounds are the program's ({@link #MAX_TABLES}
 * tables of {@value SelectionTable#SIZE} entries, 262,144 anycast addresses, 524,288 care-of entries, 65,536 pins).
 */
public final class KernelDataPlane implements BindingTableListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelDataPlane.class);
    /** Where the program and its maps are pinned, one folder per interface. */
    public static final Path PIN_ROOT = Path.of("/sys/fs/bpf/mga");
    /** The object's resource name, next to this class. */
    static final String OBJECT = "mga_haa.bpf.o";
    /** The program's bounds (mga_haa.bpf.c). */
    public static final int MAX_TABLES = 256;
    /** The most anycast addresses the program's map holds. */
    public static final int MAX_ANYCAST = 262_144;
    static final int NO_TABLE = -1;
    static final long TABLES_BYTES = (long) MAX_TABLES * SelectionTable.SIZE * 16;
    static final int CONFIG_SIZE = 72;
    static final int F_ENABLED = 1;
    static final int F_PINS = 2;
    static final int F_MIRRORED = 4;

    /**
     * What the data plane is set up with.
     *
     * @param iface the agent's interface
     * @param agent the agent's address
     * @param served the anycast prefixes served
     * @param hopLimit the outer hop limit
     * @param hashKey the selection tables' secret: the one given to {@link io.mga.engine.Policies#table}
     * @param pins whether initiators are pinned (the Advanced Model with a pin table)
     * @param pinIdleNanos how long a pin lasts unused
     * @param pinDir where to pin, null for {@link #PIN_ROOT}/iface
     * @param mac the interface's Ethernet address, null to read it from sysfs
     * @param mtu the link MTU, 0 to read it from sysfs
     */
    public record Options(String iface, Ipv6Address agent, List<Ipv6Prefix> served, int hopLimit, long hashKey,
            boolean pins, long pinIdleNanos, Path pinDir, byte[] mac, int mtu) {
        /**
         * Validates.
         *
         * @param iface the interface
         * @param agent the agent's address
         * @param served the prefixes
         * @param hopLimit the hop limit
         * @param hashKey the key
         * @param pins pinning
         * @param pinIdleNanos pin idle time
         * @param pinDir the pin folder or null
         * @param mac the MAC or null
         * @param mtu the MTU or 0
         */
        public Options {
            Objects.requireNonNull(iface, "iface");
            Objects.requireNonNull(agent, "agent");
            served = List.copyOf(served);
            if (!iface.matches("[A-Za-z0-9_.@-]{1,15}")) {
                throw new IllegalArgumentException("not an interface name: " + iface);
            }
            if (mac != null && mac.length != 6) {
                throw new IllegalArgumentException("an Ethernet address has 6 octets");
            }
            mac = mac == null ? null : mac.clone();
        }

        Path dir() {
            return pinDir != null ? pinDir : PIN_ROOT.resolve(iface);
        }
    }

    /** The mirror's own counts, for the agent's status and the benchmarks. */
    public record MirrorStats(long changes, long elementWrites, long tableWrites, long failures, int tablesInUse,
            int anycastWithoutTable) {
    }

    /** One anycast address as mirrored. */
    private static final class Mirrored {
        int table = NO_TABLE;
        int count;
        final Map<Ipv6Address, Integer> careOfs = new HashMap<>();
        /** The care-of address of each table entry as written (null: not written). */
        Ipv6Address[] entries;
    }

    private final Options options;
    private final Bpf bpf = new Bpf();
    private final Map<Ipv6Address, Mirrored> mirrored = new HashMap<>();
    private final BitSet freeTables = new BitSet(MAX_TABLES);
    private final byte[] config = new byte[CONFIG_SIZE];
    private final int[] scratch = new int[SelectionTable.SIZE];
    private final int cpus;
    private int progFd = -1;
    private int configFd = -1;
    private int anycastFd = -1;
    private int tablesFd = -1;
    private int careOfFd = -1;
    private int servedFd = -1;
    private int countersFd = -1;
    /** The tables' values, mapped: entry i of table t at (t * SIZE + i) * 16. */
    private com.sun.jna.Pointer tables;
    private final byte[] image = new byte[SelectionTable.SIZE * 16];
    private boolean attached;
    private Mode attachedMode;
    private boolean closed;
    private long changes;
    private long elementWrites;
    private long tableWrites;
    private long failures;
    private int withoutTable;

    private KernelDataPlane(Options options) {
        this.options = options;
        this.freeTables.set(0, MAX_TABLES);
        this.cpus = possibleCpus();
    }

    /**
     * What is missing for the kernel data plane on this machine, in one line with how to get it, or null when
     * nothing is. Checks the compiled program, bpf(2) through JNA, root, bpftool and the BPF file system.
     *
     * @return null, or the one line
     */
    public static String missing() {
        if (KernelDataPlane.class.getResource(OBJECT) == null) {
            return "no compiled BPF program in mga-kernel (its build needs clang and libbpf-dev: run"
                    + " scripts/install-test-deps.sh as root, or apt-get install clang libbpf-dev, then rebuild)";
        }
        String b = Bpf.unavailable();
        if (b != null) {
            return b;
        }
        if (!isRoot()) {
            return "not root: loading an XDP program needs root (or CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN)";
        }
        if (!onPath("bpftool")) {
            return "bpftool not found on PATH: apt-get install bpftool (Debian) or linux-tools (Ubuntu)";
        }
        if (!Files.isDirectory(Path.of("/sys/fs/bpf"))) {
            return "no /sys/fs/bpf: this kernel has no BPF file system (CONFIG_BPF_SYSCALL)";
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) {
                    return l.split("\\s+")[2].equals("0"); // the effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loads the program and its maps, writes the configuration, and attaches the program to the interface.
     *
     * @param options the set-up
     * @return the data plane, attached
     * @throws IOException with one line saying what failed
     */
    public static KernelDataPlane install(Options options) throws IOException {
        KernelDataPlane k = load(options);
        try {
            k.attach();
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
        return k;
    }

    /**
     * Loads the program and its maps and writes the configuration, without attaching (tests run it on packets
     * through {@link #run}).
     *
     * @param options the set-up
     * @return the data plane, loaded
     * @throws IOException with one line saying what failed
     */
    public static KernelDataPlane load(Options options) throws IOException {
        String m = missing();
        if (m != null) {
            throw new IOException(m);
        }
        KernelDataPlane k = new KernelDataPlane(options);
        try {
            k.loadProgram();
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
        return k;
    }

    private void loadProgram() throws IOException {
        Path dir = options.dir();
        mountBpfFs();
        removeStale(dir);
        Files.createDirectories(dir);
        Path obj = Files.createTempFile("mga_haa", ".bpf.o");
        try {
            try (InputStream in = KernelDataPlane.class.getResourceAsStream(OBJECT)) {
                Files.copy(Objects.requireNonNull(in, OBJECT), obj, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            run("bpftool", "prog", "load", obj.toString(), dir.resolve("prog").toString(), "type", "xdp", "pinmaps",
                    dir.toString());
        } finally {
            Files.deleteIfExists(obj);
        }
        progFd = bpf.objGet(dir.resolve("prog").toString());
        configFd = bpf.objGet(dir.resolve("mga_config").toString());
        anycastFd = bpf.objGet(dir.resolve("mga_anycast").toString());
        tablesFd = bpf.objGet(dir.resolve("mga_tables").toString());
        tables = Bpf.mmap(tablesFd, TABLES_BYTES);
        careOfFd = bpf.objGet(dir.resolve("mga_care_of").toString());
        servedFd = bpf.objGet(dir.resolve("mga_served").toString());
        countersFd = bpf.objGet(dir.resolve("mga_counters").toString());
        for (Ipv6Prefix p : options.served()) {
            byte[] k = new byte[20];
            ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).putInt(p.length());
            p.address().writeTo(k, 4);
            bpf.update(servedFd, k, new byte[] {1});
        }
        byte[] mac = options.mac() != null ? options.mac() : readMac(options.iface());
        int mtu = options.mtu() > 0 ? options.mtu() : readMtu(options.iface());
        ByteBuffer c = ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN);
        options.agent().writeTo(config, 0);
        System.arraycopy(mac, 0, config, 16, 6);
        c.putInt(28, mtu);
        c.putInt(32, options.hopLimit());
        c.putInt(36, F_ENABLED | (options.pins() ? F_PINS : 0));
        c.putLong(40, options.hashKey());
        c.putLong(64, options.pinIdleNanos());
        writeConfig();
        LOG.info("kernel data plane loaded for {} (pinned under {}, MTU {}, pins {})", options.iface(), dir, mtu,
                options.pins());
    }

    private void writeConfig() throws IOException {
        bpf.update(configFd, new byte[4], config);
    }

    /** Mounts the BPF file system on /sys/fs/bpf if nothing is mounted there (as iproute2 does). */
    private static void mountBpfFs() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = l.split(" ");
            if (f.length > 2 && f[1].equals("/sys/fs/bpf") && f[2].equals("bpf")) {
                return;
            }
        }
        run("mount", "-t", "bpf", "bpf", "/sys/fs/bpf");
    }

    /** A previous run's pins: its program detached from the interface if it is still there, the folder removed. */
    private void removeStale(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Path prog = dir.resolve("prog");
        if (Files.exists(prog)) {
            Matcher pinned = Pattern.compile("\"id\":(\\d+)").matcher(run("bpftool", "-j", "prog", "show", "pinned",
                    prog.toString()));
            Matcher attachedId = Pattern.compile("\"xdp\":\\{.*?\"prog\":\\{\"id\":(\\d+)")
                    .matcher(runQuiet("ip", "-d", "-j", "link", "show", "dev", options.iface()));
            if (pinned.find() && attachedId.find() && pinned.group(1).equals(attachedId.group(1))) {
                runQuiet("bpftool", "net", "detach", "xdp", "dev", options.iface());
            }
        }
        removeDir(dir);
        LOG.info("removed what a previous run left in {}", dir);
    }

    private static void removeDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** How the program is attached (bpftool's names). */
    public enum Mode {
        /** Native where the driver has it, generic otherwise. */
        AUTO("xdp"),
        /** In the driver (veth has it). */
        NATIVE("xdpdrv"),
        /** On the socket buffer, after the driver: any interface. */
        GENERIC("xdpgeneric");

        final String bpftool;

        Mode(String bpftool) {
            this.bpftool = bpftool;
        }
    }

    /**
     * Attaches the program to the interface: native XDP where the driver has it, generic otherwise, and generic
     * on a veth (whose native {@code XDP_TX} delivers to the peer only while the peer runs an XDP program too,
     * and loses the frames silently otherwise).
     *
     * @throws IOException if the interface has another XDP program or refuses
     */
    public synchronized void attach() throws IOException {
        boolean veth = runQuiet("ip", "-d", "-j", "link", "show", "dev", options.iface())
                .contains("\"info_kind\":\"veth\"");
        attach(veth ? Mode.GENERIC : Mode.AUTO);
    }

    /**
     * Attaches the program to the interface.
     *
     * @param mode how
     * @throws IOException if the interface has another XDP program or refuses
     */
    public synchronized void attach(Mode mode) throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        run("bpftool", "net", "attach", mode.bpftool, "pinned", options.dir().resolve("prog").toString(), "dev",
                options.iface());
        attachedMode = mode;
        attached = true;
        LOG.info("kernel data plane attached to {} ({})", options.iface(), mode.bpftool);
    }

    /**
     * Gives the program the default router's Ethernet address (until then it passes everything to the Java
     * agent, which resolves it). Call on the agent's thread whenever it may have changed.
     *
     * @param mac six octets, or null when not known
     */
    public synchronized void routerMac(byte[] mac) {
        if (closed) {
            return;
        }
        byte[] m = mac == null ? new byte[6] : mac;
        if (m.length != 6 || java.util.Arrays.equals(config, 22, 28, m, 0, 6)) {
            return;
        }
        System.arraycopy(m, 0, config, 22, 6);
        try {
            writeConfig();
        } catch (IOException e) {
            failed("router address", e);
        }
    }

    /**
     * The agent has reported every binding it held ({@link BindingTableListener#replayed}): from now on a served
     * address without a binding, and a reverse-tunnelled packet from an unregistered care-of address, are dropped
     * by the program; until now they went to the Java agent, which holds the bindings the tables may not have yet
     * (an agent restarted from its saved state).
     */
    @Override
    public synchronized void replayed() {
        if (closed) {
            return;
        }
        ByteBuffer c = ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN);
        c.putInt(36, c.getInt(36) | F_MIRRORED);
        try {
            writeConfig();
        } catch (IOException e) {
            failed("mirrored flag", e);
        }
    }

    @Override
    public synchronized void tunnelLabelSecret(long secret, long multiplier) {
        if (closed) {
            return;
        }
        ByteBuffer c = ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(48, secret);
        c.putLong(56, multiplier);
        try {
            writeConfig();
        } catch (IOException e) {
            failed("Flow Label secret", e);
        }
    }

    @Override
    public synchronized void bindingsChanged(Ipv6Address anycast, List<AnycastBinding> bindings) {
        if (closed) {
            return;
        }
        changes++;
        try {
            apply(anycast, bindings);
        } catch (IOException | RuntimeException e) {
            failed("bindings of " + anycast, e);
            // whatever the kernel holds for it now may be wrong: hand the address to the Java agent
            try {
                bpf.delete(anycastFd, anycast.toBytes());
            } catch (IOException e2) {
                failed("removing " + anycast, e2);
            }
        }
    }

    private void apply(Ipv6Address anycast, List<AnycastBinding> bindings) throws IOException {
        Mirrored m = mirrored.get(anycast);
        if (m == null) {
            if (bindings.isEmpty()) {
                return;
            }
            if (mirrored.size() >= MAX_ANYCAST) {
                throw new IOException("the kernel's anycast map is full (" + MAX_ANYCAST + ")");
            }
            m = new Mirrored();
            mirrored.put(anycast, m);
        }
        // 1. care-of entries that are new or counted anew (before anything points at them)
        Map<Ipv6Address, Integer> now = new HashMap<>();
        for (AnycastBinding b : bindings) {
            now.merge(b.careOf(), 1, Integer::sum);
        }
        for (Map.Entry<Ipv6Address, Integer> e : now.entrySet()) {
            if (!e.getValue().equals(m.careOfs.get(e.getKey()))) {
                bpf.update(careOfFd, pair(anycast, e.getKey()), le32(e.getValue()));
                elementWrites++;
            }
        }
        // 2. the table, when there is a choice
        int n = bindings.size();
        if (n > 1) {
            if (m.table == NO_TABLE) {
                int t = freeTables.nextSetBit(0);
                if (t >= 0) {
                    freeTables.clear(t);
                    m.table = t;
                    m.entries = new Ipv6Address[SelectionTable.SIZE];
                }
            }
            if (m.table != NO_TABLE) {
                writeTable(m, bindings);
            }
        }
        // 3. the anycast entry: one care-of, or the table
        if (n == 0) {
            bpf.delete(anycastFd, anycast.toBytes());
        } else {
            byte[] v = new byte[24];
            ByteBuffer bb = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            bb.putInt(0, n);
            bb.putInt(4, n > 1 ? m.table : 0);
            bindings.get(0).careOf().writeTo(v, 8);
            bpf.update(anycastFd, anycast.toBytes(), v);
        }
        elementWrites++;
        boolean lacked = m.count > 1 && m.table == NO_TABLE;
        boolean lacks = n > 1 && m.table == NO_TABLE;
        withoutTable += (lacks ? 1 : 0) - (lacked ? 1 : 0);
        if (lacks && !lacked) {
            LOG.warn("no free selection table for {} ({} in use): its packets go through the Java agent",
                    anycast, MAX_TABLES);
        }
        // 4. care-of entries no longer used (after nothing points at them)
        for (Ipv6Address c : m.careOfs.keySet()) {
            if (!now.containsKey(c)) {
                bpf.delete(careOfFd, pair(anycast, c));
                elementWrites++;
            }
        }
        m.careOfs.clear();
        m.careOfs.putAll(now);
        m.count = n;
        if (n <= 1 && m.table != NO_TABLE) {
            freeTables.set(m.table);
            m.table = NO_TABLE;
            m.entries = null;
        }
        if (n == 0) {
            mirrored.remove(anycast);
        }
    }

    /**
     * Computes the anycast address's table as the engine's policy does and writes it into the mapped map in one
     * copy (64 KiB; the entries that did not move are rewritten with what they held). A packet that reads an entry
     * while it moves may see a torn address for that instant, as with a bpf(2) update of an array map, which
     * copies without a lock either.
     */
    private void writeTable(Mirrored m, List<AnycastBinding> bindings) {
        SelectionTable.build(options.hashKey(), SelectionPolicy.Candidates.of(bindings), scratch);
        byte[][] careOfs = new byte[bindings.size()][];
        for (int i = 0; i < careOfs.length; i++) {
            careOfs[i] = bindings.get(i).careOf().toBytes();
        }
        int moved = 0;
        for (int e = 0; e < SelectionTable.SIZE; e++) {
            Ipv6Address c = bindings.get(scratch[e]).careOf();
            System.arraycopy(careOfs[scratch[e]], 0, image, 16 * e, 16);
            if (!c.equals(m.entries[e])) {
                m.entries[e] = c;
                moved++;
            }
        }
        tables.write((long) m.table * SelectionTable.SIZE * 16, image, 0, image.length);
        tableWrites += moved;
    }

    private static byte[] pair(Ipv6Address a, Ipv6Address b) {
        byte[] k = new byte[32];
        a.writeTo(k, 0);
        b.writeTo(k, 16);
        return k;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Failures are logged at most 10 times and then every 1000th (a map write fails only when a bound is hit). */
    private void failed(String what, Exception e) {
        failures++;
        if (failures <= 10 || failures % 1000 == 0) {
            LOG.warn("kernel data plane: writing {} failed ({} failures so far): {}", what, failures, e.getMessage());
        }
    }

    /** @return the kernel's counters, summed over the CPUs */
    public synchronized KernelCounters counters() {
        long[] sum = new long[KernelCounters.SLOTS];
        if (closed) {
            return KernelCounters.of(sum);
        }
        try {
            for (int i = 0; i < KernelCounters.SLOTS; i++) {
                byte[] v = bpf.lookup(countersFd, le32(i), 8 * cpus);
                ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
                for (int c = 0; c < cpus; c++) {
                    sum[i] += b.getLong(8 * c);
                }
            }
        } catch (IOException e) {
            failed("(reading) counters", e);
        }
        return KernelCounters.of(sum);
    }

    /** @return the mirror's own counts */
    public synchronized MirrorStats mirrorStats() {
        return new MirrorStats(changes, elementWrites, tableWrites, failures, MAX_TABLES - freeTables.cardinality(),
                withoutTable);
    }

    /** @return where the program and maps are pinned */
    public Path pinDir() {
        return options.dir();
    }

    /**
     * Runs the loaded program once on a frame, as the interface would (for tests: BPF_PROG_TEST_RUN).
     *
     * @param frame an Ethernet frame
     * @return the XDP verdict (1 drop, 2 pass, 3 transmit) and the frame as the program left it
     * @throws IOException if the kernel refuses
     */
    public synchronized Verdict run(byte[] frame) throws IOException {
        Bpf.TestRun r = bpf.testRun(progFd, frame);
        return new Verdict(r.verdict(), r.out());
    }

    /**
     * What the program did with a frame.
     *
     * @param action the XDP action: {@link #DROP}, {@link #PASS} or {@link #TX}
     * @param frame the frame as it left
     */
    public record Verdict(int action, byte[] frame) {
        /** XDP_DROP. */
        public static final int DROP = 1;
        /** XDP_PASS. */
        public static final int PASS = 2;
        /** XDP_TX. */
        public static final int TX = 3;
    }

    /** Detaches the program, closes the maps and removes the pins; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (attached) {
            try {
                run("bpftool", "net", "detach", attachedMode.bpftool, "dev", options.iface());
            } catch (IOException e) {
                LOG.warn("detaching the kernel data plane from {}: {}", options.iface(), e.getMessage());
            }
        }
        Bpf.munmap(tables, TABLES_BYTES);
        tables = null;
        for (int fd : new int[] {progFd, configFd, anycastFd, tablesFd, careOfFd, servedFd, countersFd}) {
            Bpf.close(fd);
        }
        try {
            removeDir(options.dir());
        } catch (IOException e) {
            LOG.warn("removing {}: {}", options.dir(), e.getMessage());
        }
        LOG.info("kernel data plane removed from {}", options.iface());
    }

    private static byte[] readMac(String iface) throws IOException {
        Path p = Path.of("/sys/class/net", iface, "address");
        if (!Files.isReadable(p)) {
            throw new IOException("no interface " + iface);
        }
        String[] f = Files.readString(p).trim().split(":");
        if (f.length != 6) {
            throw new IOException(iface + " has no Ethernet address");
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(f[i], 16);
        }
        return m;
    }

    private static int readMtu(String iface) throws IOException {
        return Integer.parseInt(Files.readString(Path.of("/sys/class/net", iface, "mtu")).trim());
    }

    private static int possibleCpus() {
        // "0-7" or "0,2-3": the per-CPU maps have a value for each possible CPU
        try {
            int n = 0;
            for (String r : Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
                String[] ab = r.split("-");
                n += ab.length == 1 ? 1 : Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static String run(String... cmd) throws IOException {
        return exec(true, cmd);
    }

    private static String runQuiet(String... cmd) {
        try {
            return exec(false, cmd);
        } catch (IOException e) {
            return "";
        }
    }

    private static String exec(boolean check, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            // bounded: the tools' answers are a few lines
            out = new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer in 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": interrupted");
        }
        if (check && p.exitValue() != 0) {
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            throw new IOException(String.join(" ", cmd[0], cmd[1], cmd[2]) + " failed (" + p.exitValue() + "): "
                    + last);
        }
        return out;
    }

    /**
     * Writes the XDP_PASS program ({@code mga_pass.bpf.o}) to a file, for the peer of a veth that runs the data
     * plane: on a veth, a frame sent with XDP_TX reaches the peer only while the peer has an XDP program. Tests
     * and the benchmark attach it there; a physical NIC needs nothing of the kind.
     *
     * @param to where to write it
     * @throws IOException if it was not built or cannot be written
     */
    public static void writePassProgram(Path to) throws IOException {
        try (InputStream in = KernelDataPlane.class.getResourceAsStream("mga_pass.bpf.o")) {
            if (in == null) {
                throw new IOException("mga_pass.bpf.o was not built (clang and libbpf-dev)");
            }
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** For the mirror's bookkeeping in tests: the anycast addresses mirrored now. */
    synchronized List<Ipv6Address> mirroredAddresses() {
        return new ArrayList<>(mirrored.keySet());
    }
}
