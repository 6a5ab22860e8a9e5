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
 * analytics, and untrusted text that must stay text; and what issue 18 found: a chronological waterfall, conversations
 * grouped by lineage, tools and parameters, run names, errors counted once, events by timestamp, a filter bar that
 * fits and is kept in the URL, analytics per user and tool with TTFT and feedback, and a run of 10,000 events.
 * Screenshots go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserIT {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String XSS_RUN = "55555555-5555-4555-8555-555555555555";
    static final String SCRIPT = "<script>window.__xss = 1</script>";
    static final String IMG = "<img src=x onerror=\"window.__xss = 2\">";
    static final String BIG_RUN = "77777777-7777-4777-8777-777777777777";
    static final int BIG_EVENTS = 10_000;

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
        RichData.events().forEach(all::add);
        assertThat(api.ingest(all).json().get("rejected")).isEmpty();
        List<ObjectNode> big = bigRun();
        for (int i = 0; i < big.size(); i += 2000) {
            assertThat(api.ingest(SampleData.asArray(big.subList(i, Math.min(big.size(), i + 2000))))
                    .json().get("accepted").asInt()).isEqualTo(Math.min(2000, big.size() - i));
        }

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

    /**
     * A long agent run of exactly {@link #BIG_EVENTS} events: a run.start, then rounds of model call, tool call and
     * tool result, nested under one chain, and a run.end.
     */
    static List<ObjectNode> bigRun() {
        String user = "erin";
        var t = SampleData.BASE.plusSeconds(9 * 3600);
        List<ObjectNode> out = new java.util.ArrayList<>();
        out.add(Events.runStart(BIG_RUN, user, t));
        ObjectNode chain = Events.event("chain.start", BIG_RUN, user, t.plusMillis(1));
        chain.withObjectProperty("payload").put("chain_name", "batch agent");
        out.add(chain);
        long ms = 2;
        int round = 0;
        while (out.size() + 4 <= BIG_EVENTS - 2) {
            ArrayNode history = Events.JSON.createArrayNode().add(Events.message("user", "step " + round));
            ObjectNode req = Events.llmRequest(BIG_RUN, user, t.plusMillis(ms), "gpt-4o-mini", history);
            req.put("parent_event_id", chain.get("event_id").asText());
            ObjectNode resp = Events.llmResponse(BIG_RUN, user, t.plusMillis(ms + 40), req, "calling a tool", 20, 5,
                    0.00001, 40);
            ObjectNode call = Events.event("tool.call", BIG_RUN, user, t.plusMillis(ms + 41));
            call.put("parent_event_id", resp.get("event_id").asText());
            call.withObjectProperty("payload").put("tool_name", "lookup").put("tool_type", "function")
                    .putObject("parameters").put("n", round);
            ObjectNode result = Events.event("tool.response", BIG_RUN, user, t.plusMillis(ms + 50));
            result.put("parent_event_id", call.get("event_id").asText());
            result.withObjectProperty("payload").put("tool_name", "lookup").put("tool_type", "function")
                    .put("response_data", "ok").put("execution_time_ms", 9).put("success", true);
            out.addAll(List.of(req, resp, call, result));
            ms += 60;
            round++;
        }
        while (out.size() < BIG_EVENTS - 2) {
            out.add(Events.userInput(BIG_RUN, user, t.plusMillis(ms++), "more"));
        }
        ObjectNode chainEnd = Events.event("chain.end", BIG_RUN, user, t.plusMillis(ms + 1));
        chainEnd.put("parent_event_id", chain.get("event_id").asText());
        chainEnd.withObjectProperty("payload").put("chain_name", "batch agent").put("success", true);
        out.add(chainEnd);
        out.add(Events.runEnd(BIG_RUN, user, t.plusMillis(ms + 2)));
        return out;
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
        assertThat(errorRow.findElement(By.cssSelector(".pill.err:not(.status-pill)")).getText()).isEqualTo("1");

        open("#/runs");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#runs-table tbody tr"), 25));
        assertThat(driver.findElement(By.cssSelector(".pager")).getText()).contains("1–25 of 43");
        screenshot("runs");

        new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("#run-filters select[name=has_errors]")))
                .selectByValue("true");
        driver.findElement(By.cssSelector("#run-filters button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().contains("has_errors=true"));
        wait.until(d -> d.findElements(By.cssSelector("#runs-table tbody tr")).stream()
                .allMatch(tr -> tr.getAttribute("class").contains("has-error")));
    }

    @Test
    @Order(1)
    void runsListNamesEachRunWithItsFirstInputStatusFeedbackAndErrorsCountedOnce() {
        open("#/runs?user=dave");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run-id='" + RichData.TRIP_RUN + "']")));
        WebElement trip = driver.findElement(By.cssSelector("tr[data-run-id='" + RichData.TRIP_RUN + "']"));

        assertThat(trip.findElement(By.cssSelector(".run-name")).getText()).isEqualTo("Trip assistant");
        assertThat(trip.findElement(By.cssSelector(".first-line")).getText()).isEqualTo(RichData.QUESTION);
        assertThat(trip.findElement(By.cssSelector(".status-pill")).getText()).isEqualTo("error");
        assertThat(trip.findElement(By.cssSelector(".pill.err:not(.status-pill)")).getText())
                .as("the tool's error event and its failed tool.response are one failure").isEqualTo("1");
        assertThat(trip.getText()).contains("1.40 s").contains("dave").contains("avg 1 of 1");
        assertThat(trip.findElement(By.cssSelector("td")).getText()).contains("2025");
        screenshot("runs-named");
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
        screenshot("conversation-agent");

        second.findElement(By.cssSelector(".earlier button")).click();
        assertThat(second.findElement(By.cssSelector(".earlier-messages")).isDisplayed()).isTrue();
    }

    @Test
    @Order(2)
    void conversationsAreGroupedByLineageWithToolsParametersFinishReasonAndTimeToFirstToken() {
        open("#/run/" + RichData.TRIP_RUN + "/conversation");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#conversation .call"), 3));
        WebElement conversation = driver.findElement(By.id("conversation"));

        assertThat(driver.findElements(By.cssSelector("#conversation section.conversation"))).hasSize(2);
        assertThat(conversation.getText()).as("two conversations, each diffed against its own previous turn")
                .doesNotContain("changed since the previous call").doesNotContain("History rewritten");
        WebElement planner = driver.findElement(By.id("conversation-1"));
        assertThat(planner.findElements(By.cssSelector(".call"))).hasSize(2);
        assertThat(planner.findElement(By.cssSelector(".tools-offered summary")).getText()).contains("search_flights")
                .contains("choice: auto");
        assertThat(planner.findElement(By.cssSelector(".parameters")).getText()).contains("temperature = 0.2")
                .contains("max_tokens = 500");
        WebElement firstCall = planner.findElements(By.cssSelector(".call")).get(0);
        assertThat(firstCall.findElement(By.cssSelector(".call-head")).getText()).contains("finish: tool_calls")
                .contains("TTFT 120 ms");
        assertThat(firstCall.findElement(By.cssSelector(".response-box .response-label")).getText())
                .isEqualToIgnoringCase("Model response · tool call · tool_calls");
        assertThat(firstCall.findElement(By.cssSelector(".response-box .tool-call")).getText()).contains("search_flights");
        WebElement second = planner.findElements(By.cssSelector(".call")).get(1);
        assertThat(second.findElement(By.cssSelector(".earlier button")).getText())
                .contains("2 earlier messages unchanged from call 1");
        assertThat(driver.findElement(By.id("conversation-2")).getText()).contains(RichData.TITLE_PROMPT)
                .contains("Lisbon weekend from Lyon");
        screenshot("conversation");
    }

    @Test
    @Order(3)
    void timelineIsAChronologicalWaterfallNestedByParentWithRealDurations() {
        open("#/run/" + SampleData.AGENT_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .wf-row")));
        List<WebElement> rows = driver.findElements(By.cssSelector("#timeline .wf-row"));
        List<Long> starts = rows.stream().map(r -> Long.parseLong(r.getAttribute("data-offset-us"))).toList();
        assertThat(starts).isSorted();
        WebElement llm = driver.findElement(By.cssSelector(".wf-row[data-type='llm.request']"));
        assertThat(llm.findElement(By.cssSelector(".dur")).getText()).isEqualTo("100 ms");
        assertThat(llm.findElement(By.cssSelector(".bar")).getSize().getWidth())
                .as("a 100 ms call in a 500 ms run is a fifth of the track").isGreaterThan(
                        llm.findElement(By.cssSelector(".track")).getSize().getWidth() / 6);
        WebElement tool = driver.findElement(By.cssSelector(".wf-row[data-type='tool.call']"));
        assertThat(tool.getText()).contains("get_weather").contains("60 ms");
        assertThat(Integer.parseInt(tool.getAttribute("data-depth")))
                .as("the tool call is nested under the model call that asked for it")
                .isGreaterThan(Integer.parseInt(llm.getAttribute("data-depth")));
        screenshot("timeline-agent");

        open("#/run/" + RichData.TRIP_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .wf-row.error")));
        assertThat(driver.findElement(By.cssSelector("#timeline .wf-row.error")).getText())
                .contains("flight search unavailable");
        assertThat(driver.findElement(By.cssSelector("#timeline .wf-row.outside")).getText()).contains("years")
                .contains("stray");
        assertThat(driver.findElement(By.cssSelector(".cards")).getText()).contains("1.40 s");
        assertThat(driver.findElement(By.id("run-title")).getText()).isEqualTo("Trip assistant");
        assertThat(driver.findElement(By.id("run-first-input")).getText()).isEqualTo(RichData.QUESTION);
        assertThat(driver.findElement(By.id("run-feedback")).getText()).contains("avg 1 of 1");
        screenshot("timeline");

        open("#/run/" + SampleData.ERROR_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .wf-row.error")));
        assertThat(driver.findElement(By.cssSelector("#timeline .wf-row.error")).getText())
                .contains("mailbox connector timed out");
    }

    @Test
    @Order(3)
    void rendersARunOfTenThousandEvents() {
        open("#/runs");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs-table")));
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript("window.__t0 = performance.now(); location.hash = '#/run/" + BIG_RUN + "';");
        // Rows: run, chain, one per model call, one per tool call (its result is on the same row).
        int rounds = (BIG_EVENTS - 4) / 4;
        int expectedRows = 2 + 2 * rounds + (BIG_EVENTS - 4 - 4 * rounds);
        WebDriverWait fine = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(10));
        Object firstScreen = fine.until(d -> ((JavascriptExecutor) d).executeScript(
                "return document.querySelectorAll('#timeline .wf-row').length > 0 ? performance.now() - window.__t0 : null"));
        Object all = fine.until(d -> ((JavascriptExecutor) d).executeScript(
                "return document.querySelector('#timeline[data-complete]') ? performance.now() - window.__t0 : null"));
        System.out.printf("ViewerBrowserIT: a run of %,d events (%,d waterfall rows): first rows shown after %.0f ms,"
                + " all rows after %.0f ms%n", BIG_EVENTS, expectedRows, ((Number) firstScreen).doubleValue(),
                ((Number) all).doubleValue());
        assertThat(driver.findElements(By.cssSelector("#timeline .wf-row"))).hasSize(expectedRows);

        js.executeScript("window.__t0 = performance.now(); location.hash = '#/run/" + BIG_RUN + "/conversation';");
        Object conversation = fine.until(d -> ((JavascriptExecutor) d).executeScript(
                "return document.querySelectorAll('#conversation .call').length >= " + rounds
                        + " ? performance.now() - window.__t0 : null"));
        System.out.printf("ViewerBrowserIT: its %,d model calls as conversations after %.0f ms%n", rounds,
                ((Number) conversation).doubleValue());
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
    }

    @Test
    @Order(4)
    void eventsAreInTimestampOrderAndTheFilterBarFitsAndIsKeptInTheUrl() {
        open("#/events?run=" + RichData.TRIP_RUN);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#event-results tr")));
        List<String> times = driver.findElements(By.cssSelector("#event-results tr td:first-child")).stream()
                .map(WebElement::getText).toList();
        assertThat(times).hasSize(RichData.tripRun().size()).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(times.get(times.size() - 1)).startsWith("2020-01-01").as("the stray event sorts by its timestamp");

        WebElement form = driver.findElement(By.id("event-filters"));
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertThat((Boolean) js.executeScript("const f = arguments[0]; const box = f.getBoundingClientRect();"
                + " return f.scrollWidth <= f.clientWidth && [...f.querySelectorAll('input, select, button')].every(el => {"
                + " const r = el.getBoundingClientRect(); return r.left >= box.left && r.right <= box.right && r.width >= 80"
                + " || el.tagName === 'BUTTON' && r.right <= box.right; });", form))
                .as("every filter keeps its width inside the bar").isTrue();
        new org.openqa.selenium.support.ui.Select(form.findElement(By.cssSelector("select[name=call_type]")))
                .selectByValue("title");
        form.findElement(By.cssSelector("input[name=meta]")).sendKeys("company_id=acme");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().contains("call_type=title") && d.getCurrentUrl().contains("meta.company_id=acme"));
        wait.until(d -> d.findElements(By.cssSelector("#event-results tr")).size() == 2);
        screenshot("events");

        driver.navigate().refresh();
        wait.until(d -> d.findElements(By.cssSelector("#event-results tr")).size() == 2);
        assertThat(new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("#event-filters select[name=call_type]")))
                .getFirstSelectedOption().getAttribute("value")).isEqualTo("title");
        assertThat(driver.findElement(By.cssSelector("#event-filters input[name=meta]")).getAttribute("value"))
                .isEqualTo("company_id=acme");
    }

    @Test
    @Order(4)
    void analyticsDrawsChartsPerModel() {
        open("#/analytics?from=2025-06-04T08:00:00Z&to=2025-06-04T19:00:00Z");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#charts svg"), 6));
        assertThat(driver.findElements(By.cssSelector("#charts svg rect")).size()).isGreaterThan(10);
        assertThat(driver.findElement(By.id("model-table")).getText()).contains("gpt-4o").contains("gpt-4o-mini")
                .contains("claude-3-5-sonnet");
        screenshot("analytics");
    }

    @Test
    @Order(4)
    void analyticsShowsUsersToolsTimeToFirstTokenFeedbackReadableAxesAndMeaningfulColours() {
        open("#/analytics");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-table")));
        assertThat(driver.findElement(By.id("user-table")).getText()).contains("alice").contains("dave").contains("erin");
        String tools = driver.findElement(By.id("tool-table")).getText();
        assertThat(tools).contains("search_flights").contains("100 %").contains("get_weather");
        assertThat(driver.findElement(By.cssSelector("#tool-table tbody")).findElements(By.cssSelector(".rate.bad")))
                .isNotEmpty();
        assertThat(driver.findElement(By.id("ttft-chart")).getText()).contains("gpt-4o-mini").contains("gpt-4o");
        assertThat(driver.findElement(By.id("feedback-table")).getText()).contains("thumbs").contains("rating");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertThat((String) js.executeScript("return [...document.querySelectorAll('#charts svg text.axis.date')]"
                + ".map(t => t.textContent).join(' | ')")).containsPattern("20\\d\\d");
        assertThat((Boolean) js.executeScript("return [...document.querySelectorAll('#charts svg text.axis')].every(t => {"
                + " const b = t.getBBox(); const svg = t.ownerSVGElement.viewBox.baseVal;"
                + " return b.x >= 0 && b.x + b.width <= svg.width && b.y >= 0 && b.y + b.height <= svg.height; })"))
                .as("no axis label is clipped").isTrue();

        open("#/analytics?range=all");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("outlier-note")));
        assertThat(driver.findElement(By.id("outlier-note")).getText()).contains("1 event").contains("left out");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#charts svg"), 6));
        assertThat((String) js.executeScript("return [...document.querySelectorAll('#charts svg text.axis.date')]"
                + ".map(t => t.textContent).join(' | ')")).as("the stray 2020 event no longer stretches the axis")
                .contains("2025").doesNotContain("2019").doesNotContain("2020");
        screenshot("analytics-all-time");
        driver.findElement(By.cssSelector("#outlier-note a")).click();
        wait.until(d -> d.getCurrentUrl().contains("outliers=1"));
        wait.until(d -> ((String) ((JavascriptExecutor) d).executeScript("return [...document.querySelectorAll("
                + "'#charts svg text.axis.date')].map(t => t.textContent).join(' | ')")).matches(".*20(19|20).*"));

        open("#/analytics?from=2025-06-04T13:10:00Z&to=2025-06-04T13:10:00.500Z");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("error-rate-card")));
        WebElement errorRate = driver.findElement(By.cssSelector("#error-rate-card .card"));
        assertThat(errorRate.getText()).contains("0 %");
        assertThat(errorRate.getAttribute("class")).doesNotContain("bad").contains("good");
        assertThat(driver.findElement(By.cssSelector("#error-rate-card .value")).getCssValue("color"))
                .isNotEqualTo("rgba(220, 38, 38, 1)");
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
