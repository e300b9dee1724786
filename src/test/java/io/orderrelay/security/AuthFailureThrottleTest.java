package io.orderrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The counting rules of the failed-authentication throttle (no Quarkus; AuthThrottleTest checks it over HTTP). */
class AuthFailureThrottleTest {

    @Test
    void ipv6ClientsAreCountedPerSlash64AndIpv4PerAddress() {
        assertEquals(AuthFailureThrottle.clientKey("2001:db8:1:2::1"), AuthFailureThrottle.clientKey("2001:db8:1:2:ffff::9"));
        assertEquals(AuthFailureThrottle.clientKey("[2001:db8:1:2::1]"), AuthFailureThrottle.clientKey("2001:db8:1:2::7"));
        assertNotEquals(AuthFailureThrottle.clientKey("2001:db8:1:2::1"), AuthFailureThrottle.clientKey("2001:db8:1:3::1"));
        assertNotEquals(AuthFailureThrottle.clientKey("192.0.2.1"), AuthFailureThrottle.clientKey("192.0.2.2"));
        assertEquals("192.0.2.1", AuthFailureThrottle.clientKey("::ffff:192.0.2.1"));
        // not an address: counted as it is, never resolved
        assertEquals("unknown", AuthFailureThrottle.clientKey(null));
        assertEquals("some.host.example", AuthFailureThrottle.clientKey("some.host.example"));
    }

    @Test
    void anAddressIsBlockedAfterItsFailuresAndOthersAreNot() {
        AuthFailureThrottle throttle = new AuthFailureThrottle(3, Duration.ofMinutes(1), 1000);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, throttle.blockedFor("192.0.2.1"));
            throttle.failed("192.0.2.1");
        }
        long wait = throttle.blockedFor("192.0.2.1");
        // one failure comes back every window / maxFailures = 20 s
        assertTrue(wait >= 1 && wait <= 20, "retry after " + wait);
        assertEquals(0, throttle.blockedFor("192.0.2.2"));
    }
}
