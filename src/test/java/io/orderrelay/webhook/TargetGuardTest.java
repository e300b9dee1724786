package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

    private final TargetGuard prod = new TargetGuard(false, false);
    private final TargetGuard permissive = new TargetGuard(true, true);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.8.8", "::1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1",
            "100.64.0.1", "100.127.255.254", "169.254.1.1", "169.254.169.254", "fe80::1", "fc00::1", "fd00:ec2::254",
            "224.0.0.1", "ff02::1", "0.0.0.0", "::", "255.255.255.255", "240.0.0.1", "::ffff:10.0.0.1", "::10.0.0.1",
            "198.18.0.1", "192.0.2.1", "198.51.100.7", "203.0.113.9", "2001:db8::1", "100::1", "fec0::1", "64:ff9c::1"})
    void nonPublicAddressesAreRefused(String ip) throws Exception {
        assertNotNull(prod.refusal(InetAddress.getByName(ip)), ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
            "2001:4860:4860::8888", "2003::1", "2001:1::1", "::ffff:8.8.8.8", "168.63.129.17", "192.0.1.192",
            "169.255.0.1"})
    void publicAddressesAreAllowed(String ip) throws Exception {
        assertNull(prod.refusal(InetAddress.getByName(ip)), ip);
    }

    /** Whatever RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS says, and the rule each is refused by. */
    @ParameterizedTest
    @CsvSource({
            // cloud metadata services
            "169.254.169.254, cloud metadata",   // AWS, GCP, Azure, OpenStack, Oracle
            "fd00:ec2::254, cloud metadata",     // AWS over IPv6
            "fd00:ec2::23, cloud metadata",      // EKS Pod Identity agent over IPv6
            "fd20:ce::254, cloud metadata",      // GCP over IPv6
            "168.63.129.16, cloud metadata",     // Azure WireServer
            "100.100.100.200, cloud metadata",   // Alibaba Cloud
            "169.254.170.2, cloud metadata",     // ECS task metadata and credentials
            "169.254.170.23, cloud metadata",    // EKS Pod Identity agent
            "192.0.0.192, cloud metadata",       // Oracle Cloud
            // the same, written as IPv4-mapped / IPv4-compatible IPv6
            "::ffff:169.254.169.254, cloud metadata",
            "::ffff:a9fe:a9fe, cloud metadata",
            "::168.63.129.16, cloud metadata",
            "::100.100.100.200, cloud metadata",
            // link-local in general
            "169.254.1.1, link-local",
            "::169.254.1.1, link-local",
            "fe80::1, link-local",
            "febf::1, link-local",
            // IPv6 forms that carry any IPv4 address, a private or metadata one included
            "64:ff9b::a9fe:a9fe, NAT64",
            "64:ff9b::7f00:1, NAT64",
            "64:ff9b::808:808, NAT64",
            "64:ff9b:1::a00:1, NAT64",
            "2002:a9fe:a9fe::1, 6to4",
            "2002:808:808::1, 6to4",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo",
            "2001::1, Teredo",
            "::ffff:0:a9fe:a9fe, IPv4-translated"})
    void alwaysRefusedRangesAreRefusedEvenWhenPrivateTargetsAreAllowed(String ip, String rule) throws Exception {
        InetAddress address = InetAddress.getByName(ip);
        String permissiveWhy = permissive.refusal(address);
        assertNotNull(permissiveWhy, ip + " must be refused even with private targets allowed");
        assertTrue(permissiveWhy.contains(rule), ip + ": " + permissiveWhy);
        assertEquals(permissiveWhy, prod.refusal(address), ip);
    }

    @Test
    void privateTargetsAreAllowedWhenConfigured() throws Exception {
        for (String ip : new String[] {"127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "fc00::1", "100.64.0.1"}) {
            assertNull(permissive.refusal(InetAddress.getByName(ip)), ip);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal"})
    void cloudMetadataHostNamesAreRefusedWithoutResolvingThem(String host) {
        var e = assertThrows(TargetGuard.Refused.class, () -> permissive.check("https://" + host + "/computeMetadata/v1/"));
        assertTrue(e.getMessage().contains("cloud metadata"), e.getMessage());
        assertThrows(TargetGuard.Refused.class, () -> permissive.resolve(host));
    }

    @Test
    void onlyHttpsUnlessHttpIsAllowed() {
        assertThrows(TargetGuard.Refused.class, () -> prod.parse("http://93.184.215.14/x"));
        assertDoesNotThrow(() -> prod.parse("https://93.184.215.14/x"));
        assertDoesNotThrow(() -> permissive.parse("http://127.0.0.1/x"));
        assertThrows(TargetGuard.Refused.class, () -> permissive.parse("gopher://127.0.0.1/x"));
        assertThrows(TargetGuard.Refused.class, () -> prod.parse("https://u:p@93.184.215.14/x"));
        assertThrows(TargetGuard.Refused.class, () -> prod.parse("https:///x"));
        assertThrows(TargetGuard.Refused.class, () -> prod.parse("https://93.184.215.14/" + "x".repeat(3000)));
    }

    @Test
    void aNameIsRefusedWhenItResolvesToLoopback() {
        var e = assertThrows(TargetGuard.Refused.class, () -> prod.check("https://localhost/x"));
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    /** The caller learns which rule refused the URL, never the internal address its name resolves to. */
    @Test
    void theRefusalNamesTheRuleAndNotTheResolvedAddress() throws Exception {
        var e = assertThrows(TargetGuard.Refused.class, () -> prod.check("https://localhost/x"));
        for (InetAddress address : InetAddress.getAllByName("localhost")) {
            assertFalse(e.getMessage().contains(address.getHostAddress()), e.getMessage());
        }
        assertFalse(e.getMessage().matches(".*\\d+\\.\\d+\\.\\d+\\.\\d+.*"), e.getMessage());
        assertFalse(e.getMessage().contains("::"), e.getMessage());
        var metadata = assertThrows(TargetGuard.Refused.class, () -> permissive.check("https://169.254.169.254/latest"));
        assertEquals("resolves to a cloud metadata address, which is never allowed", metadata.getMessage());
    }
}
