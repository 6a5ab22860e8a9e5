package com.insidellm.collector;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events client on its own thread, like a browser's EventSource without the reconnection: it keeps each
 * event's id and data as they arrive, and whether the stream is open.
 */
final class SseClient implements AutoCloseable {

    /** One received event. */
    record Received(long id, String data) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpURLConnection connection;
    private final Thread reader;
    volatile boolean open;

    SseClient(URI url) throws IOException {
        connection = (HttpURLConnection) url.toURL().openConnection();
        connection.setRequestProperty("Accept", "text/event-stream");
        connection.setReadTimeout(0);
        if (connection.getResponseCode() != 200) {
            throw new IOException("live tail answered " + connection.getResponseCode());
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        open = true;
        reader = new Thread(() -> {
            long id = -1;
            StringBuilder data = new StringBuilder();
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("id: ")) {
                        id = Long.parseLong(line.substring(4));
                    } else if (line.startsWith("data: ")) {
                        data.append(line, 6, line.length());
                    } else if (line.isEmpty() && data.length() > 0) {
                        received.add(new Received(id, data.toString()));
                        data.setLength(0);
                    }
                }
            } catch (IOException e) {
                // closed
            } finally {
                open = false;
            }
        }, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
