package com.insidellm.collector.store.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The text that search matches in one event: every string value of its {@code payload}, joined by U+001F, the same
 * strings the SQLite store's {@code json_tree} search looks at (keys, ids and metadata do not count). Internal.
 * Thread-safe.
 */
final class SearchText {

    private static final JsonFactory JSON = new JsonFactory();

    private SearchText() {}

    static String of(String rawJson) {
        StringBuilder out = new StringBuilder();
        try (JsonParser p = JSON.createParser(rawJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                boolean payload = p.currentName().equals("payload");
                JsonToken value = p.nextToken();
                if (!payload) {
                    p.skipChildren();
                    continue;
                }
                if (value == JsonToken.VALUE_STRING) {
                    append(out, p.getText());
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    int depth = 1;
                    while (depth > 0 && (t = p.nextToken()) != null) {
                        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                            depth++;
                        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                            depth--;
                        } else if (t == JsonToken.VALUE_STRING) {
                            append(out, p.getText());
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The ingest path validated and re-serialised this JSON; an unreadable one has nothing to search.
            return out.toString();
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String s) {
        if (out.length() > 0) {
            out.append('\u001f');
        }
        // PostgreSQL text cannot hold NUL.
        out.append(s.indexOf('\0') >= 0 ? s.replace('\0', '\ufffd') : s);
    }
}
