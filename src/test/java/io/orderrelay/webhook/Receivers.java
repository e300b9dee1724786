package io.orderrelay.webhook;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The receivers a test opened, closed together after it (call {@link #close()} from an {@code @AfterEach}). */
final class Receivers implements AutoCloseable {

    private final List<Receiver> open = new CopyOnWriteArrayList<>();

    Receiver open() {
        Receiver receiver = new Receiver();
        open.add(receiver);
        return receiver;
    }

    @Override
    public void close() {
        open.forEach(Receiver::close);
        open.clear();
    }
}
