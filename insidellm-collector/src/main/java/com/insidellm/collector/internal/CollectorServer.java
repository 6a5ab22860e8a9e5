package com.insidellm.collector.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the collector: ingest, query API, live tail and the viewer's static files, on the JDK's
 * {@link HttpServer} with bounded thread pools. Internal. Thread-safe; {@link #close()} is idempotent.
 */
public final class CollectorServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CollectorServer.class);
  private static final int REQUEST_THREADS = 16;
  private static final int MAX_LIVE_CLIENTS = 32;
  private static final long LIVE_HEARTBEAT_MILLIS = 15_000;
  private static final int LIVE_PAGE = 500;

  /** Everything the server needs to start. */
  public record Config(InetAddress bind, int port, Path database, @Nullable Duration retention, Set<String> apiKeys,
      @Nullable String viewerToken, long maxBodyBytes, boolean fsyncEachCommit) {}

  private final ObjectMapper mapper = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final Config config;
  private final EventStore store;
  private final Ingestor ingestor;
  private final QueryService queries;
  private final Access access;
  private final StaticFiles staticFiles = new StaticFiles();
  private final HttpServer server;
  private final ThreadPoolExecutor requestPool;
  private final ThreadPoolExecutor livePool;
  private volatile boolean closed;

  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs on keep-alive
    // connections: every answer waits ~40 ms and throughput collapses. Read once by the JDK, so set it before the
    // first server is created (unless the host application decided otherwise).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Opens the store and binds the port; the server answers once this returns. */
  public CollectorServer(Config config) throws IOException {
    this.config = config;
    this.access = new Access(config.apiKeys(), config.viewerToken(), config.bind());
    this.store = new EventStore(config.database(), config.retention(), config.fsyncEachCommit(),
        Clock.systemUTC());
    this.ingestor = new Ingestor(store, mapper);
    this.queries = new QueryService(store, mapper.getFactory());
    this.requestPool = new ThreadPoolExecutor(REQUEST_THREADS, REQUEST_THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(2048), threads("insidellm-collector-http"));
    this.livePool = new ThreadPoolExecutor(0, MAX_LIVE_CLIENTS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        threads("insidellm-collector-live"));
    try {
      server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 128);
    } catch (IOException e) {
      store.close();
      throw new IOException("cannot listen on " + config.bind().getHostAddress() + ":" + config.port() + ": "
          + e.getMessage(), e);
    }
    server.setExecutor(requestPool);
    server.createContext("/api/v1/ingest", guarded(this::ingest));
    server.createContext("/api/v1/live", guarded(this::live));
    server.createContext("/api/v1/", guarded(this::api));
    server.createContext("/health", guarded(this::health));
    server.createContext("/", guarded(this::viewer));
    server.start();
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setContextClassLoader(null);
      t.setUncaughtExceptionHandler((th, e) -> LOG.error("uncaught in {}", th.getName(), e));
      return t;
    };
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The ingestor, for imports. */
  public Importer importer() {
    return new Importer(ingestor, mapper);
  }

  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange ex) throws Exception;
  }

  /** Applies the Host check and turns failures into JSON errors so no handler leaves an exchange hanging. */
  private HttpHandler guarded(Handler handler) {
    return ex -> {
      try {
        if (!access.hostAllowed(ex)) {
          Http.error(ex, 403, "Host " + ex.getRequestHeaders().getFirst("Host")
              + " is not allowed: this collector only answers to localhost");
          return;
        }
        handler.handle(ex);
      } catch (Params.BadRequestException e) {
        Http.error(ex, 400, e.getMessage());
      } catch (IOException e) {
        LOG.debug("client connection failed: {}", e.toString());
        ex.close();
      } catch (Exception e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
        try {
          Http.error(ex, 500, "internal error: " + e.getClass().getSimpleName());
        } catch (IOException | RuntimeException ignored) {
          ex.close();
        }
      }
    };
  }

  // ---------------------------------------------------------------- ingest

  private void ingest(HttpExchange ex) throws Exception {
    if (!ex.getRequestMethod().equals("POST")) {
      ex.getResponseHeaders().set("Allow", "POST");
      Http.error(ex, 405, "use POST to ingest events");
      return;
    }
    if (!access.originAllowed(ex)) {
      Http.error(ex, 403, "cross-origin ingest is not allowed");
      return;
    }
    if (!access.ingestAllowed(ex)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"insidellm-collector\"");
      boolean presented = ex.getRequestHeaders().getFirst("Authorization") != null;
      Http.error(ex, 401, presented
          ? "API key rejected: the collector does not know this key"
          : "API key required: send Authorization: Bearer <key>");
      return;
    }
    byte[] body = readBody(ex);
    if (body == null) {
      return;
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      Http.error(ex, 400, "body is not JSON: " + e.getOriginalMessage());
      return;
    }
    if (root == null || root.isMissingNode()) {
      Http.error(ex, 400, "body is empty: send an event object or an array of events");
      return;
    }
    Ingestor.Result result;
    try {
      result = ingestor.ingest(root);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EventStore.StoreBusyException) {
        ex.getResponseHeaders().set("Retry-After", "1");
        Http.error(ex, 503, "the collector is busy; retry shortly");
        return;
      }
      throw e;
    } catch (TimeoutException e) {
      ex.getResponseHeaders().set("Retry-After", "1");
      Http.error(ex, 503, "storing the events took too long; retry shortly");
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("accepted", result.accepted());
      g.writeNumberField("duplicates", result.duplicates());
      g.writeArrayFieldStart("rejected");
      for (Ingestor.Rejection r : result.rejected()) {
        g.writeStartObject();
        g.writeNumberField("index", r.index());
        g.writeStringField("event_id", r.eventId());
        g.writeStringField("reason", r.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    Http.json(ex, 200, out.toByteArray());
  }

  /** Reads the body within the size limit (after gunzip too); answers 413/415 itself and then returns null. */
  private byte @Nullable [] readBody(HttpExchange ex) throws IOException {
    long limit = config.maxBodyBytes();
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limit) {
          drainAndReject(ex, limit);
          return null;
        }
      } catch (NumberFormatException e) {
        Http.error(ex, 400, "Content-Length is not a number");
        return null;
      }
    }
    String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
    // Never close the exchange's request stream here: closing drains it to the end, and a chunked gzip body (what
    // the SDK sends) ends with a tiny terminating chunk that the client's Nagle algorithm holds back until our ACK,
    // which the kernel delays by up to 40 ms. Answering first carries that ACK; the exchange drains the rest after.
    InputStream in = new FilterInputStream(ex.getRequestBody()) {
      @Override
      public void close() {
        // shield: see above
      }
    };
    if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
      if (!encoding.trim().equalsIgnoreCase("gzip")) {
        Http.error(ex, 415, "Content-Encoding " + encoding + " is not supported; use gzip or identity");
        return null;
      }
      try {
        in = new GZIPInputStream(in, 8192);
      } catch (ZipException | java.io.EOFException e) {
        Http.error(ex, 400, "body is not valid gzip: " + e.getMessage());
        return null;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[16384];
    try (InputStream body = in) {
      int n;
      while ((n = body.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > limit) {
          drainAndReject(ex, limit);
          return null;
        }
      }
    } catch (ZipException | java.io.EOFException e) {
      Http.error(ex, 400, "body is not valid gzip: " + e.getMessage());
      return null;
    }
    return out.toByteArray();
  }

  private static void drainAndReject(HttpExchange ex, long limit) throws IOException {
    // Closing the exchange lets the server discard the rest of the body (it closes the connection if it is large).
    Http.error(ex, 413, "body is larger than the limit of " + limit + " bytes; send smaller batches");
  }

  private void health(HttpExchange ex) throws IOException {
    Http.json(ex, 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- query API

  private void api(HttpExchange ex) throws Exception {
    if (!access.viewerAllowed(ex)) {
      Http.error(ex, 401, "viewer token required: send Authorization: Bearer <token> or open the viewer with"
          + " ?token=<token>");
      return;
    }
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET");
      Http.error(ex, 405, "the query API is read-only; use GET");
      return;
    }
    String path = ex.getRequestURI().getPath().substring("/api/v1/".length());
    Params p = Params.of(ex.getRequestURI());
    byte[] body;
    switch (path) {
      case "runs" -> body = queries.runs(p);
      case "events" -> body = queries.events(p);
      case "stats/models" -> body = queries.modelStats(p);
      case "stats/timeseries" -> body = queries.timeseries(p);
      case "facets" -> body = queries.facets();
      default -> {
        if (path.startsWith("runs/") && path.length() > 5 && path.indexOf('/', 5) < 0) {
          body = queries.run(path.substring(5).toLowerCase(java.util.Locale.ROOT));
          if (body == null) {
            Http.error(ex, 404, "no run with id " + path.substring(5));
            return;
          }
        } else {
          Http.error(ex, 404, "no such endpoint: /api/v1/" + path);
          return;
        }
      }
    }
    Http.json(ex, 200, body);
  }

  // ---------------------------------------------------------------- live tail

  private void live(HttpExchange ex) throws Exception {
    if (!access.viewerAllowed(ex)) {
      Http.error(ex, 401, "viewer token required");
      return;
    }
    Params p = Params.of(ex.getRequestURI());
    EventFilter filter = EventFilter.from(p);
    String lastEventId = ex.getRequestHeaders().getFirst("Last-Event-ID");
    Long after;
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        after = Long.parseLong(lastEventId.trim());
      } catch (NumberFormatException e) {
        throw new Params.BadRequestException("Last-Event-ID must be a sequence number, but was " + lastEventId);
      }
    } else {
      after = p.longValue("after");
    }
    long start = after != null ? after : store.committedSeq();
    try {
      livePool.execute(() -> stream(ex, filter, start));
    } catch (RejectedExecutionException e) {
      ex.getResponseHeaders().set("Retry-After", "5");
      Http.error(ex, 503, "too many live clients (at most " + MAX_LIVE_CLIENTS + ")");
    }
  }

  /** Streams events after {@code after} as Server-Sent Events until the client leaves or the collector stops. */
  private void stream(HttpExchange ex, EventFilter filter, long after) {
    try (ex) {
      Http.securityHeaders(ex);
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      long last = after;
      while (!closed) {
        long upTo = store.committedSeq();
        long from = last;
        List<QueryService.Row> rows = store.read(c -> queries.findEvents(c, filter, from, upTo + 1, LIVE_PAGE));
        for (QueryService.Row row : rows) {
          out.write(("id: " + row.seq() + "\nevent: event\ndata: ").getBytes(StandardCharsets.UTF_8));
          out.write(row.raw().getBytes(StandardCharsets.UTF_8));
          out.write("\n\n".getBytes(StandardCharsets.UTF_8));
          last = row.seq();
        }
        if (rows.size() == LIVE_PAGE) {
          out.flush();
          continue;
        }
        // Nothing else matched up to upTo: skip past it so a narrow filter does not rescan the same rows.
        last = Math.max(last, upTo);
        out.flush();
        long now = store.awaitNewerThan(upTo, LIVE_HEARTBEAT_MILLIS);
        if (now <= upTo && !closed) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (IOException e) {
      LOG.debug("live client left: {}", e.toString());
    } catch (SQLException e) {
      LOG.warn("live tail query failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- viewer

  private void viewer(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET");
      Http.error(ex, 405, "use GET");
      return;
    }
    String path = ex.getRequestURI().getPath();
    if (access.viewerTokenRequired()) {
      if (access.matchesToken(Access.queryToken(ex))) {
        // Trade the token in the address for a cookie, and drop it from the address bar and history.
        ex.getResponseHeaders().add("Set-Cookie", Access.COOKIE + "=" + Params.of(ex.getRequestURI()).get("token")
            + "; Path=/; HttpOnly; SameSite=Strict");
        ex.getResponseHeaders().set("Location", path);
        Http.send(ex, 303, new byte[0]);
        return;
      }
      if (!access.viewerAllowed(ex)) {
        Http.text(ex, 401, "This collector requires a viewer token. Open it as " + path + "?token=<token>.");
        return;
      }
    }
    StaticFiles.Resource resource = staticFiles.get(path);
    if (resource == null) {
      Http.text(ex, 404, "Not found: " + path);
      return;
    }
    ex.getResponseHeaders().set("Content-Type", resource.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    Http.send(ex, 200, resource.bytes());
  }

  /** Stops listening, ends live streams, commits queued writes and closes the database. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    store.close();
    livePool.shutdownNow();
    requestPool.shutdown();
    try {
      if (!requestPool.awaitTermination(5, TimeUnit.SECONDS)) {
        requestPool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
