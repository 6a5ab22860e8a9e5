package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that is still uploading a body the collector rejects (too large, not gzip) must still receive the complete
 * error answer: the collector reads the rest of the upload before answering instead of closing the connection on
 * unread data, which makes the kernel reset it and throw away the answer before the client has read it.
 */
class RejectedUploadTest {

    private static final int LIMIT = 64 * 1024;
    private static final int ROUNDS = 30;

    @TempDir Path dir;
    InsideLlmCollector collector;
    Api api;

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("rejected.db"))
                .maxBodyBytes(LIMIT).build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    /** Uploads the whole body first and only then reads: the slowest reader the answer can meet. */
    @Test
    void aClientThatUploadsAnOversizedBodyBeforeReadingGetsTheWhole413() throws Exception {
        byte[] body = new byte[200 * 1024];
        Arrays.fill(body, (byte) 'a');
        assertEveryUploadIsAnswered(body, "", "HTTP/1.1 413", "send smaller batches\"}");
    }

    @Test
    void aClientThatUploadsAChunkedOversizedBodyBeforeReadingGetsTheWhole413() throws Exception {
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        for (int c = 0; c < 12; c++) {
            chunked.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(chunk);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEveryUploadIsAnswered(chunked.toByteArray(), "Transfer-Encoding: chunked\r\n", "HTTP/1.1 413",
                "send smaller batches\"}");
    }

    @Test
    void aClientThatUploadsALargeBodyThatIsNotGzipGetsTheWhole400() throws Exception {
        byte[] body = new byte[60 * 1024];
        Arrays.fill(body, (byte) 'x');
        assertEveryUploadIsAnswered(body, "Content-Encoding: gzip\r\n", "HTTP/1.1 400", "Not in GZIP format\"}");
    }

    /** A body declared beyond what the collector reads after a rejection is answered at once, marked as the last. */
    @Test
    void aBodyDeclaredFarBeyondTheDrainBoundIsAnsweredAtOnceWithConnectionClose() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), collector.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000000\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Read up to the end of the answer, not to the end of the stream: the JDK server may wait for more body.
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int b;
            while (!got.toString(StandardCharsets.UTF_8).endsWith("}") && (b = in.read()) >= 0) {
                got.write(b);
            }
            String answer = got.toString(StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("Connection: close")
                    .endsWith("send smaller batches\"}");
        }
    }

    /** The JDK client (the one in HostileIngestIT) keeps its connection and still reads every 413 in full. */
    @Test
    void theJdkClientGetsEvery413InFullAndTheConnectionStaysUsable() {
        char[] big = new char[200 * 1024];
        Arrays.fill(big, 'a');
        Object event = Events.userInput(Events.uuid(), "u", Instant.now(), new String(big));
        for (int i = 0; i < 10; i++) {
            Api.Response r = api.ingest(event);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("error").asText()).contains("limit of 65536 bytes");
        }
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    private void assertEveryUploadIsAnswered(byte[] body, String headers, String statusLine, String ending)
            throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(uploadThenRead(body, headers)).startsWith(statusLine).endsWith(ending);
        }
    }

    private String uploadThenRead(byte[] body, String headers) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), collector.port())) {
            socket.setSoTimeout(10_000);
            String length = headers.contains("chunked") ? "" : "Content-Length: " + body.length + "\r\n";
            OutputStream out = socket.getOutputStream();
            // Write on another thread: a server that stops reading must not block this test, it must fail it.
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            + "Content-Type: application/json\r\n" + length + headers + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            upload.join();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
