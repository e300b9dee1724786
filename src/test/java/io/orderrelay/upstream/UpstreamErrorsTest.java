package io.orderrelay.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

/** A failure without an answer is typed by the classes in its cause chain, never by its message. */
class UpstreamErrorsTest {

    private static UpstreamException.Kind kind(Throwable failure) {
        return ((UpstreamException.Unavailable) UpstreamErrors.fromFailure(failure)).kind();
    }

    @Test
    void aTimeoutOfAnyTransportIsTimedOut() {
        // the REST client wraps Vert.x' NoStackTraceTimeoutException, a java.util.concurrent.TimeoutException
        assertEquals(UpstreamException.Kind.TIMED_OUT, kind(new ProcessingException(new TimeoutException("x"))));
        assertEquals(UpstreamException.Kind.TIMED_OUT, kind(new SocketTimeoutException("x")));
        assertEquals(UpstreamException.Kind.TIMED_OUT, kind(new HttpTimeoutException("x")));
        assertEquals(UpstreamException.Kind.TIMED_OUT,
                kind(new org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException("x")));
    }

    @Test
    void whatNeverLeftIsNotSent() {
        UpstreamException refused = UpstreamErrors.fromFailure(new ProcessingException(new ConnectException("refused")));
        assertTrue(refused.definitelyNotSent());
        assertEquals(UpstreamException.Kind.NOT_SENT, kind(new CircuitBreakerOpenException("open")));
    }

    @Test
    void theMessageTextDecidesNothing() {
        UpstreamException reset = UpstreamErrors.fromFailure(new ProcessingException("upstream call timed out",
                new IOException("Connection reset: not a timeout, not refused")));
        assertEquals(UpstreamException.Kind.NO_ANSWER, ((UpstreamException.Unavailable) reset).kind());
        assertFalse(reset.definitelyNotSent());
    }
}
