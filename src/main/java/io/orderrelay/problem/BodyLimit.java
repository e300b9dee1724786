package io.orderrelay.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a declared oversized body with problem+json before reading it. (A chunked body without
 * Content-Length is still cut at the same limit by Quarkus itself, with a bare 413.)
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLarge(length)) {
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(new JsonObject()
                                .put("type", "https://order-relay.io/problems/payload-too-large")
                                .put("title", "Payload too large")
                                .put("status", 413)
                                .put("detail", "The request body is larger than " + maxBytes + " bytes")
                                .put("instance", ctx.request().path())
                                .encode());
                return;
            }
            ctx.next();
        });
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed Content-Length itself
        }
    }
}
