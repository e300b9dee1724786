package io.orderrelay.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer API key presented on a /v1 request. toString never shows the key. */
final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[key=<hidden>]";
    }
}
