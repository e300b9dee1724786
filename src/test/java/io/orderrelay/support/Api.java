package io.orderrelay.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** RestAssured requests as an authorised internal caller (the %test bootstrap admin key). */
public final class Api {

    public static final String ADMIN_KEY = "test-admin-key";

    private Api() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN_KEY);
    }

    public static RequestSpecification json(String body) {
        return given().contentType(ContentType.JSON).body(body);
    }
}
