package io.mga.cli;

import io.mga.pcapio.CaptureReader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mga.wire.link.LinkType;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mga decode FILE}: one JSON object per packet of a pcap or pcapng capture. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decodes a pcap or pcapng capture (link types Ethernet, Linux cooked SLL/SLL2, raw IPv6, "
                + "null/loopback) and prints one JSON object per packet, one per line.",
            "Keys: docs/decode-output.md. \"valid\" says whether a packet could be decoded; protocol violations "
                + "of a decodable packet are listed by stable name in its \"problems\" (mh_payload_proto_not_59, "
                + "mh_checksum_bad, mh_type_unknown, mh_home_address_option_not_allowed, "
                + "mh_binding_authorization_data_not_last, rh2_segments_left_not_1, icmpv6_checksum_bad, "
                + "udp_checksum_bad, udp_checksum_zero).",
            "Exit status 0 when the file could be read (even if packets are malformed), "
                + "1 with a one-line message when it could not."},
        footerHeading = "%nError kinds (\"error\".\"kind\" of a malformed packet):%n",
        footer = {
            "  truncated              the bytes end inside a fixed header or field",
            "  length_overrun         a length field points past the end of what contains it",
            "  bad_length             a length field holds a value its type cannot have",
            "  bad_ip_version         the version nibble is not 6",
            "  hop_by_hop_not_first   a Hop-by-Hop header not directly after the IPv6 header",
            "  chain_too_long         more than 16 extension headers in one chain",
            "  nesting_too_deep       more than 4 nested IPv6 packets (tunnels, ICMPv6 invoking packets)",
            "  not_ipv6               the link-layer frame carries something other than IPv6",
            "  unsupported_link_type  the capture's link type is not one mga reads",
            "  decoder_fault          a bug in mga; please report it with the packet"})
final class DecodeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "capture file, or - for standard input")
    String file;

    @Option(names = "--pretty", description = "indent the JSON (several lines per packet)")
    boolean pretty;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        if (pretty) {
            mapper.enable(SerializationFeature.INDENT_OUTPUT);
        }
        Path path;
        Path temp = null;
        try {
            if ("-".equals(file)) {
                temp = Files.createTempFile("mga-decode", ".pcap");
                try (InputStream in = System.in) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
                path = temp;
            } else {
                path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    err.println("mga decode: " + file + ": no such file");
                    return 1;
                }
            }
            try (CaptureReader reader = CaptureReader.open(path)) {
                PacketJson json = new PacketJson(mapper);
                LinkType link = reader.linkType().orElse(null);
                int frame = 0;
                CaptureReader.Frame f;
                while ((f = reader.next()) != null) {
                    frame++;
                    ObjectNode node = json.frame(frame, Instant.ofEpochSecond(f.epochSeconds(), f.nanos()), link,
                            reader.linkTypeCode(), f.data());
                    out.println(mapper.writeValueAsString(node));
                }
                out.flush();
            }
            return 0;
        } catch (CaptureReader.CaptureException | IOException e) {
            err.println("mga decode: " + file + ": " + oneLine(e.getMessage()));
            return 1;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a temporary file left behind is harmless
                }
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable" : s.replaceAll("\\s+", " ").trim();
    }
}
