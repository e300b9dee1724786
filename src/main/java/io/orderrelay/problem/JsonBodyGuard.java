package io.orderrelay.problem;

import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Reads every JSON request body once as a token stream before it is bound, and refuses with a 400 naming the field:
 * nesting deeper than {@value #MAX_DEPTH}, bytes that are not UTF-8, and strings (values or names) that break
 * {@link Text}. Server side only: upstream answers are parsed by the REST client and stay as tolerant as before.
 */
@Provider
@ConstrainedTo(RuntimeType.SERVER)
public class JsonBodyGuard implements ReaderInterceptor {

    /** Our deepest body is three levels (order, deliveries, delivery); 32 leaves room and no recursion bomb. */
    static final int MAX_DEPTH = 32;

    private static final JsonFactory STRICT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(100)
                    .build())
            .build();

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!isJson(context.getMediaType())) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        if (body.length > 0) {
            check(body);
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    static void check(byte[] body) {
        JsonParser parser;
        try {
            parser = STRICT.createParser(body);
        } catch (IOException e) {
            throw malformed("The request body could not be read", null);
        }
        try (parser) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                String text = token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING ? parser.getText() : null;
                String problem = Text.problem(text);
                if (problem != null) {
                    String field = path(parser.getParsingContext());
                    throw ProblemException.badRequest(field.isEmpty() ? "body" : field, problem);
                }
            }
        } catch (StreamConstraintsException e) {
            // the top-level field is enough to find it; the full path would be MAX_DEPTH levels long
            throw malformed("JSON nested deeper than " + MAX_DEPTH + " levels, or a number of more than 100 digits",
                    path(parser.getParsingContext()).split("[.\\[]", 2)[0]);
        } catch (CharConversionException e) {
            throw malformed("The request body is not valid UTF-8", path(parser.getParsingContext()));
        } catch (JsonProcessingException e) {
            String message = firstLine(e.getOriginalMessage());
            if (message.contains("UTF-8") || message.contains("UTF8")) {
                throw malformed("The request body is not valid UTF-8", path(parser.getParsingContext()));
            }
            throw malformed("The request body is not valid JSON: " + message, null);
        } catch (IOException e) {
            throw malformed("The request body could not be read", null);
        }
    }

    private static ProblemException malformed(String detail, String field) {
        Problem problem = Problem.of(400, "malformed-json", "Malformed JSON", detail);
        if (field != null && !field.isEmpty()) {
            problem = problem.withErrors(List.of(new Problem.FieldError(field, detail)));
        }
        return new ProblemException(problem);
    }

    /** {@code deliveries[0].brand_name}: the JSON path of the parser's position, in the style of our field errors. */
    static String path(JsonStreamContext context) {
        List<JsonStreamContext> chain = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.add(0, c);
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                path.append('[').append(Math.max(c.getCurrentIndex(), 0)).append(']');
            } else if (c.getCurrentName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(Text.printable(c.getCurrentName()));
            }
        }
        return path.toString();
    }

    private static boolean isJson(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.getSubtype().endsWith("+json"));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
