package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TargetGuardTest {

    private final TargetGuard prod = new TargetGuard(false, false);
    private final TargetGuard permissive = new TargetGuard(true, true);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.8.8", "::1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1",
            "100.64.0.1", "100.127.255.254", "169.254.1.1", "169.254.169.254", "fe80::1", "fc00::1", "fd00:ec2::254",
            "224.0.0.1", "ff02::1", "0.0.0.0", "::", "255.255.255.255", "240.0.0.1", "::ffff:10.0.0.1", "::10.0.0.1",
            "198.18.0.1"})
    void nonPublicAddressesAreRefused(String ip) throws Exception {
        assertNotNull(prod.refusal(InetAddress.getByName(ip)), ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"})
    void publicAddressesAreAllowed(String ip) throws Exception {
        assertNull(prod.refusal(InetAddress.getByName(ip)), ip);
    }

    @Test
    void metadataAddressesAreRefusedEvenWhenPrivateTargetsAreAllowed() throws Exception {
        assertNotNull(permissive.refusal(InetAddress.getByName("169.254.169.254")));
        assertNotNull(permissive.refusal(InetAddress.getByName("fd00:ec2::254")));
        assertNull(permissive.refusal(InetAddress.getByName("127.0.0.1")));
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
}
