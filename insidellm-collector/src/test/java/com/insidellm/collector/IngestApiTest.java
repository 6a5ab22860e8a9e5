package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestApiTest {

    @TempDir Path dir;
    InsideLlmCollector collector;
    Api api;
    final String run = Events.uuid();

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("events.db")).maxBodyBytes(64 * 1024)
                .build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private long storedInRun() {
        return api.getJson("/api/v1/events?run=" + run + "&limit=1000").get("events").size();
    }

    @Test
    void acceptsOneBareEventObjectAsThePythonSdkSendsIt() {
        Api.Response r = api.ingest(Events.userInput(run, "u1", Instant.now(), "hello"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(r.json().get("duplicates").asInt()).isZero();
        assertThat(r.json().get("rejected")).isEmpty();
        assertThat(storedInRun()).isEqualTo(1);
    }

    @Test
    void storesIdsAndTimestampsInThePythonSdksOtherFormsNormalised() {
        String hexRun = run.replace("-", "").toUpperCase(java.util.Locale.ROOT);
        String id = Events.uuid();
        ObjectNode e = Events.userInput("urn:uuid:" + hexRun, "u1", Instant.now(), "from python");
        e.put("event_id", "{" + id.toUpperCase(java.util.Locale.ROOT) + "}");
        e.put("timestamp", "2025-06-04 19:47:23.123456+02:00");

        Api.Response r = api.ingest(e);

        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        JsonNode stored = api.getJson("/api/v1/events?run=" + run).get("events").get(0).get("event");
        assertThat(stored.get("event_id").asText()).isEqualTo(id);
        assertThat(stored.get("run_id").asText()).isEqualTo(run);
        assertThat(stored.get("timestamp").asText()).isEqualTo("2025-06-04T17:47:23.123456Z");
    }

    @Test
    void acceptsAnArrayOfEvents() {
        ArrayNode batch = Events.JSON.createArrayNode();
        for (int i = 0; i < 50; i++) {
            batch.add(Events.userInput(run, "u1", Instant.now(), "message " + i));
        }

        Api.Response r = api.ingest(batch, "User-Agent", "insidellm-java/0.1.0");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(50);
        assertThat(storedInRun()).isEqualTo(50);
    }

    @Test
    void acceptsAGzipBody() {
        ArrayNode batch = Events.JSON.createArrayNode().add(Events.userInput(run, "u1", Instant.now(), "zipped"));

        Api.Response r = api.post("/api/v1/ingest", Api.gzip(Api.bytes(batch)), "Content-Encoding", "gzip");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(api.getJson("/api/v1/events?q=zipped").get("events")).hasSize(1);
    }

    @Test
    void storesValidEventsAndListsInvalidOnesWithIndexIdAndReason() {
        ObjectNode good1 = Events.userInput(run, "u1", Instant.now(), "fine");
        ObjectNode missingText = Events.userInput(run, "u1", Instant.now(), "x");
        missingText.withObjectProperty("payload").remove("input_text");
        ObjectNode badType = Events.userInput(run, "u1", Instant.now(), "x");
        badType.put("event_type", "user.shout");
        ObjectNode nestedMetadata = Events.userInput(run, "u1", Instant.now(), "x");
        nestedMetadata.putObject("metadata").putObject("nested").put("a", 1);
        ObjectNode good2 = Events.userInput(run, "u1", Instant.now(), "also fine");
        ArrayNode batch = Events.JSON.createArrayNode().add(good1).add(missingText).add(badType).add(nestedMetadata)
                .add(good2).add("not an object");

        Api.Response r = api.ingest(batch);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(r.json().get("rejected")).hasSize(4);
        assertThat(r.json().get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected").get(0).get("event_id").asText())
                .isEqualTo(missingText.get("event_id").asText());
        assertThat(r.json().get("rejected").get(0).get("reason").asText())
                .contains("payload.input_text is required for user.input");
        assertThat(r.json().get("rejected").get(1).get("reason").asText()).contains("event_type");
        assertThat(r.json().get("rejected").get(2).get("reason").asText()).contains("metadata.nested");
        assertThat(r.json().get("rejected").get(3).get("index").asInt()).isEqualTo(5);
        assertThat(r.json().get("rejected").get(3).get("event_id").isNull()).isTrue();
        assertThat(storedInRun()).isEqualTo(2);
    }

    @Test
    void aRetriedBatchIsReportedAsDuplicatesAndNotStoredTwice() {
        ArrayNode batch = Events.JSON.createArrayNode();
        for (int i = 0; i < 3; i++) {
            batch.add(Events.userInput(run, "u1", Instant.now(), "m" + i));
        }
        api.ingest(batch);
        batch.add(Events.userInput(run, "u1", Instant.now(), "new one"));

        Api.Response retry = api.ingest(batch);

        assertThat(retry.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(retry.json().get("duplicates").asInt()).isEqualTo(3);
        assertThat(storedInRun()).isEqualTo(4);
        assertThat(api.getJson("/api/v1/runs/" + run).get("run").get("event_count").asInt()).isEqualTo(4);
    }

    @Test
    void theSameEventTwiceInOneBatchIsStoredOnce() {
        ObjectNode e = Events.userInput(run, "u1", Instant.now(), "twice");

        Api.Response r = api.ingest(Events.JSON.createArrayNode().add(e).add(e));

        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(r.json().get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotJsonIs400WithAClearMessage() {
        Api.Response r = api.ingest("{\"event_id\": oops");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).startsWith("body is not JSON");
    }

    @Test
    void anOversizeBodyIs413() {
        char[] big = new char[70 * 1024];
        Arrays.fill(big, 'a');
        Api.Response r = api.ingest(Events.userInput(run, "u1", Instant.now(), new String(big)));

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).contains("limit of 65536 bytes");
        assertThat(storedInRun()).isZero();
    }

    @Test
    void aSmallGzipBodyThatInflatesBeyondTheLimitIs413() {
        char[] big = new char[200 * 1024];
        Arrays.fill(big, 'a');
        byte[] zipped = Api.gzip(Api.bytes(Events.userInput(run, "u1", Instant.now(), new String(big))));
        assertThat(zipped.length).isLessThan(64 * 1024);

        Api.Response r = api.post("/api/v1/ingest", zipped, "Content-Encoding", "gzip");

        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void healthCountsRejectedEventsAndNamesTheLastReason() {
        assertThat(api.getJson("/health").get("ingest").get("rejected").asLong()).isZero();
        ArrayNode batch = Events.JSON.createArrayNode();
        batch.add(Events.runStart(run, "u1", Instant.now()));
        ObjectNode noUser = Events.userInput(run, "u1", Instant.now(), "hello");
        noUser.put("user_id", "");
        batch.add(noUser);
        ObjectNode badName = Events.event("custom.event", run, "u1", Instant.now());
        badName.putObject("payload").put("name", 42);
        batch.add(badName);

        Api.Response r = api.ingest(batch);

        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected")).hasSize(2);
        JsonNode ingest = api.getJson("/health").get("ingest");
        assertThat(ingest.get("rejected").asLong()).isEqualTo(2);
        assertThat(ingest.get("last_rejection").asText()).contains(badName.get("event_id").asText(), "name");
    }

    @Test
    void answersHealth() {
        Api.Response r = api.get("/health");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void refusesIngestFromAnotherWebOrigin() {
        Api.Response r = api.ingest(Events.userInput(run, "u1", Instant.now(), "csrf"), "Origin", "https://evil.example");

        assertThat(r.status()).isEqualTo(403);
        assertThat(storedInRun()).isZero();
    }

    @Test
    void getOnTheIngestEndpointIs405() {
        assertThat(api.get("/api/v1/ingest").status()).isEqualTo(405);
    }
}
