package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The client's request body with only its top-level {@code model} value replaced, for an OpenAI-compatible upstream:
 * the bytes the client sent pass through, instead of the parsed request being serialised again (that was an eighth of
 * the serving threads' time per call). Internal; stateless.
 */
final class ModelSplice {

    private ModelSplice() {}

    /**
     * {@code body} (a UTF-8 JSON object) with its {@code model} string replaced by {@code model}; null when the body
     * is not one the splice can be sure of — no {@code model} string at the top level, or more than one {@code model}
     * (the parsed request keeps the last, and the upstream must see the same) — and the caller serialises instead.
     */
    static byte @Nullable [] replaceModel(byte[] body, String model, JsonFactory json) throws IOException {
        if (body.length < 4 || body[0] == 0 || body[1] == 0 || body[2] == 0 || body[3] == 0 || body[0] < 0) {
            return null; // UTF-16/32 or a byte-order mark: offsets would not be UTF-8 byte offsets
        }
        long start = -1;
        long end = -1;
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean isModel = p.currentName().equals("model");
                JsonToken value = p.nextToken();
                if (isModel) {
                    if (start >= 0 || value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    start = p.currentTokenLocation().getByteOffset();
                    p.finishToken(); // the end of the string is known only once it is read
                    end = p.currentLocation().getByteOffset();
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (JsonProcessingException e) {
            return null; // the request was parsed before; whatever this is, serialising decides
        }
        if (start < 0 || end <= start || end > body.length || body[(int) start] != '"' || body[(int) end - 1] != '"') {
            return null;
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(model);
        byte[] out = new byte[body.length - (int) (end - start) + quoted.length + 2];
        System.arraycopy(body, 0, out, 0, (int) start);
        int at = (int) start;
        out[at++] = '"';
        System.arraycopy(quoted, 0, out, at, quoted.length);
        at += quoted.length;
        out[at++] = '"';
        System.arraycopy(body, (int) end, out, at, body.length - (int) end);
        return out;
    }
}
