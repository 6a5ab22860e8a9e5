package com.insidellm;

import com.insidellm.internal.BatchingClient;
import com.insidellm.internal.NoopClient;
import com.insidellm.internal.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Builds the client that resolved settings call for: the no-op client when disabled, else the engine
 * ({@link BatchingClient}) with the built-in exporter the settings choose (the InsideLLM API or local files) ahead of
 * the application's. Lives beside the built-in exporters, which are package-private. Stateless.
 */
final class ClientFactory {

    private ClientFactory() {
    }

    /**
     * The client for {@code settings}.
     *
     * @throws IllegalArgumentException when the settings name no destination
     */
    static InsideLlmClient create(Settings settings) {
        switch (settings.destination()) {
            case DISABLED -> {
                return NoopClient.INSTANCE;
            }
            case UNCONFIGURED -> throw new IllegalArgumentException("No InsideLLM API key: set one with "
                    + "InsideLlmClient.builder().apiKey(...), the system property insidellm.api-key or the "
                    + "environment variable INSIDELLM_API_KEY; or record to local files without a key with "
                    + "localMode() or INSIDELLM_MODE=local");
            default -> {
                // a destination: build below
            }
        }
        List<EventExporter> exporters = new ArrayList<>();
        Consumer<EventBatch> prepareAhead = batch -> { };
        if (settings.localMode) {
            exporters.add(LocalFileExporter.create(settings.localDirectory));
        } else if (settings.apiKey != null) {
            HttpExporter http = new HttpExporter(settings.httpClient, settings.baseUrl, settings.apiKey,
                    settings.requestTimeout, settings.gzip, settings.clock);
            exporters.add(http);
            prepareAhead = http::prepare;
        }
        exporters.addAll(settings.exporters);
        BatchingClient client = new BatchingClient(settings, exporters, prepareAhead);
        for (DeliveryListener listener : settings.listeners) {
            try {
                listener.onClientBuilt(client);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(InsideLlmClient.class)
                        .warn("InsideLLM delivery listener threw from onClientBuilt; ignored", e);
            }
        }
        return client;
    }
}
