package io.orderrelay.tracking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * An events viewer on a plain socket: it sends exactly the bytes given (control characters included) and reads
 * only when told. A viewer that never reads is a client whose socket stops draining once the buffers fill.
 */
final class RawViewer implements AutoCloseable {

    private final Socket socket;

    private RawViewer(Socket socket) {
        this.socket = socket;
    }

    /** Sends {@code GET path} with these extra header lines (each without its CRLF) and does not read. */
    static RawViewer open(String path, String... headerLines) {
        try {
            Socket s = new Socket();
            // before connect, so that the window the server sees stays tiny: its writes back up quickly
            s.setReceiveBufferSize(1024);
            int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
            s.connect(new InetSocketAddress("localhost", port), 5_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("\r\n");
            s.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new RawViewer(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until the server closes the connection (EOF or reset); false when it is still open after {@code max}. */
    boolean closedByServer(Duration max) {
        try {
            socket.setSoTimeout((int) max.toMillis());
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // drain what was sent before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the status line and headers (up to the blank line) of the answer. */
    String head(Duration max) {
        try {
            socket.setSoTimeout((int) max.toMillis());
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String text = head.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r\n\r\n")) {
                    return text;
                }
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
