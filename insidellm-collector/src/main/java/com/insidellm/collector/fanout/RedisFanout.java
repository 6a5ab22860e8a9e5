package com.insidellm.collector.fanout;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis pub/sub between collector instances (the pattern of LLM_streamer: producers publish, every gateway subscribes
 * and streams to its SSE clients). Each message is one committed sequence number; publishing coalesces, so a burst of
 * commits sends only the newest. Two threads, each with its own connection: a subscriber and a publisher. When Redis
 * is unreachable both retry every second on their own, {@link #up()} turns false, and ingest never waits for Redis.
 * Internal. Thread-safe; {@link #close()} is idempotent.
 */
public final class RedisFanout implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisFanout.class);
    private static final long RETRY_MILLIS = 1000;
    private static final int TIMEOUT_MILLIS = 2000;

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final String channel;
    private final LongConsumer news;
    private final Runnable reconnected;
    private final Object lock = new Object();
    private final Thread subscriber;
    private final Thread publisher;
    private long toPublish;
    private long published;
    private volatile boolean subscribed;
    private volatile boolean publishing = true;
    private volatile @Nullable String lastError;
    private volatile @Nullable JedisPubSub subscription;
    private volatile boolean closed;

    /**
     * Connects to {@code redis} (a {@code redis://[user:password@]host:port[/db]} URL) in the background and listens on
     * {@code channel}. {@code news} hears each sequence number published by any instance (including this one);
     * {@code reconnected} runs each time the subscription is (re-)established, so the owner can catch up on what was
     * published while it was away.
     */
    public RedisFanout(URI redis, String channel, LongConsumer news, Runnable reconnected) {
        if (!"redis".equals(redis.getScheme()) || redis.getHost() == null) {
            throw new IllegalArgumentException("the Redis URL must look like redis://host:6379, but was "
                    + redis.getScheme() + "://" + redis.getHost());
        }
        this.address = new HostAndPort(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS).clientName("insidellm-collector");
        String info = redis.getUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                b.password(info);
            } else {
                if (colon > 0) {
                    b.user(info.substring(0, colon));
                }
                b.password(info.substring(colon + 1));
            }
        }
        if (redis.getPath() != null && redis.getPath().length() > 1) {
            b.database(Integer.parseInt(redis.getPath().substring(1)));
        }
        this.config = b.build();
        this.channel = channel;
        this.news = news;
        this.reconnected = reconnected;
        this.subscriber = thread("insidellm-collector-redis-subscriber", this::subscribeLoop);
        this.publisher = thread("insidellm-collector-redis-publisher", this::publishLoop);
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("{} failed", th.getName(), e));
        t.start();
        return t;
    }

    /** Announces that everything up to {@code seq} is committed; returns at once. */
    public void publish(long seq) {
        synchronized (lock) {
            if (seq > toPublish) {
                toPublish = seq;
                lock.notifyAll();
            }
        }
    }

    /** Whether both the subscription and publishing work right now. */
    public boolean up() {
        return subscribed && publishing;
    }

    /** The state for {@code /health}: Redis up or down, and the last error while down. */
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("redis", up() ? "up" : "down");
        h.put("address", address.toString());
        String error = lastError;
        if (!up() && error != null) {
            h.put("error", error);
        }
        return h;
    }

    private void subscribeLoop() {
        while (!closed) {
            try (Jedis jedis = new Jedis(address, config)) {
                JedisPubSub pubSub = new JedisPubSub() {
                    @Override
                    public void onSubscribe(String ch, int count) {
                        subscribed = true;
                        LOG.info("live tail fan-out: subscribed to Redis at {}", address);
                        reconnected.run();
                    }

                    @Override
                    public void onMessage(String ch, String message) {
                        try {
                            news.accept(Long.parseLong(message));
                        } catch (NumberFormatException e) {
                            LOG.debug("ignored a message on {} that is not a sequence number", ch);
                        }
                    }
                };
                subscription = pubSub;
                if (closed) {
                    return;
                }
                // Blocks until unsubscribed or the connection fails; no read timeout while subscribed.
                jedis.getClient().setTimeoutInfinite();
                jedis.subscribe(pubSub, channel);
            } catch (JedisException | IllegalStateException e) {
                failed("subscribing", e);
            } finally {
                subscribed = false;
            }
            pause();
        }
    }

    private void publishLoop() {
        Jedis jedis = null;
        try {
            while (!closed) {
                long seq;
                synchronized (lock) {
                    while (toPublish <= published && !closed) {
                        lock.wait(RETRY_MILLIS);
                    }
                    seq = toPublish;
                }
                if (closed) {
                    return;
                }
                try {
                    if (jedis == null) {
                        jedis = new Jedis(address, config);
                    }
                    jedis.publish(channel, Long.toString(seq));
                    published = seq;
                    if (!publishing) {
                        LOG.info("live tail fan-out: publishing to Redis at {} again", address);
                    }
                    publishing = true;
                } catch (JedisException e) {
                    publishing = false;
                    failed("publishing", e);
                    closeQuietly(jedis);
                    jedis = null;
                    pause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(jedis);
        }
    }

    private void failed(String what, Exception e) {
        if (closed) {
            return;
        }
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!message.equals(lastError)) {
            LOG.warn("live tail fan-out: {} on Redis at {} failed ({}); live tails poll the database until it is back,"
                    + " retrying every second", what, address, message);
        }
        lastError = message;
    }

    private void pause() {
        synchronized (lock) {
            if (!closed) {
                try {
                    lock.wait(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void closeQuietly(@Nullable Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a Redis connection failed", e);
            }
        }
    }

    /** Unsubscribes and stops both threads (waiting up to 2 s each). */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        JedisPubSub s = subscription;
        if (s != null && s.isSubscribed()) {
            try {
                s.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("unsubscribing failed", e);
            }
        }
        try {
            subscriber.join(2000);
            publisher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
