package com.insidellm.collector.http;

import com.sun.net.httpserver.HttpExchange;
import com.insidellm.collector.query.Params;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may do what: ingest keys, the viewer token, and the Host check that keeps a loopback collector out of reach
 * of DNS-rebinding web pages. Internal; immutable.
 */
public final class Access {

    /** Cookie that carries the viewer token after the first visit with {@code ?token=}. */
    static final String COOKIE = "insidellm_viewer";

    private final List<byte[]> apiKeys;
    private final byte @Nullable [] viewerToken;
    private final boolean loopback;

    /** Creates the policy; empty keys or a null token mean that part is open (loopback only, enforced elsewhere). */
    public Access(Set<String> apiKeys, @Nullable String viewerToken, InetAddress bind) {
        this.apiKeys = apiKeys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.viewerToken = viewerToken == null ? null : viewerToken.getBytes(StandardCharsets.UTF_8);
        this.loopback = bind.isLoopbackAddress();
    }

    /**
     * On a loopback collector the Host header must name the loopback interface; a web page that rebinds its own host
     * name to 127.0.0.1 then cannot read the viewer's data.
     */
    boolean hostAllowed(HttpExchange ex) {
        if (!loopback) {
            return true;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end < 0 ? name : name.substring(0, end + 1);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        return name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.")
                || name.endsWith(".localhost");
    }

    /**
     * A browser page from another origin must not be able to post events (it could without a pre-flight using a
     * text/plain body). SDKs send no Origin header.
     */
    boolean originAllowed(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return host != null && authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether ingest keys are configured. */
    boolean keysRequired() {
        return !apiKeys.isEmpty();
    }

    /** Whether the request carries one of the configured keys as {@code Authorization: Bearer <key>}. */
    boolean ingestAllowed(HttpExchange ex) {
        if (apiKeys.isEmpty()) {
            return true;
        }
        byte[] presented = bearer(ex);
        if (presented == null) {
            return false;
        }
        boolean match = false;
        for (byte[] key : apiKeys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    /** Whether the request may read: no token configured, or the token as cookie, bearer or {@code token=}. */
    boolean viewerAllowed(HttpExchange ex) {
        if (viewerToken == null) {
            return true;
        }
        return matchesToken(bearer(ex)) || matchesToken(cookie(ex)) || matchesToken(queryToken(ex));
    }

    /** Whether a viewer token is configured. */
    boolean viewerTokenRequired() {
        return viewerToken != null;
    }

    boolean matchesToken(byte @Nullable [] presented) {
        return viewerToken != null && presented != null && MessageDigest.isEqual(viewerToken, presented);
    }

    static byte @Nullable [] queryToken(HttpExchange ex) {
        String token = Params.of(ex.getRequestURI()).get("token");
        return token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    private static byte @Nullable [] bearer(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    }

    private static byte @Nullable [] cookie(HttpExchange ex) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1).getBytes(StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }
}
