package io.orderrelay.upstream;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/** Maps upstream's error answers (both body shapes) and transport failures to {@link UpstreamException}. */
final class UpstreamErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamErrors() {
    }

    static UpstreamException fromResponse(Response response) {
        int status = response.getStatus();
        if (status == 429) {
            return new UpstreamException.RateLimited(retryAfter(response.getHeaderString(HttpHeaders.RETRY_AFTER)));
        }
        JsonNode body = parse(readBody(response));
        if (status >= 400 && status < 500) {
            return new UpstreamException.Refused(status, errorCode(body), body, "upstream refused the call with " + status);
        }
        return new UpstreamException.Unavailable(status, UpstreamException.Kind.BAD_ANSWER, "upstream failed with " + status,
                null);
    }

    /** The same mapping as {@link #fromResponse} for answers read outside the REST client (the stream). */
    static UpstreamException fromStatus(int status, String retryAfterHeader, String bodyText) {
        if (status == 429) {
            return new UpstreamException.RateLimited(retryAfter(retryAfterHeader));
        }
        JsonNode body = parse(bodyText);
        if (status >= 400 && status < 500) {
            return new UpstreamException.Refused(status, errorCode(body), body, "upstream refused the call with " + status);
        }
        return new UpstreamException.Unavailable(status, UpstreamException.Kind.BAD_ANSWER, "upstream failed with " + status,
                null);
    }

    /**
     * A failure without an HTTP answer, typed by the exception classes of the transports in use (the REST client
     * on Vert.x, java.net, SmallRye Fault Tolerance): refused connections never reached upstream, a timeout or a
     * broken connection may have.
     */
    static UpstreamException fromFailure(Throwable failure) {
        if (failure instanceof UpstreamException known) {
            return known;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return new UpstreamException.Unavailable(0, UpstreamException.Kind.NOT_SENT, "upstream circuit open", null);
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // io.netty.channel.ConnectTimeoutException is a ConnectException: the request was never written
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof HttpConnectTimeoutException) {
                return new UpstreamException.Unavailable(0, UpstreamException.Kind.NOT_SENT, "upstream unreachable",
                        failure);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Vert.x and SmallRye signal timeouts with java.util.concurrent.TimeoutException subclasses (Vert.x's
            // NoStackTraceTimeoutException), or the Fault Tolerance TimeoutException; java.net with its own two
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || t instanceof HttpTimeoutException
                    || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
                return new UpstreamException.Unavailable(0, UpstreamException.Kind.TIMED_OUT, "upstream call timed out",
                        failure);
            }
        }
        return new UpstreamException.Unavailable(0, UpstreamException.Kind.NO_ANSWER,
                "upstream call failed without an answer", failure);
    }

    static Long retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            // an HTTP date: too rare upstream to parse; fall back to our own backoff
            return null;
        }
    }

    private static String readBody(Response response) {
        try {
            return response.hasEntity() ? response.readEntity(String.class) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            return null; // not JSON: nothing to extract
        }
    }

    /** Upstream answers {"status","detail","moreDetails"} or {"message"}. */
    static String errorCode(JsonNode body) {
        if (body == null) {
            return null;
        }
        if (body.hasNonNull("detail")) {
            return body.get("detail").asText();
        }
        return body.hasNonNull("message") ? body.get("message").asText() : null;
    }
}
