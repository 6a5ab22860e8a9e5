package com.insidellm.collector;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Command line entry point: {@code java -jar insidellm-collector.jar [options]}. Each option has an environment
 * variable alternative; the command line wins. Run with {@code --help} for the list.
 */
public final class CollectorMain {

    static final String USAGE = """
            Usage: java -jar insidellm-collector.jar [options]

              --port <n>             port to listen on (default 7800; 0 = any free port)    INSIDELLM_COLLECTOR_PORT
              --bind <address>       address to listen on (default 127.0.0.1)               INSIDELLM_COLLECTOR_BIND
              --db <file|url>        SQLite file (default ~/.insidellm/collector.db), or     INSIDELLM_COLLECTOR_DB
                                     PostgreSQL: postgresql://user@host:5432/db or
                                     jdbc:postgresql://host:5432/db?user=u
                                     (password: INSIDELLM_COLLECTOR_DB_PASSWORD or in the URL)
              --redis <url>          Redis for the live tail across instances               INSIDELLM_COLLECTOR_REDIS
                                     (redis://host:6379; needs a PostgreSQL --db)
              --migrate-only         apply PostgreSQL schema migrations and exit
              --retention-days <n>   delete events older than n days (default: keep all)    INSIDELLM_COLLECTOR_RETENTION_DAYS
              --api-key <key>        accepted ingest key; repeatable                         INSIDELLM_COLLECTOR_API_KEYS (comma-separated)
              --viewer-token <t>     token required by the viewer and query API             INSIDELLM_COLLECTOR_VIEWER_TOKEN
              --max-body-bytes <n>   largest request body (default 10485760)                INSIDELLM_COLLECTOR_MAX_BODY_BYTES
              --durability <d>       process (default): acknowledged events survive kill -9  INSIDELLM_COLLECTOR_DURABILITY
                                     power: also power loss (fsync per commit; slower)
                                     (PostgreSQL: synchronous_commit off / on)
              --import <path>        import SDK local-mode *.jsonl files (file or directory) INSIDELLM_COLLECTOR_IMPORT
                                     before serving; repeatable
              --proxy-config <file>  gateway models (dolphin-logger config.json format)     INSIDELLM_COLLECTOR_PROXY_CONFIG
                                     (default ~/.insidellm/proxy.json when it exists)
              --export <file>        write recorded calls as an OpenAI chat dataset (JSON lines) and exit;
                                     filters: --from <time> --to <time> --model <m> --user <u> --run <id>
              --help                 show this text

            Binding to anything but loopback requires --api-key and --viewer-token.
            """;

    private CollectorMain() {}

    /** What the command line asked for. */
    record Options(InsideLlmCollector.Builder builder, List<Path> imports, boolean help, @Nullable Path export,
            Map<String, String> exportFilters, boolean migrateOnly) {

        Options(InsideLlmCollector.Builder builder, List<Path> imports, boolean help) {
            this(builder, imports, help, null, Map.of(), false);
        }
    }

