package io.orderrelay.security;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Creates API keys through the API with the %test bootstrap key. */
public final class TestKeys {

    public static final String ADMIN = "test-admin-key";

    private TestKeys() {
    }

    public static String bearer(String key) {
        return "Bearer " + key;
    }

    /** The whole create answer (id, key, ...). */
    public static JsonPath create(String name, String partnerId, String... scopes) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("scopes", List.of(scopes));
        if (partnerId != null) {
            body.put("partner_id", partnerId);
        }
        return given().header("Authorization", bearer(ADMIN)).contentType(ContentType.JSON).body(body)
                .when().post("/v1/api-keys")
                .then().statusCode(201).extract().jsonPath();
    }

    public static String key(String name, String partnerId, String... scopes) {
        return create(name, partnerId, scopes).getString("key");
    }
}
