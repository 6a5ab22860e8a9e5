package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One collector takes every kind of broken request in turn, each answered with its documented error, and afterwards
 * still stores a real SDK client's events: a bad request costs that request, never the server.
 */
class HostileIngestIT {

    @TempDir Path dir;
    InsideLlmCollector collector;
    Api api;

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("hostile.db"))
                .maxBodyBytes(64 * 1024).build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void keepsServingAfterMalformedOversizedAndTruncatedRequests() throws Exception {
        String run = Events.uuid();
        char[] big = new char[200 * 1024];
        Arrays.fill(big, 'a');

        assertThat(api.ingest("{\"event_id\": oops").status()).isEqualTo(400);
        assertThat(api.ingest("[1, 2, 3]").json().get("rejected")).hasSize(3);
        assertThat(api.ingest(Events.userInput(run, "u", Instant.now(), new String(big))).status()).isEqualTo(413);
        assertThat(api.post("/api/v1/ingest", Api.gzip(Api.bytes(Events.userInput(run, "u", Instant.now(),
                new String(big)))), "Content-Encoding", "gzip").status()).isEqualTo(413);
        assertThat(api.post("/api/v1/ingest", "not gzip at all".getBytes(StandardCharsets.UTF_8),
                "Content-Encoding", "gzip").status()).isEqualTo(400);
        // A client that promises a body and hangs up half way through.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), collector.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n[{\"event_id\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        try (InsideLlmClient client = InsideLlmClient.builder().apiKey("local")
                .baseUrl(collector.baseUrl().toString()).shutdownHook(false).build()) {
            for (int i = 0; i < 500; i++) {
                client.logEvent(Event.userInput(run, "alice", "message " + i));
            }
            assertThat(client.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(client.stats().eventsSent()).isEqualTo(500);
        }
        assertThat(api.get("/health").status()).isEqualTo(200);
        assertThat(api.getJson("/api/v1/events?run=" + run + "&limit=1000").get("events")).hasSize(500);
    }
}
