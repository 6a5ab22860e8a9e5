package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An application server that redeploys creates and closes a client each time, in the same JVM: a hundred of them
 * must leave no thread behind (OkHttp's own shared, idle-expiring daemon threads aside, which do not multiply).
 */
class RedeployIT {

    private static final int CLIENTS = 100;

    @Test
    @Timeout(120)
    void creatingAndClosingAHundredClientsLeavesNoThreadsBehind() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse().setResponseCode(202);
                }
            });
            server.start();
            Set<Thread> before = ThreadLeaks.snapshot();

            for (int i = 0; i < CLIENTS; i++) {
                // The default settings, shutdown hook included, as an application would build it.
                InsideLlmClient client = InsideLlmClient.builder()
                        .apiKey("test-key")
                        .baseUrl(server.url("/").toString())
                        .build();
                String run = client.startRun("user-" + i);
                client.logEvent(Event.userInput(run, "user-" + i, "deployment " + i));
                client.endRun(run);
                assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
                client.close();
            }
            assertThat(server.getRequestCount()).isGreaterThanOrEqualTo(CLIENTS);

            await().pollInSameThread().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                Set<Thread> left = ThreadLeaks.startedSince(before);
                assertThat(left).as("threads left after %d clients: %s", CLIENTS, ThreadLeaks.describe(left))
                        .noneMatch(t -> !t.isDaemon())
                        .noneMatch(t -> t.getName().startsWith("insidellm"))
                        // OkHttp's shared TaskRunner and Okio watchdog threads are daemons that expire after a
                        // minute idle; a per-client leak would leave a hundred.
                        .hasSizeLessThanOrEqualTo(5);
            });
        }
    }
}
