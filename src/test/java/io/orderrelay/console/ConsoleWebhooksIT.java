package io.orderrelay.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The partner's webhook portal against a real (WireMock) receiver. */
@QuarkusTest
class ConsoleWebhooksIT extends BrowserTest {

    WireMockServer receiver;

    @BeforeEach
    void startReceiver() {
        receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop();
    }

    @Test
    void aFailedDeliveryIsRetriedFromTheLogAndSucceeds() {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(500).withBody("receiver down for maintenance")));
        String partner = ConsoleOrders.partner();
        browser.signIn(TestKeys.key("console partner hooks", partner, Scopes.WEBHOOKS_MANAGE));
        assertEquals("/console/webhooks", browser.path());
        browser.waitText(By.id("status"), "no endpoints");

        String url = "http://127.0.0.1:" + receiver.port() + "/hooks/order-relay";
        browser.find(By.id("url")).sendKeys(url);
        browser.find(By.id("description")).sendKeys("console test receiver");
        browser.find(By.cssSelector("#create button[type=submit]")).click();
        String secret = browser.find(By.id("secret")).getText();
        assertFalse(secret.isBlank(), "the secret is shown once, on creation");
        browser.waitText(By.cssSelector("#endpoints tbody"), url);
        browser.screenshot("webhooks", 1280);

        browser.find(By.linkText(url)).click();
        browser.waitText(By.id("facts"), "console test receiver");
        browser.find(By.id("send-test")).click();
        WebElement failed = untilLogShows("failed");
        assertEquals("webhook.test", failed.findElement(By.tagName("h3")).getText().split(" ")[0]);
        browser.waitText(By.cssSelector(".delivery[data-status=failed] .attempts"), "HTTP 500");
        browser.waitText(By.cssSelector(".delivery[data-status=failed] .excerpt"), "receiver down for maintenance");
        browser.waitText(By.id("last-failure"), "HTTP 500");
        browser.screenshot("endpoint-failed", 1280);

        receiver.resetAll();
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        browser.find(By.cssSelector(".delivery[data-status=failed] button.retry")).click();
        untilLogShows("succeeded");
        browser.waitText(By.cssSelector(".delivery[data-status=succeeded] .attempts"), "HTTP 204");
        browser.screenshot("endpoint", 1280);

        browser.find(By.id("rotate")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.find(By.id("secret")).getText().isBlank());
        assertNotEquals(secret, browser.find(By.id("secret")).getText(), "a rotation shows the new secret once");

        browser.find(By.id("toggle")).click();
        browser.waitText(By.id("facts"), "disabled");
        assertEquals(Boolean.FALSE, Api.given().get("/v1/partners/" + partner + "/webhook-endpoints").then().extract()
                .path("items[0].enabled"));
        browser.waitText(By.id("toggle"), "Enable").click();
        browser.waitText(By.id("facts"), "enabled");
    }

    @Test
    void anEndpointIsEditedFromItsPageAndReplaysThePartnersEventsSinceATime() {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        String partner = ConsoleOrders.partner();
        ConsoleOrders.place(partner, "replayed-1");
        String id = Api.json("{\"url\": \"http://127.0.0.1:" + receiver.port() + "/first\", \"event_types\": [\"webhook.test\"]}")
                .post("/v1/partners/" + partner + "/webhook-endpoints").then().statusCode(201).extract().path("id");
        browser.signIn(TestKeys.key("console partner edit", partner, Scopes.WEBHOOKS_MANAGE));
        browser.open("/console/webhooks/" + partner + "/" + id);
        browser.waitText(By.id("facts"), "webhook.test");

        String url = "http://127.0.0.1:" + receiver.port() + "/second";
        WebElement urlField = browser.find(By.cssSelector("#edit input[name=url]"));
        urlField.clear();
        urlField.sendKeys(url);
        WebElement types = browser.find(By.cssSelector("#edit input[name=event_types]"));
        types.clear();
        types.sendKeys("order.*");
        browser.find(By.cssSelector("#edit input[name=description]")).sendKeys("edited in the console");
        browser.find(By.cssSelector("#edit button[type=submit]")).click();
        browser.waitText(By.id("status"), "Saved");
        browser.waitText(By.id("facts"), "edited in the console");
        Api.given().get("/v1/partners/" + partner + "/webhook-endpoints/" + id).then().statusCode(200)
                .body("url", equalTo(url)).body("event_types", equalTo(java.util.List.of("order.*")))
                .body("description", equalTo("edited in the console"));

        // the viewer's zone: an hour before now is before the order whichever zone the browser is in
        browser.script("const d = new Date(Date.now() - 3600_000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());"
                + "arguments[0].value = d.toISOString().slice(0, 16);", browser.find(By.id("since")));
        browser.find(By.cssSelector("#replay button[type=submit]")).click();
        browser.waitText(By.id("status"), "Replay queued");
        untilLogShows("succeeded");
        browser.waitText(By.id("log"), "order.");
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.getAllServeEvents().stream()
                .anyMatch(e -> e.getRequest().getUrl().equals("/second")));
        browser.find(By.id("refresh")).click();
        browser.waitText(By.id("rate-hour"), "100% of");
        browser.waitText(By.id("last-failure"), "none");
    }

    @Test
    void theEventTypesPageShowsEachTypeWithItsSchemaAndAnExample() {
        browser.signIn(TestKeys.key("console partner types", ConsoleOrders.partner(), Scopes.WEBHOOKS_MANAGE));
        browser.find(By.linkText("Event types")).click();
        WebElement done = browser.find(By.cssSelector("details[data-type='order.done'] summary"));
        done.click();
        browser.waitText(By.cssSelector("details[data-type='order.done'] .example"), "\"type\": \"order.done\"");
        browser.waitText(By.cssSelector("details[data-type='order.done']"), "order-transition.v1.json");
        browser.waitText(By.cssSelector("details[data-type='order.done']"), "\"$schema\"");
        browser.find(By.cssSelector("details[data-type='webhook.test'] summary")).click();
        browser.waitText(By.cssSelector("details[data-type='webhook.test'] .example"), "This is a test event");
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("event-types", 1280);
    }

    /** Refreshes the delivery log until a delivery has {@code status}. */
    private WebElement untilLogShows(String status) {
        By delivery = By.cssSelector(".delivery[data-status=" + status + "]");
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            if (browser.all(delivery).isEmpty()) {
                browser.find(By.id("refresh")).click();
            }
            return browser.all(delivery);
        }, found -> !found.isEmpty()).get(0);
    }
}
