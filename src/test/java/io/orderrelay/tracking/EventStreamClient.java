package io.orderrelay.tracking;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;

/** Reads /v1/orders/{id}/events with the JDK client: events (id, name, data) and comments, for Awaitility. */
final class EventStreamClient implements AutoCloseable {

    record Event(String id, String name, String data) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    /** Lines that are no SSE field we send (id, event, data, comments): there should be none. */
    final List<String> otherLines = new CopyOnWriteArrayList<>();
    volatile int status;
    volatile String contentType;
    volatile java.net.http.HttpHeaders headers;
    /** Completes when the server ended the stream. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile HttpResponse<Stream<String>> response;

    static EventStreamClient open(String path, Map<String, String> headers) {
        EventStreamClient c = new EventStreamClient();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/event-stream");
        headers.forEach(req::header);
        HttpClient.newHttpClient().sendAsync(req.build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(resp -> {
            c.response = resp;
            c.contentType = resp.headers().firstValue("Content-Type").orElse(null);
            c.headers = resp.headers();
            // last: a test that saw the status sees the headers too
            c.status = resp.statusCode();
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try (Stream<String> lines = resp.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0 || name != null) {
                            c.events.add(new Event(id, name == null ? "message" : name, data.toString()));
                        }
                        id = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        c.comments.add(line.substring(1).trim());
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
                        c.otherLines.add(line);
                    }
                }
                c.ended.complete(null);
            } catch (UncheckedIOException e) {
                c.ended.completeExceptionally(e);
            }
        }).exceptionally(e -> {
            c.ended.completeExceptionally(e);
            return null;
        });
        return c;
    }

    List<Event> transitions() {
        return events.stream().filter(e -> e.name().equals("transition")).toList();
    }

    List<String> ids() {
        return transitions().stream().map(Event::id).toList();
    }

    boolean stopped() {
        return events.stream().anyMatch(e -> e.name().equals("stop"));
    }

    @Override
    public void close() {
        HttpResponse<Stream<String>> r = response;
        if (r != null) {
            r.body().close();
        }
    }
}
