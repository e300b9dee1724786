package io.orderrelay.console;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Operations: API keys created (shown once) and revoked, the parked outbox events listed. */
@QuarkusTest
class ConsoleOperationsIT extends BrowserTest {

    @Test
    void anAdminCreatesAKeyShownOnceAndRevokesIt() {
        String name = "console ops " + ConsoleOrders.partner();
        browser.signIn(Api.ADMIN_KEY);
        browser.open("/console/operations");
        browser.waitText(By.id("parked-total"), "parked event");

        browser.find(By.id("key-name")).sendKeys(name);
        browser.find(By.cssSelector("#new-key input[value='webhooks:manage']")).click();
        browser.find(By.cssSelector("#new-key button[type=submit]")).click();
        String key = browser.find(By.id("new-key-value")).getText();
        assertTrue(key.startsWith("ork_"), key);
        browser.waitText(By.cssSelector("#keys tbody"), name);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/me").then().statusCode(200);
        browser.screenshot("operations", 1280);

        String id = browser.find(By.xpath("//tr[td[1][text()='" + name + "']]")).getAttribute("data-key-id");
        browser.find(By.cssSelector("tr[data-key-id='" + id + "'] button.revoke")).click();
        browser.driver().switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                browser.all(By.cssSelector("tr[data-key-id='" + id + "'] button.revoke")).isEmpty());
        Api.given().get("/v1/api-keys/" + id).then().statusCode(200).body("revoked_at", notNullValue());
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/me").then().statusCode(401);
    }
}
