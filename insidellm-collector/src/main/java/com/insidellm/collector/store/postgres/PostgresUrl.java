package com.insidellm.collector.store.postgres;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL location as the operator writes it — {@code jdbc:postgresql://host:5432/db?user=u} or {@code
 * postgresql://u:secret@host:5432/db} — split into a JDBC URL without credentials, a user and a password, so that the
 * password never appears in a log line, an exception message or {@link #toString()}. Internal. Immutable.
 */
public final class PostgresUrl {

    private final String jdbcUrl;
    private final @Nullable String user;
    private final @Nullable String password;

    private PostgresUrl(String jdbcUrl, @Nullable String user, @Nullable String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Whether {@code location} names a PostgreSQL database rather than a SQLite file. */
    public static boolean isPostgres(String location) {
        String l = location.trim().toLowerCase(Locale.ROOT);
        return l.startsWith("jdbc:postgresql:") || l.startsWith("postgresql://") || l.startsWith("postgres://");
    }

    /**
     * Parses {@code location}; {@code password}, when given (from {@code INSIDELLM_COLLECTOR_DB_PASSWORD}), wins over
     * one in the URL.
     *
     * @throws IllegalArgumentException if it is not a PostgreSQL URL; the message never contains the password
     */
    public static PostgresUrl parse(String location, @Nullable String password) {
        String l = location.trim();
        if (!isPostgres(l)) {
            throw new IllegalArgumentException("not a PostgreSQL URL (expected jdbc:postgresql://host:5432/db or"
                    + " postgresql://user@host:5432/db)");
        }
        String rest = l.toLowerCase(Locale.ROOT).startsWith("jdbc:") ? l.substring("jdbc:".length()) : l;
        // java.net.URI wants one scheme; postgres:// is libpq's alias.
        rest = "postgresql" + rest.substring(rest.indexOf(':'));
        URI uri;
        try {
            uri = URI.create(rest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid PostgreSQL URL: " + redact(l));
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("a PostgreSQL URL needs a host and a database name: " + redact(l));
        }
        String user = null;
        String urlPassword = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            urlPassword = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        StringBuilder query = new StringBuilder();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (key.equals("user")) {
                    user = value;
                } else if (key.equals("password")) {
                    urlPassword = value;
                } else if (!pair.isEmpty()) {
                    query.append(query.length() == 0 ? '?' : '&').append(pair);
                }
            }
        }
        String jdbc = "jdbc:postgresql://" + (uri.getHost().indexOf(':') >= 0 ? "[" + uri.getHost() + "]" : uri.getHost())
                + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + uri.getRawPath() + query;
        return new PostgresUrl(jdbc, user, password != null && !password.isEmpty() ? password : urlPassword);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** {@code location} with any user information and query removed, for messages. */
    static String redact(String location) {
        String s = location.replaceAll("//[^/@]*@", "//");
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?…";
    }

    /** The JDBC URL without user or password. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user, if one was given. */
    public @Nullable String user() {
        return user;
    }

    /** The password, if one was given; never log it. */
    @Nullable String password() {
        return password;
    }

    /** The JDBC URL and user, never the password. */
    @Override
    public String toString() {
        return jdbcUrl + (user != null ? " (user " + user + ")" : "");
    }
}
