package io.orderrelay.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import io.orderrelay.sandbox.Fault;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Searching orders, an order's page with its live timeline, reveal, and the uncertain queue. */
@QuarkusTest
class ConsoleOrderIT extends BrowserTest {

    @Inject
    SandboxControl sandbox;

    @AfterEach
    void clearFaults() {
        sandbox.clearFaults();
    }

    @Test
    void searchesByClientReferenceAndPagesWithTheCursor() {
        String partner = ConsoleOrders.partner();
        List<String> ids = List.of(ConsoleOrders.place(partner, "page-1").getString("id"),
                ConsoleOrders.place(partner, "page-2").getString("id"),
                ConsoleOrders.place(partner, "page-3").getString("id"));
        String key = TestKeys.key("console reader", partner, Scopes.ORDERS_READ);
        browser.signIn(key);
        browser.waitText(By.cssSelector("#orders tbody"), ids.get(2));
        browser.screenshot("orders", 1280);

        browser.find(By.id("client_reference")).sendKeys("page-2");
        browser.find(By.cssSelector("#search button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> rows().size() == 1 && rows().get(0).getText().contains(ids.get(1)));

        // 25 a page: more than that shows the next-page button, and the next page continues the list
        for (int i = 0; i < 24; i++) {
            ConsoleOrders.place(partner, "more-" + i);
        }
        browser.find(By.id("client_reference")).clear();
        browser.find(By.cssSelector("#search button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> rows().size() == 25);
        browser.find(By.id("more")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> rows().size() == 27);
        assertTrue(rows().get(26).getText().contains(ids.get(0)), "the oldest order comes last");
        assertFalse(browser.displayed(By.id("more")));
    }

    @Test
    void theTimelineAdvancesLiveToDone() {
        JsonPath order = ConsoleOrders.place(ConsoleOrders.partner(), "live-1");
        String id = order.getString("id");
        String upstreamId = order.getString("upstream_order_id");
        browser.signIn(Api.ADMIN_KEY);
        browser.open("/console/orders/" + id);
        browser.waitText(By.id("timeline"), "WaitingForPayment");
        assertEquals(order.getString("payment.coin_amount") + " USDC", browser.find(By.id("coin-amount")).getText(),
                "the exact amount, as the API gives it");
        assertTrue(browser.find(By.id("pay-countdown")).getText().endsWith("left"));
        browser.screenshot("order", 1280);
        browser.screenshot("order-375", 375);
        browser.script("window.consoleTestMarker = 'same page'");

        while (!sandbox.remainingPath(upstreamId).isEmpty()) {
            String next = sandbox.advance(upstreamId).get("order_state").asText();
            browser.waitText(By.id("timeline"), next);
        }

        WebElement done = browser.find(By.cssSelector("#timeline li[data-state=Done]"));
        assertTrue(done.getText().contains("stream") || done.getText().contains("poll") || done.getText().contains("reconcile"),
                "the transition names its source: " + done.getText());
        browser.waitText(By.id("summary"), "Done");
        browser.waitText(By.id("live"), "final");
        assertEquals("same page", browser.script("return window.consoleTestMarker"), "no reload");
        assertTrue(browser.find(By.cssSelector("#timeline time")).getAttribute("title").endsWith("(UTC)"));
        browser.screenshot("order-done", 1280);
    }

    @Test
    void revealsRedemptionDataOnlyWithTheSecretsScope() {
        JsonPath order = ConsoleOrders.place(ConsoleOrders.partner(), "reveal-1");
        String id = order.getString("id");
        String pin = sandbox.setState(order.getString("upstream_order_id"), "Done").at("/deliveries/0/deliverable/pin_code").asText();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "Done".equals(Api.given().get("/v1/orders/" + id).then().extract().path("state")));

        browser.signIn(TestKeys.key("console no secrets", null, Scopes.ORDERS_READ));
        browser.open("/console/orders/" + id);
        browser.waitText(By.id("summary"), "Done");
        assertFalse(browser.displayed(By.id("reveal")));
        assertFalse(browser.driver().getPageSource().contains(pin));
        browser.find(By.id("sign-out")).click();

        browser.signIn(TestKeys.key("console secrets", null, Scopes.ORDERS_READ, Scopes.ORDERS_SECRETS));
        browser.open("/console/orders/" + id);
        browser.waitText(By.id("summary"), "Done");
        assertFalse(browser.driver().getPageSource().contains(pin), "hidden until revealed");
        browser.find(By.id("reveal")).click();
        browser.waitText(By.id("redemption"), pin);
    }

    @Test
    void anAdminRejectsAnUncertainSubmissionFromTheQueue() {
        sandbox.addFault(Fault.createFailAfterCreate(503).times(1));
        String partner = ConsoleOrders.partner();
        String body = UpstreamFixtures.createBody("uncertain-" + partner).replace("\"partner_id\": \"acme\"", "\"partner_id\": \"" + partner + "\"");
        String id = Api.json(body).post("/v1/orders").then().statusCode(502).extract().path("order_id");

        browser.signIn(Api.ADMIN_KEY);
        browser.open("/console/uncertain");
        By item = By.cssSelector("section[data-order-id='" + id + "']");
        browser.find(item);
        browser.screenshot("uncertain", 1280);
        browser.find(By.id("reason-" + id)).sendKeys("never reached upstream (checked)");
        browser.find(By.cssSelector("section[data-order-id='" + id + "'] form:nth-of-type(2) button")).click();

        browser.waitText(item, "is now Rejected");
        assertEquals("Rejected", Api.given().get("/v1/orders/" + id).then().extract().path("state"));
    }

    private List<WebElement> rows() {
        return browser.all(By.cssSelector("#orders tbody tr"));
    }
}
