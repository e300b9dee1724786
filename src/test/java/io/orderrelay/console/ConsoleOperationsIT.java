package io.orderrelay.console;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.orderrelay.support.Api;
import io.orderrelay.upstream.UpstreamClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Operations: the status figures, API keys created (shown once) and revoked, parked outbox events retried and skipped. */
@QuarkusTest
class ConsoleOperationsIT extends BrowserTest {

    @Inject
    EntityManager em;

    @Test
    void anAdminSeesTheStatusFiguresAndRetriesAndSkipsParkedEvents() {
        String order = ConsoleOrders.place(ConsoleOrders.partner(), "ops-1").getString("id");
        UUID retried = ConsoleOrders.park(em, order);
        UUID skipped = ConsoleOrders.park(em, order);
        browser.signIn(Api.ADMIN_KEY);
        browser.open("/console/operations");

        browser.waitText(By.id("tracking"), "Open orders");
        browser.waitText(By.id("lease-owners"), "(this replica)");
        browser.waitText(By.cssSelector("#circuits tr[data-circuit='upstream-create']"), "closed");
        assertEquals(UpstreamClient.CIRCUIT_BREAKERS.size(), browser.all(By.cssSelector("#circuits tbody tr")).size());
        browser.waitText(By.id("catalogue"), "Catalogue");
        long parked = Api.given().get("/v1/admin/status").then().extract().jsonPath().getLong("outbox.parked");
        browser.waitText(By.id("parked-count"), parked + " events");
        browser.waitText(By.cssSelector("tr[data-event-id='" + retried + "']"), "console test");
        browser.screenshot("operations", 1280);

        browser.find(By.cssSelector("tr[data-event-id='" + retried + "'] button[data-action=retry]")).click();
        browser.waitText(By.id("status"), "back in line");
        browser.waitText(By.id("parked-count"), (parked - 1) + " event");
        assertTrue(browser.all(By.cssSelector("tr[data-event-id='" + retried + "']")).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> sentAndNotSkipped(retried));

        browser.find(By.cssSelector("tr[data-event-id='" + skipped + "'] button[data-action=skip]")).click();
        browser.waitText(By.id("status"), "skipped");
        assertTrue(browser.all(By.cssSelector("tr[data-event-id='" + skipped + "']")).isEmpty());
        Api.given().post("/v1/admin/outbox/parked/" + skipped + "/skip").then().statusCode(409)
                .body("detail", containsString("skipped"));
    }

    /** The relay published the retried event: its row is sent, not skipped. */
    private boolean sentAndNotSkipped(UUID eventId) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> (Boolean) em.createNativeQuery(
                "select sent_at is not null and skipped_at is null from outbox where event_id = ?1")
                .setParameter(1, eventId).getSingleResult());
    }

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

        String id = browser.find(By.xpath("//tr[td[1][text()='" + name + "']]")).getAttribute("data-key-id");
        browser.find(By.cssSelector("tr[data-key-id='" + id + "'] button.revoke")).click();
        browser.driver().switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                browser.all(By.cssSelector("tr[data-key-id='" + id + "'] button.revoke")).isEmpty());
        Api.given().get("/v1/api-keys/" + id).then().statusCode(200).body("revoked_at", notNullValue());
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/me").then().statusCode(401);
    }
}
