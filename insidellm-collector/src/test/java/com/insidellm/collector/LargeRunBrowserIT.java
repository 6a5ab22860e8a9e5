package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.StoredEvent;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A run of 640,000 events of about 1 KB (some 650 MB of JSON, more than the collector's whole heap) opens in the
 * viewer with the collector at {@code -Xmx512m}: the page shows the first events at once and loads the rest a page at
 * a time, and the API streams the whole run without holding it. Found by a user: the answer was built in memory and
 * the collector ran out of it.
 */
class LargeRunBrowserIT {

    static final int EVENTS = 640_000;
    static final String RUN = "64000000-0000-4000-8000-000000000640";
    static final String PADDING = "lorem ipsum dolor sit amet ".repeat(28);

    @TempDir Path dir;

    @Test
    void aRunOf640000EventsOpensInTheViewerWithHalfAGigabyteOfHeap() throws Exception {
        ViewerBrowserIT.requireBrowser();
        String db = PostgresServer.shared().newDatabase();
        load(db);
        try (ChildCollector collector = ChildCollector.start(List.of("-Xmx512m"), db)) {
            WebDriver driver = browser();
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                driver.get(collector.baseUrl + "/#/run/" + RUN);
                // A page of 10,000 events: per turn of four, the input, the call (request and response) and the tool.
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline[data-complete]")));
                assertThat(driver.findElements(By.cssSelector("#timeline .wf-row"))).hasSize(7_500);
                assertThat(driver.findElement(By.cssSelector(".cards")).getText()).contains("640,000");
                assertThat(driver.findElement(By.id("load-more")).getText())
                        .contains("Showing 10,000 of 640,000 events");
                driver.findElement(By.cssSelector("#load-more button")).click();
                wait.until(d -> d.findElements(By.cssSelector("#timeline[data-complete] .wf-row")).size() == 15_000);
                assertThat(driver.findElement(By.id("load-more")).getText())
                        .contains("Showing 20,000 of 640,000 events");
                screenshot(driver, "large-run-timeline");

                driver.get(collector.baseUrl + "/#/run/" + RUN + "/conversation");
                wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#conversation .call"), 2_500));
                assertThat(driver.findElement(By.cssSelector("#conversation .call .bubble-row.response")).getText())
                        .contains("answer 0 ");
                screenshot(driver, "large-run-conversation");
            } finally {
                driver.quit();
            }

            // The whole run in one answer, streamed: counted as it arrives, never held.
            HttpResponse<InputStream> all = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(collector.baseUrl + "/api/v1/runs/" + RUN)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(countOccurrences(all.body(), "{\"seq\":")).isEqualTo(EVENTS);
            assertThat(collector.process.isAlive()).isTrue();
            assertThat(new Api(collector.baseUrl).get("/health").status()).isEqualTo(200);
        }
    }

    /** Stores the run through the store's own bulk path (10,000 events per multi-row insert). */
    private static void load(String db) throws InterruptedException {
        Instant start = Instant.parse("2026-11-02T08:00:00Z");
        try (PostgresStore store = new PostgresStore(PostgresUrl.parse(db, null), null, null, true, Clock.systemUTC())) {
            List<StoredEvent> batch = new ArrayList<>();
            for (int i = 0; i < EVENTS; i += 4) {
                long t = micros(start) + i * 1000L;
                int turn = i / 4;
                String request = UUID.randomUUID().toString();
                batch.add(event("user.input", t, null, null, "{\"input_text\":\"question " + turn + " " + PADDING + "\"}"));
                batch.add(event(request, "llm.request", t + 1, null, "gpt-4o", "{\"model_name\":\"gpt-4o\",\"provider\":"
                        + "\"openai\",\"prompt\":\"question " + turn + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"question " + turn + " " + PADDING + "\"}]}"));
                batch.add(event(UUID.randomUUID().toString(), "llm.response", t + 2, request, "gpt-4o",
                        "{\"model_name\":\"gpt-4o\",\"provider\":\"openai\",\"response_text\":\"answer " + turn + " "
                        + PADDING + "\",\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":10,"
                        + "\"completion_tokens\":5,\"total_tokens\":15},\"response_time_ms\":420}"));
                batch.add(event("tool.call", t + 3, null, null, "{\"tool_name\":\"search\",\"tool_type\":\"function\","
                        + "\"parameters\":{\"q\":\"" + PADDING + "\"}}"));
                if (batch.size() >= 10_000) {
                    store.write(batch);
                    batch.clear();
                }
            }
            store.write(batch);
        }
    }

    private static StoredEvent event(String type, long micros, String parent, String model, String payload) {
        return event(UUID.randomUUID().toString(), type, micros, parent, model, payload);
    }

    private static StoredEvent event(String id, String type, long micros, String parent, String model, String payload) {
        String raw = "{\"event_id\":\"" + id + "\",\"run_id\":\"" + RUN + "\",\"timestamp\":\""
                + Instant.EPOCH.plusNanos(micros * 1000) + "\",\"event_type\":\"" + type + "\",\"user_id\":\"bulk\""
                + (parent != null ? ",\"parent_event_id\":\"" + parent + "\"" : "") + ",\"payload\":" + payload + "}";
        boolean response = type.equals("llm.response");
        return new StoredEvent(id, RUN, parent, type, "bulk", micros, model, model != null ? "openai" : null,
                response ? 10L : null, response ? 5L : null, response ? 15L : null, null, response ? 420.0 : null,
                false, raw);
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private WebDriver browser() throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(ViewerBrowserIT.CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ViewerBrowserIT.CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--window-size=1360,1000",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chrome-profile")));
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver driver, String name) throws IOException {
        Path screenshots = Files.createDirectories(Path.of(System.getProperty("insidellm.screenshots",
                "target/screenshots")));
        Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** How often {@code needle} occurs in the stream, read in chunks. */
    private static long countOccurrences(InputStream in, String needle) throws IOException {
        byte[] pattern = needle.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[1 << 16];
        long count = 0;
        int matched = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    matched = buffer[i] == pattern[matched] ? matched + 1 : (buffer[i] == pattern[0] ? 1 : 0);
                    if (matched == pattern.length) {
                        count++;
                        matched = 0;
                    }
                }
            }
        }
        return count;
    }
}
