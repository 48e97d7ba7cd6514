package io.mga.pcapio;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import io.mga.wire.Ipv6Header;
import io.mga.wire.Ipv6Packet;
import io.mga.wire.PacketEncoder;
import io.mga.wire.Udp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the recorder writes, read back by tshark (an independent reader), timestamps included. */
class PcapRecorderTest {

    @Test
    void tsharkReadsWhatWeRecord(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rec.pcap");
        byte[] p = PacketEncoder.encode(Ipv6Packet.build(Ipv6Header.of(64, Ipv6Address.parse("2001:db8::1"),
                Ipv6Address.parse("2001:db8::2")), List.of(), new Udp(40001, 40002, Bytes.fromHex("cafe"))));
        try (PcapRecorder r = PcapRecorder.create(file)) {
            r.record(1_700_000_000_123_456_789L, p, 0, p.length);
            r.record(1_700_000_001_000_000_001L, p, 0, p.length);
            assertThat(r.records()).isEqualTo(2);
        }
        Process t = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-T", "fields", "-e", "frame.time_epoch",
                "-e", "ipv6.src", "-e", "udp.dstport").redirectErrorStream(true).start();
        assertThat(t.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(t.exitValue()).as(out).isZero();
        List<String> lines = out.lines().filter(l -> l.startsWith("17")).toList();
        assertThat(lines).containsExactly("1700000000.123456789\t2001:db8::1\t40002",
                "1700000001.000000001\t2001:db8::1\t40002");
        assertThat(Files.size(file)).isEqualTo(24 + 2 * (16 + p.length));
    }
}
