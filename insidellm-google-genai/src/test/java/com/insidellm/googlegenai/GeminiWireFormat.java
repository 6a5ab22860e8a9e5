package com.insidellm.googlegenai;

import okhttp3.mockwebserver.MockResponse;

/** Gemini API responses as the API sends them: JSON bodies and server-sent event streams. */
final class GeminiWireFormat {

    private GeminiWireFormat() {
    }

    static final String USAGE = "{\"promptTokenCount\":40,\"candidatesTokenCount\":10,\"totalTokenCount\":62,"
            + "\"cachedContentTokenCount\":30,\"thoughtsTokenCount\":12,"
            + "\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":40}]}";

    static MockResponse json(String body) {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
    }

    static String response(String parts, String finishReason, String usage) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":" + parts + "},"
                + (finishReason == null ? "" : "\"finishReason\":\"" + finishReason + "\",") + "\"index\":0}],"
                + (usage == null ? "" : "\"usageMetadata\":" + usage + ",")
                + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp-g1\"}";
    }

    static MockResponse functionCall() {
        return json(response("[{\"text\":\"Let me check.\"},{\"functionCall\":{\"name\":\"get_weather\","
                + "\"args\":{\"city\":\"Paris\"}}}]", "STOP", USAGE));
    }

    static MockResponse text(String text) {
        return json(response("[{\"text\":\"" + text + "\"}]", "STOP", USAGE));
    }

    /** A streamed answer: three text chunks, the last with finish reason and usage. */
    static MockResponse stream() {
        String body = "data: " + response("[{\"text\":\"It is \"}]", null, null) + "\r\n\r\n"
                + "data: " + response("[{\"text\":\"sunny \"}]", null, null) + "\r\n\r\n"
                + "data: " + response("[{\"text\":\"today.\"}]", "STOP", USAGE) + "\r\n\r\n";
        return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(body);
    }

    static MockResponse error(int status, String code, String message) {
        return json("{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"status\":\"" + code
                + "\"}}").setResponseCode(status);
    }
}
