package com.insidellm.openai;

import java.util.List;
import okhttp3.mockwebserver.MockResponse;

/** OpenAI API responses as the API sends them: JSON bodies and server-sent event streams. */
final class OpenAiWire {

    private OpenAiWire() {
    }

    static final String USAGE = "{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":4,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":1,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";

    static MockResponse json(String body) {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
    }

    static MockResponse chatText(String text) {
        return json("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + text + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":" + USAGE + ",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_1\"}");
    }

    static MockResponse chatToolCall() {
        return json("{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}],\"refusal\":null,"
                + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":" + USAGE + "}");
    }

    static String chunk(String choices) {
        return "{\"id\":\"chatcmpl-3\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":" + choices + "}";
    }

    /** A streamed answer with text, one tool call whose arguments arrive in pieces, and the usage chunk. */
    static MockResponse chatStream() {
        List<String> events = List.of(
                chunk("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("[{\"index\":0,\"delta\":{\"content\":\"Let me \"},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("[{\"index\":0,\"delta\":{\"content\":\"check.\"},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"logprobs\":null,"
                        + "\"finish_reason\":null}]"),
                chunk("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"{\\\"city\\\":\"}}]},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"\\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]"),
                chunk("[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]"),
                chunk("[],\"usage\":" + USAGE));
        StringBuilder body = new StringBuilder();
        for (String event : events) {
            body.append("data: ").append(event).append("\n\n");
        }
        body.append("data: [DONE]\n\n");
        return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(body.toString());
    }

    static MockResponse error(int status, String type, String code, String message) {
        return json("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,"
                + "\"code\":\"" + code + "\"}}").setResponseCode(status);
    }

    static final String RESPONSE_USAGE = "{\"input_tokens\":20,\"input_tokens_details\":{\"cached_tokens\":8},"
            + "\"output_tokens\":6,\"output_tokens_details\":{\"reasoning_tokens\":2},\"total_tokens\":26}";

    static String response(String status, String output) {
        return "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1700000000,\"status\":\"" + status + "\","
                + "\"error\":null,\"incomplete_details\":null,\"instructions\":\"Be brief.\",\"max_output_tokens\":null,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"output\":" + output + ",\"parallel_tool_calls\":true,"
                + "\"previous_response_id\":null,\"reasoning\":{\"effort\":null,\"summary\":null},\"store\":true,"
                + "\"temperature\":0.2,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\","
                + "\"tools\":[],\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":" + RESPONSE_USAGE + ","
                + "\"user\":null,\"metadata\":{}}";
    }

    static final String MESSAGE_OUTPUT = "[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\","
            + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"It is sunny.\","
            + "\"annotations\":[]}]}]";

    static final String FUNCTION_OUTPUT = "[{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_7\","
            + "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\",\"status\":\"completed\"}]";

    /** A Responses API stream: created, text deltas, completed with the whole response. */
    static MockResponse responseStream() {
        List<String[]> events = List.of(
                new String[] {"response.created", "{\"type\":\"response.created\",\"sequence_number\":0,"
                        + "\"response\":" + response("in_progress", "[]").replace(",\"usage\":" + RESPONSE_USAGE,
                        ",\"usage\":null") + "}"},
                new String[] {"response.output_item.added", "{\"type\":\"response.output_item.added\","
                        + "\"sequence_number\":1,\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_1\","
                        + "\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}"},
                new String[] {"response.output_text.delta", "{\"type\":\"response.output_text.delta\","
                        + "\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                        + "\"delta\":\"It is \",\"logprobs\":[]}"},
                new String[] {"response.output_text.delta", "{\"type\":\"response.output_text.delta\","
                        + "\"sequence_number\":3,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                        + "\"delta\":\"sunny.\",\"logprobs\":[]}"},
                new String[] {"response.completed", "{\"type\":\"response.completed\",\"sequence_number\":4,"
                        + "\"response\":" + response("completed", MESSAGE_OUTPUT) + "}"});
        StringBuilder body = new StringBuilder();
        for (String[] event : events) {
            body.append("event: ").append(event[0]).append('\n').append("data: ").append(event[1]).append("\n\n");
        }
        return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(body.toString());
    }
}
