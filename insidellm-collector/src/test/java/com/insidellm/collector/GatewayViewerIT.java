package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Calls recorded through the gateway in a real headless Chromium: in the run's timeline, its conversation, the event
 * search and the live tail, marked as coming through the gateway.
 */
class GatewayViewerIT {

    @TempDir
    Path dir;

    @Test
    void proxiedCallsShowInTheTimelineConversationEventsAndLiveTailMarkedAsGateway() throws Exception {
        ViewerBrowserIT.requireBrowser();
        try (GatewayHarness g = new GatewayHarness(dir, GatewayOpenAiClientTest.CONFIG,
                Map.of("TEST_UPSTREAM_KEY", "k-12345678"))) {
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);
            byte[] call = "{\"model\": \"mini\", \"messages\": [{\"role\": \"user\", \"content\": \"Capital of France?\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(g.api.post("/v1/chat/completions", call, "X-InsideLLM-User-Id", "alice").status())
                    .isEqualTo(200);
            String run = g.awaitEvents("llm.response", 1).get(0).path("run_id").asText();

            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(ViewerBrowserIT.CHROMEDRIVER)).usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(ViewerBrowserIT.CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--window-size=1360,1000",
                    "--user-data-dir=" + Files.createDirectories(dir.resolve("chrome-profile")));
            WebDriver driver = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
                String base = g.collector.baseUrl() + "/";

                driver.get(base + "#/run/" + run);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .pill.gateway")));
                driver.get(base + "#/run/" + run + "/conversation");
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#conversation .pill.gateway")));
                assertThat(driver.findElement(By.cssSelector("#conversation")).getText()).contains("Capital of France?")
                        .contains("Paris is the capital.");
                driver.get(base + "#/events");
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("td .pill.gateway")));

                driver.get(base + "#/live");
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#app table")));
                assertThat(g.api.post("/v1/chat/completions", call).status()).isEqualTo(200);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr.fresh .pill.gateway")));
            } finally {
                driver.quit();
            }
        }
    }
}
