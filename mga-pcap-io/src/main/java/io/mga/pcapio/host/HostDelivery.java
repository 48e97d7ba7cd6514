package io.mga.pcapio.host;

import io.mga.api.Ipv6Address;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel configuration of host delivery on a responder's host, done on {@link #open()} and undone on
 * {@link #close()}: the host's own IPv6 stack then serves the anycast address, and the responder (mga-engine's
 * {@code AnycastResponder} with {@code deliverToHost}) carries packets between the tunnel and the stack.
 *
 * <ul>
 *   <li>a TUN device ({@link TunDevice}) holding the anycast address ({@code /128}, no duplicate address
 *       detection, no link-local address), with MTU the tunnel's link MTU less 40, so that TCP picks a segment
 *       size that fits the tunnel by itself;</li>
 *   <li>a source policy rule, {@code from <anycast> lookup <table>}, and a default route through the device in
 *       that table: whatever the host sends from the anycast address (replies of applications bound to it, the
 *       kernel's Echo Replies, RSTs, Port Unreachables) leaves through the device, to the responder;</li>
 *   <li>an nftables table that drops, before the kernel sees them, the packets for the responder's own unicast
 *       (care-of) address that are the responder's business and that a kernel without {@code ip6_tunnel} or
 *       {@code CONFIG_IPV6_MIP6} would answer with an ICMPv6 Parameter Problem: IPv6-in-IPv6 (protocol 41), the
 *       Mobility Header (135) and type 2 routing headers. pcap captures them before netfilter, so the responder
 *       still gets them. The kernel keeps the care-of address on the interface and answers Neighbor Discovery
 *       for it (ssh and the rest keep working).</li>
 * </ul>
 *
 * <p>Needs root (or {@code CAP_NET_ADMIN}); {@link #setupCommands()} lists the exact commands, for an
 * administrator to run by hand.
 */
public final class HostDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostDelivery.class);

    private final String device;
    private final Ipv6Address anycast;
    private final Ipv6Address careOf;
    private final int mtu;
    private final int table;
    private final int priority;
    private final String nftTable;
    private final List<List<String>> undo = new ArrayList<>();
    private TunDevice tun;

    private HostDelivery(Builder b) {
        this.device = Objects.requireNonNull(b.device, "device");
        this.anycast = Objects.requireNonNull(b.anycast, "anycast");
        this.careOf = Objects.requireNonNull(b.careOf, "careOf");
        if (b.mtu < 1280 || b.mtu > 65535 - 40) {
            throw new IllegalArgumentException("the device MTU must be 1280 to 65495, got " + b.mtu);
        }
        if (b.table < 1 || b.table > 0x7fff_ffff || b.table == 253 || b.table == 254 || b.table == 255) {
            throw new IllegalArgumentException("the routing table must be a free table number, not " + b.table);
        }
        if (b.priority < 1 || b.priority >= 32766) {
            throw new IllegalArgumentException("the rule priority must be 1 to 32765 (before main), got " + b.priority);
        }
        this.mtu = b.mtu;
        this.table = b.table;
        this.priority = b.priority;
        this.nftTable = "mga_" + device.replaceAll("[^A-Za-z0-9]", "_");
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link HostDelivery}. */
    public static final class Builder {
        private String device = "mga0";
        private Ipv6Address anycast;
        private Ipv6Address careOf;
        private int mtu = 1460;
        private int table = 4242;
        private int priority = 4242;

        private Builder() {
        }

        /**
         * @param name the TUN device's name (default {@code mga0}), at most 15 characters
         * @return this builder
         */
        public Builder device(String name) {
            this.device = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param a the anycast address the host serves
         * @return this builder
         */
        public Builder anycast(Ipv6Address a) {
            this.anycast = a;
            return this;
        }

        /**
         * @param a the responder's own unicast (care-of) address, which the kernel holds on its interface
         * @return this builder
         */
        public Builder careOf(Ipv6Address a) {
            this.careOf = a;
            return this;
        }

        /**
         * @param octets the device's MTU: the tunnel's link MTU less 40 (default 1460, for a 1500 link)
         * @return this builder
         */
        public Builder mtu(int octets) {
            this.mtu = octets;
            return this;
        }

        /**
         * @param number the routing table of the anycast address's replies (default 4242)
         * @param rulePriority the priority of the source rule (default 4242; before the main table's 32766)
         * @return this builder
         */
        public Builder table(int number, int rulePriority) {
            this.table = number;
            this.priority = rulePriority;
            return this;
        }

        /** @return the configuration (nothing done yet) */
        public HostDelivery build() {
            return new HostDelivery(this);
        }
    }

    /**
     * The commands {@link #open()} runs after creating the device, in order; for an administrator, with
     * {@code ip tuntap add dev NAME mode tun user USER} first (a persistent device a non-root user may open).
     *
     * @return each command as its arguments
     */
    public List<List<String>> setupCommands() {
        String any = anycast.toString();
        return List.of(
                List.of("ip", "link", "set", "dev", device, "addrgenmode", "none"),
                List.of("ip", "link", "set", "dev", device, "mtu", Integer.toString(mtu), "up"),
                List.of("ip", "-6", "addr", "add", any + "/128", "dev", device, "nodad"),
                List.of("ip", "-6", "route", "add", "default", "dev", device, "table", Integer.toString(table)),
                List.of("ip", "-6", "rule", "add", "from", any, "lookup", Integer.toString(table), "priority",
                        Integer.toString(priority)),
                List.of("nft", "add", "table", "ip6", nftTable),
                List.of("nft", "add", "chain", "ip6", nftTable, "prerouting",
                        "{ type filter hook prerouting priority -300 ; policy accept ; }"),
                List.of("nft", "add", "rule", "ip6", nftTable, "prerouting", "ip6", "daddr", careOf.toString(),
                        "meta", "l4proto", "{ 41, 135 }", "counter", "drop"),
                List.of("nft", "add", "rule", "ip6", nftTable, "prerouting", "ip6", "daddr", careOf.toString(),
                        "rt", "type", "2", "counter", "drop"));
    }

    /** @return the commands that undo {@link #setupCommands()} (closing the device removes its address and route) */
    public List<List<String>> teardownCommands() {
        return List.of(
                List.of("nft", "delete", "table", "ip6", nftTable),
                List.of("ip", "-6", "rule", "del", "from", anycast.toString(), "lookup", Integer.toString(table),
                        "priority", Integer.toString(priority)));
    }

    /**
     * @param command a command as its arguments
     * @return it as one shell line (arguments with spaces or braces quoted)
     */
    public static String shellLine(List<String> command) {
        StringBuilder b = new StringBuilder();
        for (String a : command) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(a.matches("[A-Za-z0-9_./:=@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    /**
     * Creates the device and configures the kernel; on failure, undoes what was done. A source rule and an
     * nftables table of the same names left by an earlier run that could not undo them (killed with SIGKILL) are
     * removed first.
     *
     * @return the open device (give it to the responder's {@code deliverToHost} and start its reader)
     * @throws IOException if the device cannot be created or a command fails (its output in the message)
     * @throws IllegalStateException if opened before
     */
    public synchronized TunDevice open() throws IOException {
        if (tun != null) {
            throw new IllegalStateException("host delivery on " + device + " was opened before");
        }
        // what a run killed with SIGKILL left (the device, its address and route went with its file descriptor;
        // the rule and the nftables table stay): removed first, failures expected and ignored
        for (List<String> c : teardownCommands()) {
            try {
                run(c);
                LOG.info("host delivery: removed what an earlier run left: {}", shellLine(c));
            } catch (IOException e) {
                // nothing was left
            }
        }
        TunDevice t = TunDevice.open(device);
        tun = t;
        try {
            List<List<String>> setup = setupCommands();
            for (int i = 0; i < setup.size(); i++) {
                run(setup.get(i));
                if (i == 4) {
                    undo.add(teardownCommands().get(1));
                } else if (i == 5) {
                    undo.add(0, teardownCommands().get(0));
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("host delivery: {} holds {} (MTU {}), replies from it routed by table {}, protocols 41/135 to {}"
                + " dropped before the kernel (nft table ip6 {})", device, anycast, mtu, table, careOf, nftTable);
        return t;
    }

    /** @return the device, or null before {@link #open()} */
    public synchronized TunDevice device() {
        return tun;
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + shellLine(command));
            }
            out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + shellLine(command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(shellLine(command) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    /** Undoes the configuration (rule, nftables table) and closes the device; idempotent. */
    @Override
    public synchronized void close() {
        for (List<String> c : undo) {
            try {
                run(c);
            } catch (IOException e) {
                LOG.warn("host delivery: undoing failed: {}", e.getMessage());
            }
        }
        undo.clear();
        if (tun != null) {
            tun.close();
        }
    }
}
