package io.mga.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Ipv6AddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 5952 §4.1 leading zeros, §4.2.1 shorten as much as possible, §4.3 lowercase
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:DB8:0:0:0:0:2:1,                    2001:db8::2:1",
        // §4.2.2: a single 16-bit zero group is not compressed
        "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
        // §4.2.3: longest run wins; first run on a tie
        "2001:0:0:1:0:0:0:1,                      2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
        "0:0:0:0:0:0:0:0,                         ::",
        "0:0:0:0:0:0:0:1,                         ::1",
        "1:0:0:0:0:0:0:0,                         1::",
        "fe80::1:2,                               fe80::1:2",
        // §5: IPv4-mapped in mixed notation
        "::ffff:192.0.2.1,                        ::ffff:192.0.2.1",
        "0:0:0:0:0:ffff:c000:0201,                ::ffff:192.0.2.1",
        "2001:db8::192.0.2.1,                     2001:db8::c000:201",
        "1:2:3:4:5:6:7:8,                         1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::,                         1:2:3:4:5:6:7:0",
    })
    void parsesAndFormatsCanonically(String in, String canonical) {
        Ipv6Address a = Ipv6Address.parse(in);
        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(Ipv6Address.parse(canonical)).isEqualTo(a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "g::", "::1.2.3", "::256.1.1.1", "::01.1.1.1", "1:", ":1", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7:1.2.3.4"})
    void rejectsBadText(String in) {
        assertThatThrownBy(() -> Ipv6Address.parse(in)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesRoundTripAndCompare() {
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        byte[] b = a.toBytes();
        assertThat(b).containsExactly(0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a);
        assertThat(Ipv6Address.of(b)).isEqualTo(a).hasSameHashCodeAs(Ipv6Address.of(b));
        assertThat(a.equalsBytes(b, 0)).isTrue();
        assertThat(a.group(0)).isEqualTo(0x2001);
        assertThat(a.group(7)).isEqualTo(0xa);
        assertThat(a.compareTo(Ipv6Address.parse("ff02::1"))).isNegative();
        assertThat(Ipv6Address.parse("ff02::1").compareTo(a)).isPositive();
    }

    @Test
    void classifiesScopes() {
        assertThat(Ipv6Address.parse("fe80::1").isLinkLocal()).isTrue();
        assertThat(Ipv6Address.parse("febf::1").isLinkLocal()).isTrue();
        assertThat(Ipv6Address.parse("fec0::1").isLinkLocal()).isFalse();
        assertThat(Ipv6Address.parse("ff02::1").isMulticast()).isTrue();
        assertThat(Ipv6Address.parse("2001:db8::1").isUnicastRoutable()).isTrue();
        assertThat(Ipv6Address.parse("fd00::1").isUnicastRoutable()).isTrue();
        assertThat(Ipv6Address.UNSPECIFIED.isUnicastRoutable()).isFalse();
        assertThat(Ipv6Address.LOOPBACK.isUnicastRoutable()).isFalse();
        assertThat(Ipv6Address.parse("fe80::1").isUnicastRoutable()).isFalse();
    }

    @Test
    void commonPrefixLength() {
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::1");
        assertThat(a.commonPrefixLength(a)).isEqualTo(128);
        assertThat(a.commonPrefixLength(Ipv6Address.parse("2001:db8:1::"))).isEqualTo(127);
        assertThat(a.commonPrefixLength(Ipv6Address.parse("2001:db8:2::1"))).isEqualTo(46);
        assertThat(a.commonPrefixLength(Ipv6Address.parse("a001::"))).isEqualTo(0);
    }

    @Test
    void prefixes() {
        Ipv6Prefix p = Ipv6Prefix.parse("2001:db8:1::5/64");
        assertThat(p.toString()).isEqualTo("2001:db8:1::/64");
        assertThat(p.contains(Ipv6Address.parse("2001:db8:1::ffff"))).isTrue();
        assertThat(p.contains(Ipv6Address.parse("2001:db8:2::1"))).isFalse();
        assertThat(Ipv6Prefix.parse("::/0").contains(Ipv6Address.parse("ff02::1"))).isTrue();
        assertThat(Ipv6Prefix.parse("2001:db8::1/128").contains(Ipv6Address.parse("2001:db8::1"))).isTrue();
        assertThat(Ipv6Prefix.parse("2001:db8::1/128").contains(Ipv6Address.parse("2001:db8::2"))).isFalse();
        assertThat(Ipv6Prefix.parse("2001:db8::/100").contains(Ipv6Address.parse("2001:db8::fff:ffff"))).isTrue();
        assertThat(Ipv6Prefix.parse("2001:db8::/100").contains(Ipv6Address.parse("2001:db8::1000:0"))).isFalse();
        assertThat(Ipv6Prefix.parse("::/0").maskHigh()).isZero();
        assertThat(Ipv6Prefix.parse("::/0").maskLow()).isZero();
        assertThat(Ipv6Prefix.parse("2001:db8::/48").maskHigh()).isEqualTo(0xffff_ffff_ffff_0000L);
        assertThat(Ipv6Prefix.parse("2001:db8::/48").maskLow()).isZero();
        assertThat(p.maskHigh()).isEqualTo(-1L);
        assertThat(p.maskLow()).isZero();
        assertThat(Ipv6Prefix.parse("2001:db8::/100").maskLow()).isEqualTo(0xffff_ffff_f000_0000L);
        assertThat(Ipv6Prefix.parse("2001:db8::1/128").maskLow()).isEqualTo(-1L);
        assertThatThrownBy(() -> Ipv6Prefix.parse("2001:db8::/129")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6Prefix.parse("2001:db8::")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesValueType() {
        assertThat(Bytes.fromHex("00Ab").toHex()).isEqualTo("00ab");
        assertThat(Bytes.of((byte) 1, (byte) 2)).isEqualTo(Bytes.fromHex("0102"));
        assertThat(Bytes.zeros(3).isAllZero()).isTrue();
        assertThatThrownBy(() -> Bytes.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bytes.fromHex("zz")).isInstanceOf(IllegalArgumentException.class);
    }
}