    /** Starts the collector and serves until the process is stopped. */
    public static void main(String[] args) {
        long startNanos = System.nanoTime();
        Options options;
        try {
            options = parse(args, System.getenv());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("insidellm-collector: " + e.getMessage());
            System.err.println("Run with --help for the options.");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        if (options.migrateOnly()) {
            try {
                int version = options.builder().build().migrateOnly();
                System.out.printf("InsideLLM collector: database schema at version %d%n", version);
                return;
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("insidellm-collector: " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        if (options.export() != null) {
            try {
                InsideLlmCollector collector = options.builder().build();
                long lines = collector.export(options.export(), options.exportFilters());
                System.out.printf("Exported %d calls from %s to %s%n", lines, collector.databaseDescription(),
                        options.export());
            } catch (RuntimeException | java.io.IOException e) {
                System.err.println("insidellm-collector: export failed: " + e.getMessage());
                System.exit(1);
            }
            return;
        }
        InsideLlmCollector collector;
        try {
            collector = options.builder().build();
            collector.start();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            System.err.println("insidellm-collector: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
        }, "insidellm-collector-shutdown"));
        PrintStream out = System.out;
        out.printf("InsideLLM collector listening on %s (database %s), started in %d ms%n", collector.baseUrl(),
                collector.databaseDescription(), (System.nanoTime() - startNanos) / 1_000_000);
        for (Path path : options.imports()) {
            try {
                InsideLlmCollector.ImportResult r = collector.importEvents(path);
                out.printf("Imported %s: %d files, %d new events, %d already present, %d rejected%n", path, r.files(),
                        r.accepted(), r.duplicates(), r.rejected());
            } catch (UncheckedIOException e) {
                System.err.println("insidellm-collector: import failed: " + e.getCause().getMessage());
            }
        }
        out.printf("OpenTelemetry applications: OTLP/HTTP traces to %s/v1/traces%n", collector.baseUrl());
        out.printf("Open %s/ in a browser. Stop with Ctrl+C.%n", collector.baseUrl());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the environment first, then the command line, into a builder. */
    static Options parse(String[] args, Map<String, String> env) {
        InsideLlmCollector.Builder b = InsideLlmCollector.builder();
        List<Path> imports = new ArrayList<>();
        String v;
        if ((v = env.get("INSIDELLM_COLLECTOR_PORT")) != null) {
            b.port(parseInt("INSIDELLM_COLLECTOR_PORT", v));
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_BIND")) != null) {
            b.bindAddress(v);
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_DB")) != null) {
            b.database(v);
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_DB_PASSWORD")) != null) {
            b.databasePassword(v);
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_REDIS")) != null) {
            b.redis(v);
        }
        boolean migrateOnly = false;
        if ((v = env.get("INSIDELLM_COLLECTOR_RETENTION_DAYS")) != null) {
            b.retention(days("INSIDELLM_COLLECTOR_RETENTION_DAYS", v));
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_API_KEYS")) != null) {
            for (String key : v.split(",")) {
                if (!key.isBlank()) {
                    b.apiKey(key.trim());
                }
            }
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_VIEWER_TOKEN")) != null && !v.isBlank()) {
            b.viewerToken(v.trim());
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_MAX_BODY_BYTES")) != null) {
            b.maxBodyBytes(parseLong("INSIDELLM_COLLECTOR_MAX_BODY_BYTES", v));
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_DURABILITY")) != null) {
            b.durability(durability("INSIDELLM_COLLECTOR_DURABILITY", v));
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_IMPORT")) != null && !v.isBlank()) {
            imports.add(Path.of(v));
        }
        if ((v = env.get("INSIDELLM_COLLECTOR_PROXY_CONFIG")) != null && !v.isBlank()) {
            b.proxyConfig(Path.of(v.trim()), env);
        }
        Path export = null;
        Map<String, String> exportFilters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                return new Options(b, imports, true, null, Map.of(), false);
            }
            if (name.equals("--migrate-only")) {
                migrateOnly = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name.startsWith("--") && isKnown(name)
                            ? name + " needs a value" : "unknown option " + name);
                }
                if (!isKnown(name)) {
                    throw new IllegalArgumentException("unknown option " + name);
                }
                value = args[++i];
            }
            switch (name) {
                case "--port" -> b.port(parseInt(name, value));
                case "--bind" -> b.bindAddress(value);
                case "--db" -> b.database(value);
                case "--redis" -> b.redis(value);
                case "--retention-days" -> b.retention(days(name, value));
                case "--api-key" -> b.apiKey(value);
                case "--viewer-token" -> b.viewerToken(value);
                case "--max-body-bytes" -> b.maxBodyBytes(parseLong(name, value));
                case "--durability" -> b.durability(durability(name, value));
                case "--import" -> imports.add(Path.of(value));
                case "--proxy-config" -> b.proxyConfig(Path.of(value), env);
                case "--export" -> export = Path.of(value);
                case "--from", "--to", "--model", "--user", "--run" -> exportFilters.put(name.substring(2), value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (export == null && !exportFilters.isEmpty()) {
            throw new IllegalArgumentException("--" + exportFilters.keySet().iterator().next()
                    + " filters an export; use it with --export <file>");
        }
        return new Options(b, imports, false, export, Map.copyOf(exportFilters), migrateOnly);
    }

    private static boolean isKnown(String name) {
        return List.of("--port", "--bind", "--db", "--redis", "--retention-days", "--api-key", "--viewer-token", "--max-body-bytes",
                "--durability", "--import", "--proxy-config", "--export", "--from", "--to", "--model", "--user", "--run")
                .contains(name);
    }

    private static Durability durability(String name, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "process" -> Durability.PROCESS_CRASH;
            case "power" -> Durability.POWER_LOSS;
            default -> throw new IllegalArgumentException(name + " must be process or power, but was " + value);
        };
    }

    private static Duration days(String name, String value) {
        long days = parseLong(name, value);
        if (days < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
        }
        return Duration.ofDays(days);
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, but was " + value);
        }
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, but was " + value);
        }
    }
}
