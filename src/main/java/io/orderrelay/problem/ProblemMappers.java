package io.orderrelay.problem;

import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into application/problem+json: 4xx for bad input, never a stack trace. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder answer = answer(e.problem(), uri);
        if (e.retryAfterSeconds() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
        }
        return answer.build();
    }

    /** A malformed id parameter ({@link IdParameters}): 400 naming it, on every route. */
    @ServerExceptionMapper
    public Response malformedId(IdParameters.Malformed e, UriInfo uri) {
        return answer(Problem.of(400, "invalid-input", "Invalid input", e.parameter() + ": " + IdParameters.MESSAGE)
                .withErrors(List.of(new Problem.FieldError(e.parameter(), IdParameters.MESSAGE))), uri).build();
    }

    /** More specific than Quarkus' own mapper of this type, which answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = jsonPath(mapping.getPath());
            return answer(Problem.of(400, "invalid-input", "Invalid input", fieldMessage(mapping, field))
                    .withErrors(List.of(new Problem.FieldError(field, fieldMessage(mapping, field)))), uri).build();
        }
        return answer(Problem.of(400, "malformed-json", "Malformed JSON",
                "The request body is not valid JSON: " + firstLine(e.getOriginalMessage())), uri).build();
    }

    @ServerExceptionMapper
    public Response invalidInput(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return answer(Problem.of(400, "invalid-input", "Invalid input", detail).withErrors(errors), uri).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        if (status >= 500) {
            Log.errorf(e, "Request %s failed", uri.getPath());
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        String detail = switch (status) {
            case 404 -> "No resource at " + uri.getPath();
            case 405 -> "This method is not allowed on " + uri.getPath();
            case 406 -> "This resource answers application/json only";
            case 413 -> "The request body is too large";
            case 415 -> "Send the body as application/json";
            default -> title;
        };
        Response.ResponseBuilder answer = answer(Problem.of(status, slug(title), title, detail), uri);
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase(HttpHeaders.ALLOW) || name.equalsIgnoreCase(HttpHeaders.RETRY_AFTER)
                    || name.equalsIgnoreCase(HttpHeaders.WWW_AUTHENTICATE)) {
                values.forEach(v -> answer.header(name, v));
            }
        });
        return answer.build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                // SQL class 22 "data exception": a value the database cannot hold (NUL, out-of-range time or
                // number, too long). Validation should have caught it; the caller still gets a 400, never the SQL.
                Log.warnf("Request %s refused by the database (SQLSTATE %s); validation missed it", uri.getPath(),
                        sql.getSQLState());
                return answer(Problem.of(400, "invalid-input", "Invalid input",
                        "A value in the request is outside what this service can store"), uri).build();
            }
        }
        Log.errorf(e, "Unexpected failure serving %s", uri.getPath());
        return answer(Problem.of(500, "internal-error", "Internal error",
                "The request could not be completed; it is safe to retry reads"), uri).build();
    }

    /** The problem as answered: problem+json, with the request path as its instance unless it names one. */
    public static Response.ResponseBuilder answer(Problem problem, UriInfo uri) {
        Problem body = problem.instance() == null && uri != null ? problem.withInstance(uri.getPath()) : problem;
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body);
    }

    private static String fieldMessage(JsonMappingException e, String field) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e.getCause() instanceof InputCoercionException) {
            return "is out of range";
        }
        if (e instanceof InvalidFormatException invalid) {
            Class<?> target = invalid.getTargetType();
            if (target != null && target.isEnum()) {
                return "must be one of " + List.of(target.getEnumConstants());
            }
            return integral(target) ? "must be a whole number" : "has the wrong format for " + typeName(target);
        }
        if (e instanceof MismatchedInputException mismatched) {
            return "must be " + typeName(mismatched.getTargetType());
        }
        return "is invalid";
    }

    private static boolean integral(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class;
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "this field";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(ref.getFieldName());
            }
        }
        return field.toString();
    }

    /** Bean Validation paths name Java members (method.arg.clientReference); callers know JSON (client_reference). */
    private static String fieldOf(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                // a query or path parameter is named by itself; a body parameter by its properties
                field.setLength(0);
                field.append(snake(node.getName()));
                continue;
            }
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                continue;
            }
            if (node.isInIterable() && node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getName() != null) {
                if (field.length() > 0 && !isBodyParameter(field)) {
                    field.append('.');
                } else {
                    field.setLength(0);
                }
                field.append(snake(node.getName()));
            }
        }
        return field.toString();
    }

    private static boolean isBodyParameter(StringBuilder field) {
        String name = field.toString();
        return name.equals("body") || name.equals("request");
    }

    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
