package io.orderrelay.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real local TCP server on 127.0.0.1 that reads an HTTP request and answers with arbitrary bytes (not HTTP at
 * all, if so told), then closes: a receiver whose answer no HTTP library would produce.
 */
final class RawReceiver implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<String> webhookIds = new CopyOnWriteArrayList<>();
    private final byte[] answer;

    RawReceiver(byte[] answer) {
        this.answer = answer;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        threads.execute(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> answer(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void answer(Socket socket) {
        try (socket) {
            String head = readHead(socket.getInputStream());
            String id = head.lines().filter(l -> l.toLowerCase().startsWith("webhook-id:"))
                    .map(l -> l.substring("webhook-id:".length()).trim()).findFirst().orElse("?");
            webhookIds.add(id);
            socket.getOutputStream().write(answer);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // the sender went away: fine
        }
    }

    /** The request line and headers; the body is not needed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] sofar = head.toByteArray();
            int n = sofar.length;
            if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r' && sofar[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** The webhook-id of every request received, in order. */
    List<String> webhookIds() {
        return List.copyOf(webhookIds);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
