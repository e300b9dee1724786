package io.orderrelay.webhook;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

/**
 * One field of a JSON Merge Patch (RFC 7396), in its three states: {@link Absent} (left out: kept), {@link Null}
 * (cleared) or a {@link Value}. Jackson reads it: a value with the field's own type, JSON null as {@link Null}, and a
 * field left out as {@link Absent}.
 */
@JsonDeserialize(using = Patch.Reader.class)
public sealed interface Patch<T> {

    record Absent<T>() implements Patch<T> {
    }

    record Null<T>() implements Patch<T> {
    }

    record Value<T>(T value) implements Patch<T> {
    }

    static <T> Patch<T> absent() {
        return new Absent<>();
    }

    default boolean present() {
        return !(this instanceof Absent);
    }

    /** {@code current} when left out, null when cleared, else the value. */
    default T merged(T current) {
        if (this instanceof Value<T> value) {
            return value.value();
        }
        return this instanceof Absent ? current : null;
    }

    /** Reads a value with the type the field declares ({@code Patch<List<String>>}: a list of strings). */
    final class Reader extends StdDeserializer<Patch<?>> implements ContextualDeserializer {

        private final JavaType valueType;

        public Reader() {
            this(null);
        }

        private Reader(JavaType valueType) {
            super(Patch.class);
            this.valueType = valueType;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            JavaType declared = property != null ? property.getType() : ctxt.getContextualType();
            return new Reader(declared.containedTypeOrUnknown(0));
        }

        @Override
        public Patch<?> deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
            return new Value<>(ctxt.readValue(parser, valueType));
        }

        @Override
        public Patch<?> getNullValue(DeserializationContext ctxt) {
            return new Null<>();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return new Absent<>();
        }
    }
}
