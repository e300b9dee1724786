package io.orderrelay.support;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Tests only: small socket send buffers on the HTTP server. Linux grows a loopback connection's send buffer to
 * megabytes, so a client that stops reading would need megabytes of events before the server noticed; with a
 * fixed small buffer a few dozen events are enough, and the code under test is the same.
 */
@ApplicationScoped
public class SmallSocketBuffers implements HttpServerOptionsCustomizer {

    static final int SEND_BUFFER_BYTES = 8 * 1024;

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setSendBufferSize(SEND_BUFFER_BYTES);
    }
}
