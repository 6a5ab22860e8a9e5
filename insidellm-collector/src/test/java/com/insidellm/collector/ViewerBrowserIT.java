package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer in a real headless Chromium: runs list, conversation with a tool call and the turn diff, the live page,
 * analytics, and untrusted text that must stay text. Screenshots go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserIT {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String XSS_RUN = "55555555-5555-4555-8555-555555555555";
    static final String SCRIPT = "<script>window.__xss = 1</script>";
    static final String IMG = "<img src=x onerror=\"window.__xss = 2\">";

    @TempDir static Path dir;
    static InsideLlmCollector collector;
    static Api api;
    static WebDriver driver;
    static WebDriverWait wait;
    static Path screenshots;

    @BeforeAll
    static void start() throws IOException {
        requireBrowser();
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("viewer.db")).build();
        collector.start();
        api = new Api(collector.baseUrl());
        ArrayNode all = SampleData.asArray(SampleData.events());
        SampleData.busyDay().forEach(all::add);
        xssRun().forEach(all::add);
        assertThat(api.ingest(all).json().get("rejected")).isEmpty();

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1360,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chrome-profile")));
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        screenshots = Path.of(System.getProperty("insidellm.screenshots", "target/screenshots"));
        Files.createDirectories(screenshots);
    }

    /** Skips locally without a browser; on CI (env CI set) a missing browser is a failure, not a silent skip. */
    static void requireBrowser() {
        if (Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER))) {
            return;
        }
        String message = "browser tests need Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                + ": apt-get install -y chromium chromium-driver";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.assumeTrue(false, message);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (collector != null) {
            collector.close();
        }
    }

    static List<ObjectNode> xssRun() {
        String user = "mallory";
        var t = SampleData.BASE.plusSeconds(5 * 3600);
        ObjectNode input = Events.userInput(XSS_RUN, user, t, "Please repeat: " + SCRIPT + " " + IMG);
        ArrayNode history = Events.JSON.createArrayNode().add(Events.message("system", "Be careful " + IMG))
                .add(Events.message("user", SCRIPT + IMG));
        ObjectNode req = Events.llmRequest(XSS_RUN, user, t.plusMillis(5), "gpt-4o", history);
        ObjectNode resp = Events.llmResponse(XSS_RUN, user, t.plusMillis(400), req, "Sure: " + SCRIPT + IMG, 5, 5, 0.0,
                395);
        return List.of(input, req, resp);
    }

    static void open(String hash) {
        driver.get(collector.baseUrl() + "/" + hash);
    }

    static void screenshot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void runsListShowsEachRunWithItsFiguresAndHighlightsErrors() {
        open("#/runs?user=alice");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs-table tbody tr")));
        WebElement agentRow = driver.findElement(By.cssSelector("tr[data-run-id='" + SampleData.AGENT_RUN + "']"));
        assertThat(agentRow.getText()).contains("alice").contains("500 ms").contains("370").contains("$0.0300")
                .contains("gpt-4o");

        open("#/runs?user=bob");
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-run-id='" + SampleData.ERROR_RUN + "']")));
        WebElement errorRow = driver.findElement(By.cssSelector("tr[data-run-id='" + SampleData.ERROR_RUN + "']"));
        assertThat(errorRow.getAttribute("class")).contains("has-error");
        assertThat(errorRow.findElement(By.cssSelector(".pill.err")).getText()).isEqualTo("1");

        open("#/runs");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#runs-table tbody tr"), 25));
        assertThat(driver.findElement(By.cssSelector(".pager")).getText()).contains("1–25 of 40");
        screenshot("runs");

        new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("#run-filters select[name=has_errors]")))
                .selectByValue("true");
        driver.findElement(By.cssSelector("#run-filters button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().contains("has_errors=true"));
        wait.until(d -> d.findElements(By.cssSelector("#runs-table tbody tr")).stream()
                .allMatch(tr -> tr.getAttribute("class").contains("has-error")));
    }

    @Test
    @Order(2)
    void conversationShowsTheToolCallAndWhatIsNewInEachTurn() {
        open("#/run/" + SampleData.AGENT_RUN + "/conversation");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#conversation .call"), 2));
        List<WebElement> calls = driver.findElements(By.cssSelector("#conversation .call"));

        WebElement first = calls.get(0);
        assertThat(first.findElement(By.cssSelector(".system")).getText()).contains(SampleData.SYSTEM_PROMPT);
        assertThat(first.findElement(By.cssSelector(".bubble-row.user")).getText())
                .contains("What's the weather in Paris right now?");
        assertThat(first.findElement(By.cssSelector(".tool-call")).getText()).contains("get_weather").contains("Paris");

        WebElement second = calls.get(1);
        assertThat(second.findElement(By.cssSelector(".earlier button")).getText())
                .contains("2 earlier messages unchanged from call 1");
        List<WebElement> fresh = second.findElements(By.cssSelector(".msg.new"));
        assertThat(fresh).hasSize(1);
        assertThat(fresh.get(0).getAttribute("class")).contains("tool-result");
        assertThat(fresh.get(0).getText()).contains("Tool result").contains("light rain");
        assertThat(second.findElement(By.cssSelector(".bubble-row.response")).getText()).contains("take an umbrella");
        assertThat(second.findElement(By.cssSelector(".earlier-messages")).isDisplayed()).isFalse();
        screenshot("conversation");

        second.findElement(By.cssSelector(".earlier button")).click();
        assertThat(second.findElement(By.cssSelector(".earlier-messages")).isDisplayed()).isTrue();
    }

    @Test
    @Order(3)
    void timelineNestsEventsUnderTheirParentsAndMarksErrors() {
        open("#/run/" + SampleData.AGENT_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline")));
        WebElement nested = driver.findElement(
                By.cssSelector("li[data-type='tool.call'] > ul > li[data-type='tool.response']"));
        assertThat(nested.getText()).contains("get_weather").contains("60 ms");
        screenshot("timeline");

        open("#/run/" + SampleData.ERROR_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li.node.error")));
        assertThat(driver.findElement(By.cssSelector("#timeline li.node.error")).getText())
                .contains("mailbox connector timed out");
    }

    @Test
    @Order(4)
    void eventSearchFindsTextInContent() {
        open("#/events");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#event-results tr")));
        WebElement box = driver.findElement(By.cssSelector("#event-filters input[name=q]"));
        box.sendKeys("umbrella");
        driver.findElement(By.cssSelector("#event-filters button[type=submit]")).click();

        wait.until(d -> d.getCurrentUrl().contains("q=umbrella"));
        wait.until(d -> d.findElements(By.cssSelector("#event-results tr")).size() == 2);
        assertThat(driver.findElement(By.id("event-results")).getText()).contains("take an umbrella")
                .contains("llm.response").contains("agent.response");
        screenshot("events");
    }

    @Test
    @Order(4)
    void analyticsDrawsChartsPerModel() {
        open("#/analytics");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#charts svg"), 5));
        assertThat(driver.findElements(By.cssSelector("#charts svg rect")).size()).isGreaterThan(10);
        assertThat(driver.findElement(By.id("model-table")).getText()).contains("gpt-4o").contains("gpt-4o-mini")
                .contains("claude-3-5-sonnet");
        screenshot("analytics");
    }

    @Test
    @Order(5)
    void livePageShowsAnEventIngestedAfterItOpened() {
        open("#/live");
        wait.until(ExpectedConditions.textToBe(By.id("live-status"), "live"));
        String text = "arrived after the page opened " + Events.uuid();

        api.ingest(Events.userInput(Events.uuid(), "erin", SampleData.BASE.plusSeconds(7 * 3600), text));

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-events"), text));
        assertThat(driver.findElement(By.cssSelector("#live-events tr")).getText()).contains(text).contains("erin");
        screenshot("live");
    }

    @Test
    @Order(6)
    void untrustedTextIsShownLiterallyAndNeverRuns() {
        open("#/run/" + XSS_RUN + "/conversation");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#conversation .call")));
        String conversation = driver.findElement(By.id("conversation")).getText();
        assertThat(conversation).contains(SCRIPT).contains(IMG);

        open("#/run/" + XSS_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline")));
        assertThat(driver.findElement(By.id("timeline")).getText()).contains(SCRIPT);

        open("#/live?user=mallory");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-events"), SCRIPT));

        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertThat(js.executeScript("return window.__xss")).isNull();
        assertThat(driver.findElements(By.cssSelector("#app img"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#app script"))).isEmpty();
    }
}
