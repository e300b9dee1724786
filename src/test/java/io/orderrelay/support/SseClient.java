package io.orderrelay.support;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The tests' one Server-Sent Events reader: opens {@code GET path} on the application under test with the JDK
 * client and collects what arrives (events with id, name and data; comments; lines that are no SSE field), for
 * assertions with Awaitility. Used for our own /v1/orders/{id}/events and for the sandbox's upstream streams.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched event; {@code name} is {@code message} when the server sent no {@code event:} field. */
    public record Event(String id, String name, String data) {
    }

    public final List<Event> events = new CopyOnWriteArrayList<>();
    public final List<String> comments = new CopyOnWriteArrayList<>();
    /** Lines that are no field we expect (id, event, data, comments): servers under test should send none. */
    public final List<String> otherLines = new CopyOnWriteArrayList<>();
    public volatile String contentType;
    public volatile HttpHeaders headers;
    /** Set after the headers: a test that saw the status sees the headers too. */
    public volatile int status;
    /** Completes normally when the server ended the stream, exceptionally when the connection broke. */
    public final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile HttpResponse<Stream<String>> response;

    private SseClient() {
    }

    /** Opens {@code path} on {@code quarkus.http.test-port} with these request headers. */
    public static SseClient open(String path, Map<String, String> requestHeaders) {
        SseClient c = new SseClient();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/event-stream");
        requestHeaders.forEach(req::header);
        HttpClient.newHttpClient().sendAsync(req.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAcceptAsync(c::read)
                .exceptionally(e -> {
                    c.ended.completeExceptionally(e);
                    return null;
                });
        return c;
    }

    private void read(HttpResponse<Stream<String>> resp) {
        response = resp;
        contentType = resp.headers().firstValue("Content-Type").orElse(null);
        headers = resp.headers();
        status = resp.statusCode();
        Parser parser = new Parser();
        try (Stream<String> lines = resp.body()) {
            lines.forEach(parser::line);
            ended.complete(null);
        } catch (UncheckedIOException e) {
            ended.completeExceptionally(e);
        }
    }

    /** The SSE line rules we rely on: fields up to a blank line make an event; ':' starts a comment. */
    private final class Parser {
        private String id;
        private String name;
        private final StringBuilder data = new StringBuilder();

        void line(String line) {
            if (line.isEmpty()) {
                if (data.length() > 0 || name != null) {
                    events.add(new Event(id, name == null ? "message" : name, data.toString()));
                }
                id = null;
                name = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
            } else {
                otherLines.add(line);
            }
        }
    }

    public List<Event> named(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** The ids of the events of this name, in arrival order. */
    public List<String> ids(String name) {
        return named(name).stream().map(Event::id).toList();
    }

    public boolean stopped() {
        return !named("stop").isEmpty();
    }

    @Override
    public void close() {
        HttpResponse<Stream<String>> r = response;
        if (r != null) {
            r.body().close(); // cancels the subscription: the server sees the client go
        }
    }
}
