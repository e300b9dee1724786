package io.orderrelay.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class LogCaptureTest {

    private static final Logger LOG = Logger.getLogger("io.orderrelay.testing.sample");

    @Test
    void findsASecretInMessagesParametersAndExceptionsAtAnyLevel() {
        try (LogCapture logs = LogCapture.start("io.orderrelay.testing")) {
            LOG.debugf("calling with %s", "secret-in-a-parameter");
            LOG.warn("failed", new IllegalStateException("wrapper", new RuntimeException("secret-in-a-cause")));
            assertThrows(AssertionError.class, () -> logs.assertNoneContains("secret-in-a-parameter"));
            AssertionError e = assertThrows(AssertionError.class, () -> logs.assertNoneContains("secret-in-a-cause"));
            assertFalse(e.getMessage().contains("secret-in-a-cause"), "the failure does not repeat the secret");
            logs.assertNoneContains("never-logged");
        }
    }

    @Test
    void stopsCapturingWhenClosed() {
        LogCapture logs = LogCapture.start();
        logs.close();
        LOG.info("after-close");
        logs.assertNoneContains("after-close");
    }
}
