package io.orderrelay.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.specification.RequestSpecification;

/**
 * Requests sent from a chosen loopback address (any of 127.0.0.0/8 works on Linux): real distinct client addresses
 * on one machine, without trusting any header.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static RequestSpecification from(String localAddress) {
        InetAddress address;
        try {
            address = InetAddress.getByName(localAddress);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(localAddress, e);
        }
        // Apache HttpClient 4 (under RestAssured) binds the connection's local end to this address
        return RestAssured.given().baseUri("http://127.0.0.1").config(RestAssured.config().httpClient(
                HttpClientConfig.httpClientConfig().setParam("http.route.local-address", address)));
    }
}
