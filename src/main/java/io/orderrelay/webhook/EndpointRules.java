package io.orderrelay.webhook;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.problem.Problem;

/**
 * What an endpoint's fields may hold: a URL the {@link TargetGuard} accepts, known event types (at least one, or
 * none listed for every event), a description of bounded length. Collects every invalid field before refusing.
 */
@ApplicationScoped
public class EndpointRules {

    static final int MAX_DESCRIPTION = 500;

    private final TargetGuard guard;

    public EndpointRules(TargetGuard guard) {
        this.guard = guard;
    }

    /** The URL as stored, or null with an error added. */
    String url(String url, List<Problem.FieldError> errors) {
        try {
            return guard.check(url).toString();
        } catch (TargetGuard.Refused e) {
            errors.add(new Problem.FieldError("url", e.getMessage()));
            return null;
        }
    }

    /** The distinct types, null for every event; errors added for unknown ones or an empty list. */
    static List<String> eventTypes(List<String> types, List<Problem.FieldError> errors) {
        if (types == null) {
            return null;
        }
        if (types.isEmpty()) {
            errors.add(new Problem.FieldError("event_types", "must list at least one event type; omit it for every event"));
            return null;
        }
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (type == null || !EventTypes.KNOWN.contains(type)) {
                errors.add(new Problem.FieldError("event_types[" + i + "]", "unknown event type"
                        + (type == null ? "" : " " + type) + "; known: order.* or one of " + EventTypes.KNOWN));
            } else if (!distinct.contains(type)) {
                distinct.add(type);
            }
        }
        return distinct;
    }

    static void description(String description, List<Problem.FieldError> errors) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            errors.add(new Problem.FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
    }

    static void refuseIfAny(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw WebhookRefusal.Invalid.of(errors);
        }
    }
}
