package io.orderrelay.sandbox;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;

/** Reads an SSE stream line by line with the JDK client and collects its events, for assertions with Awaitility. */
final class SseTestClient implements AutoCloseable {

    record Event(String name, String data) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile int status;
    volatile HttpResponse<Stream<String>> response;
    /** Completes normally when the server ended the stream, exceptionally when the connection broke. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpClient client = HttpClient.newHttpClient();

    static SseTestClient open(String path) {
        return open(path, true);
    }

    static SseTestClient open(String path, boolean withApplicationHeader) {
        SseTestClient c = new SseTestClient();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/event-stream");
        if (withApplicationHeader) {
            req.header("X-Cr-Application", "sandbox-test");
        }
        c.client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(resp -> {
            c.response = resp;
            c.status = resp.statusCode();
            String name = null;
            StringBuilder data = new StringBuilder();
            try (Stream<String> lines = resp.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            c.events.add(new Event(name == null ? "message" : name, data.toString()));
                        }
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) {
                            data.append('\n');
                        }
                        data.append(line.substring(5).stripLeading());
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

    List<Event> messages() {
        return events.stream().filter(e -> e.name().equals("message")).toList();
    }

    boolean stopped() {
        return events.stream().anyMatch(e -> e.name().equals("stop"));
    }

    @Override
    public void close() {
        HttpResponse<Stream<String>> r = response;
        if (r != null) {
            r.body().close(); // cancels the subscription: the server sees the client go
        }
    }
}
