package com.insidellm.collector;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.http.CollectorServer;
import com.insidellm.collector.http.Guard;
import com.insidellm.collector.http.IngestEndpoint;
import com.insidellm.collector.http.LiveTailEndpoint;
import com.insidellm.collector.http.QueryEndpoints;
import com.insidellm.collector.http.ViewerEndpoint;
import com.insidellm.collector.ingest.Importer;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.ingest.WireSchema;
import com.insidellm.collector.otlp.OtlpTracesEndpoint;
import com.insidellm.collector.proxy.ExportEndpoint;
import com.insidellm.collector.proxy.Gateway;
import com.insidellm.collector.query.Queries;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A running collector, and the one place that assembles it: the store, ingest, queries, the HTTP server and its
 * routes. A new component (a gateway, an OTLP receiver) is created here and registers its routes next to the others.
 * Thread-safe; {@link #close()} is idempotent.
 */
final class Collector implements AutoCloseable {

    /** Everything a collector needs to start. */
    record Settings(InetAddress bind, int port, Path database, @Nullable Duration retention, Set<String> apiKeys,
            @Nullable String viewerToken, long maxBodyBytes, boolean fsyncEachCommit, Gateway.Settings gateway,
            @Nullable PostgresUrl postgres, @Nullable URI redis) {

        /** Where events are kept, for messages (never a password). */
        String databaseDescription() {
            return postgres != null ? postgres.toString() : database.toString();
        }
    }

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Store store;
    private final Ingestor ingestor;
    private final CollectorServer server;
    private final Gateway gateway;

    /** Opens the store and binds the port; the collector answers once this returns. */
    Collector(Settings settings) throws IOException {
        try {
            store = settings.postgres() != null
                    ? new PostgresStore(settings.postgres(), settings.redis(), settings.retention(),
                            settings.fsyncEachCommit(), Clock.systemUTC())
                    : new SqliteStore(settings.database(), settings.retention(), settings.fsyncEachCommit(),
                            Clock.systemUTC());
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        ingestor = new Ingestor(store, mapper);
        Queries queries = new Queries(store, mapper.getFactory());
        try {
            server = new CollectorServer(new CollectorServer.Config(settings.bind(), settings.port(), settings.apiKeys(),
                    settings.viewerToken(), settings.maxBodyBytes()));
        } catch (IOException e) {
            store.close();
            throw e;
        }
        QueryEndpoints api = new QueryEndpoints(queries, WireSchema.get().json(), ingestor.rejections());
        gateway = new Gateway(settings.gateway(), ingestor, store.conversations(), mapper, settings.maxBodyBytes(),
                Clock.systemUTC());
        gateway.register(server);
        server.route("/api/v1/export", Guard.VIEWER_TOKEN, new ExportEndpoint(store, mapper));
        server.route("/api/v1/ingest", Guard.INGEST_KEY, new IngestEndpoint(ingestor, mapper, settings.maxBodyBytes()));
        // OTLP/HTTP traces from OpenTelemetry-instrumented applications: GenAI spans become events, same keys as ingest.
        server.route("/v1/traces", Guard.INGEST_KEY, new OtlpTracesEndpoint(ingestor, mapper, settings.maxBodyBytes()));
        server.route("/api/v1/live", Guard.VIEWER_TOKEN, new LiveTailEndpoint(queries, server));
        server.route("/api/v1/", Guard.VIEWER_TOKEN, api::api);
        server.route("/health", Guard.OPEN, ex -> gateway.health(ex,
                queries.health(ingestor.rejections().count(), ingestor.rejections().last())));
        server.route("/", Guard.OPEN, new ViewerEndpoint(server));
    }

    int port() {
        return server.port();
    }

    /** The HTTP server, for tests that add a route to the running collector. */
    CollectorServer httpServer() {
        return server;
    }

    Importer importer() {
        return new Importer(ingestor, mapper);
    }

    /** Stops serving (ending live streams, letting requests in progress finish briefly), then closes the store. */
    @Override
    public void close() {
        server.close();
        gateway.close();
        store.close();
    }
}
