package io.orderrelay.problem;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

/**
 * The one id policy of the API: every {@code UUID} path or query parameter is read here, and a malformed one answers
 * 400 naming the parameter ({@link Malformed}, mapped in {@link ProblemMappers}). Resources take ids as {@code UUID}
 * and never parse them. Only the canonical form (8-4-4-4-12 hex digits) is an id: {@code UUID.fromString} alone
 * would take {@code 1-2-3-4-5}.
 */
@Provider
public class IdParameters implements ParamConverterProvider {

    static final String MESSAGE = "must be an id (UUID)";
    private static final Pattern CANONICAL = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * A malformed id. A {@code WebApplicationException}, so that JAX-RS hands it to the mappers as it is: any other
     * exception from a converter of a path parameter becomes a 404.
     */
    public static final class Malformed extends BadRequestException {
        private final String parameter;

        Malformed(String parameter) {
            super(parameter + ": " + MESSAGE);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != UUID.class) {
            return null;
        }
        String name = name(annotations);
        return (ParamConverter<T>) new ParamConverter<UUID>() {
            @Override
            public UUID fromString(String value) {
                return parse(name, value);
            }

            @Override
            public String toString(UUID value) {
                return value.toString();
            }
        };
    }

    /** The id in {@code value}, or {@link Malformed} naming {@code parameter}. */
    public static UUID parse(String parameter, String value) {
        if (value == null || !CANONICAL.matcher(value).matches()) {
            throw new Malformed(parameter);
        }
        return UUID.fromString(value);
    }

    private static String name(Annotation[] annotations) {
        for (Annotation a : annotations == null ? new Annotation[0] : annotations) {
            if (a instanceof PathParam path) {
                return path.value();
            }
            if (a instanceof QueryParam query) {
                return query.value();
            }
        }
        return "id";
    }
}
