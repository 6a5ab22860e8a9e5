package com.insidellm.collector;

import com.insidellm.collector.ingest.Importer;
import com.insidellm.collector.proxy.Gateway;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The InsideLLM local collector, embeddable in-process: an ingestion server speaking the InsideLLM wire protocol, a
 * SQLite event store on this machine, a JSON query API, a live tail and the browser viewer.
 *
 * <pre>{@code
 * try (InsideLlmCollector collector = InsideLlmCollector.builder()
 *     .port(0)                                   // any free port
 *     .databasePath(Path.of("target/events.db"))
 *     .build()) {
 *   int port = collector.start();
 *   // point the SDK at collector.baseUrl()
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} may be called from any thread; {@code close()} is idempotent.
 */
public final class InsideLlmCollector implements AutoCloseable {

    /** Default port: {@value}. */
    public static final int DEFAULT_PORT = 7800;
    /** Default bind address: {@value}, so nothing is reachable from the network unless asked for. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Default largest request body in bytes, after decompression: {@value} (10 MiB). */
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

    private final Collector.Settings config;
    private final Object lock = new Object();
    private @Nullable Collector server;
    private boolean closed;

    private InsideLlmCollector(Collector.Settings config) {
        this.config = config;
    }

    /** A builder with the defaults: loopback, port {@value #DEFAULT_PORT}, {@link #defaultDatabasePath()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code ~/.insidellm/collector.db}. */
    public static Path defaultDatabasePath() {
        return Path.of(System.getProperty("user.home"), ".insidellm", "collector.db");
    }

    /**
     * Opens the database (creating the schema on first use) and starts serving. Returns the bound port, which is the
     * actual port when the builder asked for port 0. Calling it again returns the same port.
     *
     * @throws UncheckedIOException if the port cannot be bound or the database cannot be opened
     * @throws IllegalStateException if the collector was closed
     */
    public int start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the collector is closed");
            }
            if (server == null) {
                try {
                    server = new Collector(config);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return server.port();
        }
    }

    /** The bound port. @throws IllegalStateException if not started */
    public int port() {
        return running().port();
    }

    /** The address clients and browsers use, such as {@code http://127.0.0.1:7800}. */
    public URI baseUrl() {
        String host = config.bind().isAnyLocalAddress() ? "127.0.0.1" : config.bind().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    /** The database file in use (SQLite; unused when {@link Builder#database(String)} named PostgreSQL). */
    public Path databasePath() {
        return config.database();
    }

    /** Where events are kept: the SQLite file, or the PostgreSQL URL and user (never the password). */
    public String databaseDescription() {
        return config.databaseDescription();
    }

    /**
     * Applies the PostgreSQL schema migrations and returns the schema version, without serving (for deployment
     * pipelines: {@code --migrate-only}).
     *
     * @throws IllegalStateException if the database is not PostgreSQL or cannot be migrated
     */
    int migrateOnly() {
        if (config.postgres() == null) {
            throw new IllegalStateException("--migrate-only needs a PostgreSQL database (--db postgresql://...);"
                    + " a SQLite file is migrated when the collector opens it");
        }
        try {
            return PostgresStore.migrateOnly(config.postgres());
        } catch (StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Writes the {@code openai-chat} dataset of the configured database (SQLite file or PostgreSQL) to {@code file}
     * without serving ({@code --export}); returns how many calls it wrote.
     *
     * @throws IOException if the SQLite file does not exist or the file cannot be written
     * @throws StoreException if the database cannot be opened or read
     */
    long export(Path file, Map<String, String> filters) throws IOException {
        return Export.run(config, file, filters);
    }

    /**
     * Imports the SDK's local-mode JSON-lines files: a {@code .jsonl} file, or every {@code *.jsonl} below a directory
     * (such as {@code .insidellm/events/}). Events already stored are counted as duplicates, not stored twice; lines
     * that are not valid events are counted as rejected and logged. Returns once everything imported is committed.
     *
     * @throws UncheckedIOException if the path cannot be read
     */
    public ImportResult importEvents(Path fileOrDirectory) {
        Objects.requireNonNull(fileOrDirectory, "fileOrDirectory");
        Importer importer = running().importer();
        try {
            Importer.Totals t = importer.importPath(fileOrDirectory);
            return new ImportResult(t.files(), t.accepted(), t.duplicates(), t.rejected());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running collector; package-private for tests that reach its server. */
    Collector running() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException("the collector is not running; call start() first");
            }
            return server;
        }
    }

    /** Stops serving, commits what was acknowledged and closes the database. Idempotent; bounded in time. */
    @Override
    public void close() {
        Collector s;
        synchronized (lock) {
            closed = true;
            s = server;
            server = null;
        }
        if (s != null) {
            s.close();
        }
    }

    /** Totals of {@link #importEvents(Path)}. */
    public record ImportResult(int files, long accepted, long duplicates, long rejected) {}

    /** Builds an {@link InsideLlmCollector}. Not thread-safe; each setter validates at once. */
    public static final class Builder {

        private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{8,}");

        private int port = DEFAULT_PORT;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private Path databasePath = defaultDatabasePath();
        private @Nullable String postgresUrl;
        private @Nullable String databasePassword;
        private @Nullable URI redis;
        private @Nullable Duration retention;
        private final Set<String> apiKeys = new LinkedHashSet<>();
        private @Nullable String viewerToken;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Durability durability = Durability.PROCESS_CRASH;
        private @Nullable Path proxyConfig;
        private Map<String, String> proxyEnvironment = System.getenv();
        private @Nullable Duration proxyTimeout;

        private Builder() {}

        /** The TCP port; 0 picks a free one ({@link #start()} returns it). Default {@value #DEFAULT_PORT}. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to listen on. Default {@value #DEFAULT_BIND_ADDRESS}. Anything but loopback requires at least one
         * API key and a viewer token.
         */
        public Builder bindAddress(String bindAddress) {
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (bindAddress.isBlank()) {
                throw new IllegalArgumentException("bindAddress must not be blank");
            }
            this.bindAddress = bindAddress.trim();
            return this;
        }

        /** The SQLite database file; created with its directories if missing. */
        public Builder databasePath(Path databasePath) {
            this.databasePath = Objects.requireNonNull(databasePath, "databasePath");
            this.postgresUrl = null;
            return this;
        }

        /**
         * Where to keep events: a PostgreSQL URL ({@code jdbc:postgresql://host:5432/db} or {@code
         * postgresql://user@host:5432/db}), shared by any number of collectors, or else a SQLite file path.
         */
        public Builder database(String location) {
            Objects.requireNonNull(location, "location");
            if (PostgresUrl.isPostgres(location)) {
                PostgresUrl.parse(location, null); // fails now, not at start, on a malformed URL
                this.postgresUrl = location.trim();
            } else {
                databasePath(Path.of(location));
            }
            return this;
        }

        /** The PostgreSQL password; wins over one in the URL. Never logged. */
        public Builder databasePassword(@Nullable String password) {
            this.databasePassword = password == null || password.isEmpty() ? null : password;
            return this;
        }

        /**
         * Redis for the live tail's fan-out between instances ({@code redis://host:6379}); needs a PostgreSQL database.
         * Null for none: live tails then poll the database for other instances' events.
         */
        public Builder redis(@Nullable String url) {
            if (url == null || url.isBlank()) {
                this.redis = null;
                return this;
            }
            URI uri;
            try {
                uri = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("redis must be a URL like redis://host:6379, but was not parseable");
            }
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("redis must be a URL like redis://host:6379, but had scheme "
                        + uri.getScheme() + " and host " + uri.getHost());
            }
            this.redis = uri;
            return this;
        }

        /** Deletes events older than this (checked hourly); null keeps everything, the default. */
        public Builder retention(@Nullable Duration retention) {
            if (retention != null && (retention.isNegative() || retention.isZero())) {
                throw new IllegalArgumentException("retention must be positive, but was " + retention);
            }
            this.retention = retention;
            return this;
        }

        /** Adds an accepted ingest key (sent by SDKs as {@code Authorization: Bearer <key>}); at least 8 characters. */
        public Builder apiKey(String apiKey) {
            this.apiKeys.add(checkToken("apiKey", apiKey));
            return this;
        }

        /** Adds accepted ingest keys. */
        public Builder apiKeys(Collection<String> apiKeys) {
            List<String> copy = new ArrayList<>(Objects.requireNonNull(apiKeys, "apiKeys"));
            copy.forEach(this::apiKey);
            return this;
        }

        /** Requires this token for the viewer and the query API; null for none (loopback only). */
        public Builder viewerToken(@Nullable String viewerToken) {
            this.viewerToken = viewerToken == null ? null : checkToken("viewerToken", viewerToken);
            return this;
        }

        /** Largest accepted request body in bytes, after decompression; larger bodies get 413. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1024, but was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** What an acknowledged event survives; default {@link Durability#PROCESS_CRASH}. */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * The gateway's configuration file (dolphin-logger's {@code config.json} format), read at start. Default: {@code
         * ~/.insidellm/proxy.json} when it exists, else no gateway models. A file that cannot be loaded does not stop the
         * collector: {@code /health} says what is wrong and where.
         */
        public Builder proxyConfig(Path file) {
            return proxyConfig(file, System.getenv());
        }

        /** Like {@link #proxyConfig(Path)}, resolving {@code "apiKey": "ENV:NAME"} references in {@code environment}. */
        public Builder proxyConfig(Path file, Map<String, String> environment) {
            this.proxyConfig = Objects.requireNonNull(file, "file");
            this.proxyEnvironment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /** How long an upstream may take (overrides the file's {@code timeoutSeconds}); the client then gets 504. */
        public Builder proxyTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("proxyTimeout must be positive, but was " + timeout);
            }
            this.proxyTimeout = timeout;
            return this;
        }

        private static String checkToken(String name, String value) {
            Objects.requireNonNull(value, name);
            if (!TOKEN.matcher(value).matches()) {
                throw new IllegalArgumentException(name + " must be at least 8 characters of A-Z a-z 0-9 . _ ~ + / = -,"
                        + " but was " + value.length() + " characters long or contained other characters");
            }
            return value;
        }

        /**
         * Builds the collector without starting it.
         *
         * @throws IllegalArgumentException if the bind address is unknown
         * @throws IllegalStateException if it would listen beyond loopback without API keys and a viewer token
         */
        public InsideLlmCollector build() {
            InetAddress bind;
            try {
                bind = InetAddress.getByName(bindAddress);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bindAddress is not a known address: " + bindAddress, e);
            }
            if (!bind.isLoopbackAddress() && (apiKeys.isEmpty() || viewerToken == null)) {
                throw new IllegalStateException("refusing to listen on " + bindAddress + " without protection: binding"
                        + " beyond loopback requires at least one API key and a viewer token (--api-key, --viewer-token)");
            }
            PostgresUrl postgres = postgresUrl == null ? null : PostgresUrl.parse(postgresUrl, databasePassword);
            if (redis != null && postgres == null) {
                throw new IllegalStateException("redis fans the live tail out between instances that share a PostgreSQL"
                        + " database; give --db postgresql://... as well");
            }
            return new InsideLlmCollector(new Collector.Settings(bind, port, databasePath, retention,
                    Set.copyOf(apiKeys), viewerToken, maxBodyBytes, durability == Durability.POWER_LOSS,
                    new Gateway.Settings(proxyConfig != null ? proxyConfig : Gateway.Settings.defaultFile(),
                            proxyConfig != null, proxyEnvironment, proxyTimeout, null), postgres, redis));
        }
    }
}
