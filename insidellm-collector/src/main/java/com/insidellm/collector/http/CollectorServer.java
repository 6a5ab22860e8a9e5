package com.insidellm.collector.http;

import com.insidellm.collector.query.Params;
import com.insidellm.collector.store.StoreBusyException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP server: the JDK's {@link HttpServer} with bounded thread pools, and routing. Routes are
 * registered with {@link #route(String, Guard, Handler)} — a path prefix, who may call it, and a handler — by whoever
 * assembles the collector; the server knows nothing about ingest, queries or the viewer. Internal. Thread-safe;
 * {@link #close()} is idempotent.
 */
public final class CollectorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectorServer.class);
    private static final int REQUEST_THREADS = 16;
    /** Most concurrent long-lived streams (live tail clients). */
    static final int MAX_STREAMS = 32;

    /** Where to listen and who may call. */
    public record Config(InetAddress bind, int port, Set<String> apiKeys, @Nullable String viewerToken,
            long maxBodyBytes) {}

    private final Config config;
    private final Access access;
    private final HttpServer server;
    private final ThreadPoolExecutor requestPool;
    private final ThreadPoolExecutor streamPool;
    private volatile boolean closed;

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs on keep-alive
        // connections: every answer waits ~40 ms and throughput collapses. Read once by the JDK, so set it before the
        // first server is created (unless the host application decided otherwise).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Binds the port and starts answering (404 until routes are registered). */
    public CollectorServer(Config config) throws IOException {
        this.config = config;
        this.access = new Access(config.apiKeys(), config.viewerToken(), config.bind());
        this.requestPool = new ThreadPoolExecutor(REQUEST_THREADS, REQUEST_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(2048), threads("insidellm-collector-http"));
        this.streamPool = new ThreadPoolExecutor(0, MAX_STREAMS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("insidellm-collector-live"));
        try {
            server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 128);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + config.bind().getHostAddress() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        server.setExecutor(requestPool);
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

    /**
     * Serves requests whose path starts with {@code pathPrefix} (the longest registered prefix wins, as in the JDK
     * server) with {@code handler}, after the {@code guard}'s checks. May be called before or after requests arrive.
     */
    public void route(String pathPrefix, Guard guard, Handler handler) {
        server.createContext(pathPrefix, guarded(guard, handler));
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Largest accepted request body in bytes, after decompression. */
    public long maxBodyBytes() {
        return config.maxBodyBytes();
    }

    /** The access policy (keys, viewer token), for handlers that check more than their route's guard. */
    Access access() {
        return access;
    }

    /** Whether {@link #close()} was called; long-running handlers stop when it is. */
    public boolean closed() {
        return closed;
    }

    /** Threads for long-lived streams (at most {@value #MAX_STREAMS}); a full pool rejects the task. */
    public ExecutorService streams() {
        return streamPool;
    }

    /** Applies the Host check and the guard, and turns failures into JSON errors so no exchange is left hanging. */
    private HttpHandler guarded(Guard guard, Handler handler) {
        return ex -> {
            try {
                if (!access.hostAllowed(ex)) {
                    Http.error(ex, 403, "Host " + ex.getRequestHeaders().getFirst("Host")
                            + " is not allowed: this collector only answers to localhost");
                    return;
                }
                if (guard == Guard.INGEST_KEY && !ingestAllowed(ex)) {
                    return;
                }
                if (guard == Guard.VIEWER_TOKEN && !access.viewerAllowed(ex)) {
                    Http.error(ex, 401, "viewer token required: send Authorization: Bearer <token> or open the viewer with"
                            + " ?token=<token>");
                    return;
                }
                handler.handle(ex);
            } catch (Params.BadRequestException e) {
                Http.error(ex, 400, e.getMessage());
            } catch (StoreBusyException e) {
                ex.getResponseHeaders().set("Retry-After", "1");
                Http.error(ex, 503, "the collector is busy; retry shortly");
            } catch (IOException e) {
                LOG.debug("client connection failed: {}", e.toString());
                ex.close();
            } catch (Exception | Error e) {
                LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
                answerFailure(ex, e);
                if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                    // Out of memory, an internal JVM error: the process itself is in trouble, not this request. The
                    // client has its 500; the error goes on to the thread's handler and to whatever watches the JVM
                    // (-XX:+ExitOnOutOfMemoryError). The pool replaces the thread.
                    throw (Error) e;
                }
                // Anything else, a StackOverflowError included (confined to this thread's stack, unwound by now), is
                // one request's failure: the server goes on.
            }
        };
    }

    /**
     * Answers 500 with a JSON error (OpenAI's shape on the gateway's paths) and closes the exchange, so the client is
     * never left waiting; if the answer had already begun, only closes it.
     */
    private static void answerFailure(HttpExchange ex, Throwable failure) {
        try {
            Http.error(ex, 500, "internal error: " + failure.getClass().getSimpleName());
        } catch (IOException | RuntimeException | Error notAnswered) {
            ex.close();
        }
    }

    /** Checks a writer; answers 403/401 itself and returns false when the request must not go on. */
    private boolean ingestAllowed(HttpExchange ex) throws IOException {
        if (!access.originAllowed(ex)) {
            Http.error(ex, 403, "cross-origin ingest is not allowed");
            return false;
        }
        if (!access.ingestAllowed(ex)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"insidellm-collector\"");
            boolean presented = ex.getRequestHeaders().getFirst("Authorization") != null;
            Http.error(ex, 401, presented
                    ? "API key rejected: the collector does not know this key"
                    : "API key required: send Authorization: Bearer <key>");
            return false;
        }
        return true;
    }

    /** Stops listening, ends streams and waits briefly for requests in progress. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        streamPool.shutdownNow();
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
