package io.orderrelay.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * One upstream request as the sandbox received it (control calls are not recorded). {@code path} is the upstream path,
 * without the {@code /sandbox} prefix; header names in {@code headers} are lower case.
 */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers,
        String xCrApplication, String xCrVersion, String xCountryIsoCode, String contentType, String body, Instant time) {
}
