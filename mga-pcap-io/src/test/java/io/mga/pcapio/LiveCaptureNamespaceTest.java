package io.mga.pcapio;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.api.Role;
import io.mga.pcapio.link.EthernetFraming;
import io.mga.pcapio.link.MacAddress;
import io.mga.pcapio.port.PcapPort;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live pieces on a real veth pair (root): a burst of frames sent back to back through a raw socket reaches the
 * role whole with the default capture buffer; with a tiny buffer and a held capture thread the kernel drops, and
 * {@code pcap_stats} brings the drops into the counters; a role that throws stops both threads and fails the
 * interface's termination, leaving no thread behind.
 */
class LiveCaptureNamespaceTest {
    static final String TAG = String.format("%04x", ProcessHandle.current().pid() & 0xffff);
    static final String RX = "mga-cap0-" + TAG;
    static final String TX = "mga-cap1-" + TAG;
    static final Ipv6Address ME = Ipv6Address.parse("2001:db8:b::1");
    static final Ipv6Address PEER = Ipv6Address.parse("2001:db8:b::2");
    static MacAddress rxMac;
    static MacAddress txMac;

    static String sh(String... cmd) throws Exception {
        return NamespaceEndToEndTest.sh(true, cmd);
    }

    @BeforeAll
    static void link() throws Exception {
        assertThat(NamespaceEndToEndTest.sh(false, "id", "-u").trim()).as("this test builds veths: root").isEqualTo("0");
        NamespaceEndToEndTest.sh(false, "ip", "link", "del", RX);
        sh("ip", "link", "add", RX, "type", "veth", "peer", "name", TX);
        for (String d : List.of(RX, TX)) {
            sh("sysctl", "-qw", "net.ipv6.conf." + d + ".disable_ipv6=1");
            sh("ip", "link", "set", d, "up");
        }
        rxMac = MacAddress.parse(Files.readString(Path.of("/sys/class/net", RX, "address")).trim());
        txMac = MacAddress.parse(Files.readString(Path.of("/sys/class/net", TX, "address")).trim());
    }

    @AfterAll
    static void unlink() throws Exception {
        NamespaceEndToEndTest.sh(false, "ip", "link", "del", RX);
    }

