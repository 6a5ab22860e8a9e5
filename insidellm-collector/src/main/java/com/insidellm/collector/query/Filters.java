package com.insidellm.collector.query;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import java.util.Locale;

/** Reads the query API's filter parameters into the store's filter objects. Internal; stateless. */
public final class Filters {

    private Filters() {}

    /** Prefix of the metadata conditions: {@code meta.company_id=acme}. */
    static final String META = "meta.";

    /**
     * Reads {@code type} (comma-separated), {@code status} (error|ok), {@code model}, {@code provider}, {@code user},
     * {@code run}, {@code from}, {@code to}, {@code q}, {@code call_type}, {@code trace}, {@code tag} and {@code
     * meta.<key>}.
     *
     * @throws Params.BadRequestException if a value cannot be understood
     */
    public static EventFilter events(Params p) {
        String status = p.get("status");
        Boolean errors = null;
        if (status != null) {
            errors = switch (status.toLowerCase(Locale.ROOT)) {
                case "error", "errors" -> true;
                case "ok" -> false;
                default -> throw new Params.BadRequestException("status must be error or ok, but was " + status);
            };
        }
        String run = p.get("run");
        return new EventFilter(p.list("type"), errors, p.get("model"), p.get("provider"), p.get("user"),
                run == null ? null : run.toLowerCase(Locale.ROOT), p.time("from"), p.time("to"), p.get("q"),
                p.get("call_type"), p.get("trace"), p.get("tag"), p.withPrefix(META));
    }

    /**
     * Reads {@code user}, {@code model}, {@code has_errors}, {@code from}, {@code to}, {@code call_type}, {@code trace},
     * {@code tag} and {@code meta.<key>}.
     */
    static RunFilter runs(Params p) {
        return new RunFilter(p.get("user"), p.get("model"), p.bool("has_errors"), p.time("from"), p.time("to"),
                p.get("call_type"), p.get("trace"), p.get("tag"), p.withPrefix(META));
    }
}
