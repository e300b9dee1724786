package io.orderrelay.problem;

import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses, before any resource code runs, a path parameter, query parameter or declared header holding a control
 * character or an unpaired surrogate, or percent-encoded bytes that are not UTF-8: 400 naming the parameter. One place for every route, present and future, so
 * that no such value reaches a query, a log line or an upstream request. (C0 controls in headers never get here:
 * the HTTP codec refuses the request first.)
 */
public class ParameterGuard {

    static final String NOT_UTF8 = "must be percent-encoded UTF-8";

    private final Map<Method, List<String>> declaredHeaders = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void refuseControlCharacters(ContainerRequestContext request, ResourceInfo resource) {
        // the decoded values replace bytes that are not UTF-8 with U+FFFD: look at the raw ones for that
        checkPathEncoding(request.getUriInfo().getRequestUri().getRawPath(), request.getUriInfo().getPathParameters(true));
        checkQueryEncoding(request.getUriInfo().getRequestUri().getRawQuery());
        check(request.getUriInfo().getPathParameters(true));
        check(request.getUriInfo().getQueryParameters(true));
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        for (String header : declaredHeaders.computeIfAbsent(method, ParameterGuard::headersOf)) {
            List<String> values = request.getHeaders().get(header);
            if (values != null) {
                values.forEach(value -> check(header, value));
            }
        }
    }

    private static void check(MultivaluedMap<String, String> parameters) {
        parameters.forEach((name, values) -> {
            check(name, name);
            values.forEach(value -> check(name, value));
        });
    }

    private static void checkPathEncoding(String rawPath, MultivaluedMap<String, String> parameters) {
        if (rawPath == null || utf8(rawPath)) {
            return;
        }
        String culprit = parameters.entrySet().stream()
                .filter(p -> p.getValue().stream().anyMatch(v -> v.indexOf('\uFFFD') >= 0))
                .map(Map.Entry::getKey).findFirst().orElse("path");
        throw ProblemException.badRequest(culprit, NOT_UTF8);
    }

    private static void checkQueryEncoding(String rawQuery) {
        if (rawQuery == null) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            if (!utf8(pair)) {
                String name = pair.split("=", 2)[0];
                throw ProblemException.badRequest(utf8(name) ? Text.printable(decoded(name)) : "query", NOT_UTF8);
            }
        }
    }

    /** Whether the percent-encoded {@code raw} decodes to valid UTF-8. */
    private static boolean utf8(String raw) {
        if (raw.indexOf('%') < 0) {
            return true;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    private static void check(String name, String value) {
        String problem = Text.problem(value);
        if (problem != null) {
            throw ProblemException.badRequest(Text.printable(name), problem);
        }
    }

    private static List<String> headersOf(Method method) {
        List<String> names = new ArrayList<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (annotation instanceof HeaderParam header) {
                    names.add(header.value());
                } else if (annotation instanceof RestHeader header && !header.value().isEmpty()) {
                    names.add(header.value());
                }
            }
        }
        return List.copyOf(names);
    }
}
