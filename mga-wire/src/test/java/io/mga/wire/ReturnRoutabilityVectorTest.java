package io.mga.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.mga.api.Bytes;
import io.mga.api.Ipv6Address;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The return-routability test vector of mipv6-facts.md §6 (RFC 6275 §5.2.5, §6.2.7), computed through the JDK's
 * JCA with our encoder producing the MH Data: keygen tokens, Kbm, the authenticator, and the final packet.
 */
class ReturnRoutabilityVectorTest {
    static final Bytes KCN = Bytes.fromHex("0102030405060708090a0b0c0d0e0f1011121314");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::a");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address CN = Ipv6Address.parse("2001:db8:3::1");

    static byte[] hmacSha1(byte[] key, byte[]... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        for (byte[] p : parts) {
            mac.update(p);
        }
        return mac.doFinal();
    }

    @Test
    void reproducesTokensKbmAuthenticatorAndPacket() throws Exception {
        // home keygen token = First(64, HMAC_SHA1(Kcn, home address | nonce | 0)), care-of likewise with 1
        byte[] home = Arrays.copyOf(hmacSha1(KCN.toArray(), HOA.toBytes(), Bytes.fromHex("0102030405060708").toArray(),
                new byte[] {0}), 8);
        byte[] careOf = Arrays.copyOf(hmacSha1(KCN.toArray(), COA.toBytes(),
                Bytes.fromHex("1112131415161718").toArray(), new byte[] {1}), 8);
        assertThat(Bytes.of(home).toHex()).isEqualTo("5b8921ed9e064b6c");
        assertThat(Bytes.of(careOf).toHex()).isEqualTo("c79a8a151905b049");
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(home);
        sha1.update(careOf);
        byte[] kbm = sha1.digest();
        assertThat(Bytes.of(kbm).toHex()).isEqualTo("b37b65d6960767815fcd04b119441e7d89f31759");
        assertThat(Bytes.of(MessageDigest.getInstance("SHA-1").digest(home)).toHex())
                .isEqualTo("ed4ef3f2ffd9a21a6c78de749f145084e3e225a8");

        // MH Data: the BU with a zero authenticator placeholder, checksum 0, minus the last 12 octets
        MobilityMessage.BindingUpdate bu = MobilityMessage.BindingUpdate.of(8, 0x8000, 105,
                new MobilityOption.NonceIndices(0x11, 0x22),
                new MobilityOption.BindingAuthorizationData(Bytes.zeros(12)));
        byte[] mh = PacketEncoder.encode(new MobilityHeader(bu));
        byte[] covered = Arrays.copyOf(mh, mh.length - 12);
        assertThat(Bytes.of(covered).toHex()).isEqualTo("3b0305000000000880000069040400110022050c");
        byte[] auth = Arrays.copyOf(hmacSha1(kbm, COA.toBytes(), CN.toBytes(), covered), 12);
        assertThat(Bytes.of(auth).toHex()).isEqualTo("89ad28ba58709acf5b956f3a");

        Ipv6Packet p = Ipv6Packet.build(Ipv6Header.of(64, COA, CN),
                List.of(ExtensionHeader.DestinationOptions.homeAddress(HOA)),
                new MobilityHeader(MobilityMessage.BindingUpdate.of(8, 0x8000, 105,
                        new MobilityOption.NonceIndices(0x11, 0x22),
                        new MobilityOption.BindingAuthorizationData(Bytes.of(auth)))));
        assertThat(Bytes.of(PacketEncoder.encode(p)).toHex()).isEqualTo(WorkedExamplesTest.RR_BU);
    }
}