    /** A UDP frame from the peer to the role, whose last payload octet is {@code marker}. */
    static byte[] frame(int marker) {
        byte[] payload = new byte[1000];
        payload[payload.length - 1] = (byte) marker;
        byte[] p = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, PEER, ME), List.of(),
                new Udp(40000, 5353, Bytes.of(payload))));
        byte[] f = new byte[EthernetFraming.HEADER_LENGTH + p.length];
        EthernetFraming.frame(f, rxMac, txMac, p, 0, p.length);
        return f;
    }

    /** Sends {@code n} copies of a frame back to back through a raw socket on the peer's end. */
    static void blast(byte[] frame, int n) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket, sys",
                "f = bytes.fromhex(sys.stdin.read().strip())",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
                "s.bind((sys.argv[1], 0))",
                "for i in range(int(sys.argv[2])):",
                "    s.send(f)"), TX, Integer.toString(n)).redirectErrorStream(true).start();
        p.getOutputStream().write(Bytes.of(frame).toHex().getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    /** Counts what it receives; releases a latch at {@code expected}. */
    static class Counting implements Role {
        final AtomicLong packets = new AtomicLong();
        final AtomicLong bursts = new AtomicLong();
        final CountDownLatch all;

        Counting(int expected) {
            all = new CountDownLatch(expected);
        }

        @Override
        public void receive(byte[] packet, int offset, int length, long now) {
            packets.incrementAndGet();
            all.countDown();
        }

        @Override
        public void receiveBurst(byte[] buffer, int[] offsets, int[] lengths, int first, int count, long now) {
            bursts.incrementAndGet();
            Role.super.receiveBurst(buffer, offsets, lengths, first, count, now);
        }

        @Override
        public int doWork(long now) {
            return 0;
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    @Test
    void aBurstOfAThousandFramesArrivesWhole() throws Exception {
        int n = 1002;
        Counting role = new Counting(n);
        LiveInterface live = LiveInterface.builder().interfaceName(RX).own(ME).build();
        live.start(role);
        try {
            blast(frame(0), n);
            assertThat(role.all.await(30, TimeUnit.SECONDS)).as("all frames reached the role; %s", live.counters())
                    .isTrue();
            assertThat(role.packets.get()).isEqualTo(n);
            LiveInterface.Counters c = live.counters();
            assertThat(c.queueDropped()).isZero();
            assertThat(c.truncated()).isZero();
        } finally {
            live.close();
        }
        assertThat(live.counters().kernelDropped()).as("read back after close: %s", live.counters()).isZero();
        assertThat(live.termination()).isCompleted().isNotCompletedExceptionally();
    }

    /**
     * An overloaded role sheds what waited too long: the role thread is held on a first frame while 200 more are
     * sent; with an age limit of 1 ms, those the kernel's time stamps show older than that when the thread comes
     * back are dropped unread and counted, and every frame is accounted for (seen by the role, stale, or dropped by
     * the kernel).
     */
    @Test
    void framesOlderThanTheAgeLimitAreShedAndCounted() throws Exception {
        int n = 200;
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Counting role = new Counting(n + 1) {
            @Override
            public void receive(byte[] packet, int offset, int length, long now) {
                super.receive(packet, offset, length, now);
                if (packet[offset + length - 1] == 9 && held.getCount() > 0) {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        LiveInterface live = LiveInterface.builder().interfaceName(RX).own(ME).maxFrameAgeMillis(1).build();
        live.start(role);
        try {
            // the first frame holds the role thread; sent again (at most 30 times, a second apart) until one has:
            // one CI run saw a single such frame never reach the role, and one lost frame must not fail the test
            int markers = 0;
            do {
                blast(frame(9), 1);
                markers++;
            } while (!held.await(1, TimeUnit.SECONDS) && markers < 30);
            assertThat(held.getCount()).as("a first frame reached the role, %d sent; %s", markers, live.counters())
                    .isZero();
            blast(frame(0), n); // the role thread is held: these wait in the capture buffer (a process start and more)
            release.countDown();
            LiveInterface.Counters c = live.counters();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long sent = n + markers;
            while (role.packets.get() + c.staleDropped() + c.kernelDropped() < sent && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(c.staleDropped()).as("%s", c).isPositive();
            assertThat(role.packets.get() + c.staleDropped() + c.kernelDropped()).as("%s", c).isEqualTo(sent);
            assertThat(c.dropped()).as("stale frames are part of the drops: %s", c).isGreaterThanOrEqualTo(
                    c.staleDropped());
            assertThat(c.toString()).contains("stale " + c.staleDropped());
        } finally {
            release.countDown();
            live.close();
        }
    }

    @Test
    void kernelDropsAreReadBackIntoTheCounters() throws Exception {
        int n = 1000;
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch marker = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        // the smallest buffer: a few frames' room in the kernel; the capture thread held on the first frame
        PcapPort port = PcapPort.builder(RX).bufferSize(4096).snaplen(1522).open();
        port.start((f, length) -> {
            seen.incrementAndGet();
            if (f[length - 1] == 1) {
                marker.countDown();
            }
            if (held.getCount() > 0) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, t -> { });
        try {
            blast(frame(0), 1);
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            blast(frame(0), n);
            release.countDown();
            blast(frame(1), 1);
            assertThat(marker.await(30, TimeUnit.SECONDS)).as("the marker behind the burst").isTrue();
        } finally {
            port.close(); // reads pcap_stats a last time
        }
        PcapPort.Stats s = port.stats();
        assertThat(s.kernelDropped()).as("%s", s).isPositive();
        assertThat(s.captured()).isEqualTo(seen.get());
        assertThat(s.captured() + s.kernelDropped()).as("every frame either captured or counted as dropped: %s", s)
                .isEqualTo(n + 2);
    }

    @Test
    void aRoleThatThrowsStopsBothThreadsAndFailsTheTermination() throws Exception {
        Role role = new Counting(1) {
            @Override
            public void receive(byte[] packet, int offset, int length, long now) {
                throw new IllegalStateException("a bug in the role");
            }
        };
        LiveInterface live = LiveInterface.builder().interfaceName(RX).own(ME).build();
        live.start(role);
        blast(frame(0), 1);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> live.termination().get(30, TimeUnit.SECONDS));
        assertThat(e.getCause()).hasMessage("a bug in the role");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().endsWith(RX)) {
                t.join(10_000);
                assertThat(t.isAlive()).as("%s has ended", t.getName()).isFalse();
            }
        }
        assertThat(live.submit(now -> { })).isFalse();
        live.close();
        assertThat(live.termination()).isCompletedExceptionally();
    }

    @Test
    void anInterfaceThatGoesAwayFailsTheTermination() throws Exception {
        String gone = "mga-gone-" + TAG;
        sh("ip", "link", "add", gone, "type", "veth", "peer", "name", "mga-gonp-" + TAG);
        sh("sysctl", "-qw", "net.ipv6.conf." + gone + ".disable_ipv6=1");
        sh("ip", "link", "set", gone, "up");
        LiveInterface live = LiveInterface.builder().interfaceName(gone).own(ME).build();
        live.start(new Counting(1));
        sh("ip", "link", "del", gone);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> live.termination().get(30, TimeUnit.SECONDS));
        assertThat(e.getCause()).isNotNull();
        live.close();
    }
}
