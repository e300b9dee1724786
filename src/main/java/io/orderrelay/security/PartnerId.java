package io.orderrelay.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.regex.Pattern;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * The one syntax of a partner id, wherever one enters (order bodies, list filters, {@code /v1/partners/{partner_id}}
 * paths, API key bindings): 1 to 64 of {@code A-Z a-z 0-9 . _ -}. Partner ids end up in URLs, log lines and
 * database keys, so nothing else (spaces, slashes, control characters) is ever accepted. Null is left to
 * {@code @NotNull} / {@code @NotBlank}.
 */
@Documented
@Constraint(validatedBy = PartnerId.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface PartnerId {

    String MESSAGE = "must be 1 to 64 characters among letters, digits, '.', '_' and '-'";

    String message() default MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The rule itself, for code that validates by hand. */
    final class Syntax {
        private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

        private Syntax() {
        }

        public static boolean isValid(String partnerId) {
            return partnerId != null && PATTERN.matcher(partnerId).matches();
        }
    }

    final class Validator implements ConstraintValidator<PartnerId, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || Syntax.isValid(value);
        }
    }
}
