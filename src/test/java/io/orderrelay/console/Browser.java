package io.orderrelay.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless chromium driven through its chromedriver (both from apt: .ci/run installs them). The binaries are
 * named explicitly so that Selenium never tries to download a browser. A missing browser fails the test: the
 * browser tests are part of verify.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    /** Screenshots of the main pages, shown by the README and docs/console.md; every run writes them anew. */
    static final Path SCREENSHOTS = Path.of("docs", "console");

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;

    Browser(URL base) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The console's browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver (.ci/run installs them when missing)");
        }
        this.base = base.toString().replaceAll("/+$", "");
        try {
            profile = Files.createTempDirectory("console-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get(base + path);
    }

    String path() {
        return driver.getCurrentUrl().substring(base.length());
    }

    /** Types the key into the sign-in form and waits until the console has left the sign-in page. */
    void signIn(String key) {
        open("/console");
        find(By.id("key")).sendKeys(key);
        find(By.cssSelector("#sign-in button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> !path().equals("/console") || displayed(By.id("signed-in")));
    }

    WebElement find(By by) {
        return await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> driver.findElement(by), WebElement::isDisplayed);
    }

    /** Waits until the element's text holds {@code text}; answers the element. */
    WebElement waitText(By by, String text) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> driver.findElement(by), e -> e.getText().contains(text));
    }

    boolean displayed(By by) {
        return driver.findElements(by).stream().anyMatch(WebElement::isDisplayed);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    String sessionKey() {
        return (String) script("return sessionStorage.getItem('order-relay.console.key')");
    }

    List<String> consoleLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    /** docs/console/{name}.png at the given width (the page's full height). */
    void screenshot(String name, int width) {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(width, 1000));
            long height = (Long) script("return Math.max(document.documentElement.scrollHeight, 600)");
            driver.manage().window().setSize(new Dimension(width, (int) Math.min(height + 100, 4000)));
            Files.createDirectories(SCREENSHOTS);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
