package io.orderrelay.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures every log record of the JVM (root handler) while open, to assert that no secret is ever logged:
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.start("io.orderrelay")) {
 *     ... exercise the code with a secret ...
 *     logs.assertNoneContains(secret);
 * }
 * }</pre>
 *
 * Each record is rendered when it is published: formatted message, raw message, parameters, logger name, and the
 * whole throwable (messages, causes and suppressed included). Categories passed to {@link #start} are lowered to
 * DEBUG while open, so debug logging is checked too.
 */
public final class LogCapture implements AutoCloseable {

    /** One record as written: its logger, formatted message and the MDC it carried (order_id, traceId, ...). */
    public record Line(String logger, String message, Map<String, String> mdc) {
    }

    private final Queue<String> rendered = new ConcurrentLinkedQueue<>();
    private final Queue<Line> lines = new ConcurrentLinkedQueue<>();
    private final Map<Logger, Level> loweredLevels = new java.util.HashMap<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            rendered.add(render(record));
            lines.add(line(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
    }

    /** Starts capturing; {@code debugCategories} (e.g. "io.orderrelay") log at DEBUG until {@link #close()}. */
    public static LogCapture start(String... debugCategories) {
        LogCapture capture = new LogCapture();
        capture.handler.setLevel(Level.ALL);
        for (String category : debugCategories) {
            Logger logger = Logger.getLogger(category);
            capture.loweredLevels.put(logger, logger.getLevel());
            logger.setLevel(Level.FINE);
        }
        Logger.getLogger("").addHandler(capture.handler);
        return capture;
    }

    /** Everything captured so far, one string per record. */
    public List<String> records() {
        return new ArrayList<>(rendered);
    }

    /** Everything captured so far, with the MDC of each record. */
    public List<Line> lines() {
        return new ArrayList<>(lines);
    }

    /** Fails naming the offending record's logger (not the secret) when any record contains one of the secrets. */
    public void assertNoneContains(String... secrets) {
        for (String record : rendered) {
            for (int i = 0; i < secrets.length; i++) {
                String secret = secrets[i];
                if (secret != null && !secret.isEmpty() && record.contains(secret)) {
                    String logger = record.substring(0, record.indexOf('|'));
                    throw new AssertionError("secret #" + (i + 1) + " appears in a log record of " + logger);
                }
            }
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        loweredLevels.forEach(Logger::setLevel);
    }

    private static Line line(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            // copied now, on the thread (and Vert.x context) that wrote the record
            return new Line(ext.getLoggerName(), ext.getFormattedMessage(), Map.copyOf(ext.getMdcCopy()));
        }
        return new Line(record.getLoggerName(), new SimpleFormatter().formatMessage(record), Map.of());
    }

    private static String render(LogRecord record) {
        StringBuilder out = new StringBuilder().append(record.getLoggerName()).append('|');
        try {
            out.append(record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                    : new SimpleFormatter().formatMessage(record));
        } catch (RuntimeException e) {
            out.append("<unformattable>");
        }
        out.append('|').append(record.getMessage());
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                out.append('|').append(parameter);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            out.append('|').append(trace);
        }
        return out.toString();
    }
}
