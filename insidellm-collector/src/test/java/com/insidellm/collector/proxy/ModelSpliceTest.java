package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelSpliceTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private String splice(String body, String model) throws Exception {
        byte[] out = ModelSplice.replaceModel(body.getBytes(StandardCharsets.UTF_8), model, mapper.getFactory());
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void replacesOnlyTheModelAndKeepsTheClientsBytes() throws Exception {
        String body = "{ \"messages\": [{\"role\":\"user\",\"content\":\"Grüße, 你好 \\u00e9 \\\"model\\\": \\\"x\\\"\"}],"
                + "\n \"model\" : \"mini\", \"temperature\": 1e-1, \"user\": {\"model\": \"nested\"} }";

        String out = splice(body, "gpt-4o-mini");

        assertThat(out).isEqualTo(body.replace("\"model\" : \"mini\"", "\"model\" : \"gpt-4o-mini\""));
        JsonNode expected = mapper.readTree(body);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "gpt-4o-mini");
        assertThat(mapper.readTree(out)).isEqualTo(expected);
    }

    @Test
    void escapesTheNewModelName() throws Exception {
        String out = splice("{\"model\":\"a\",\"messages\":[]}", "org/\"quoted\"\\ünï");

        assertThat(mapper.readTree(out).get("model").asText()).isEqualTo("org/\"quoted\"\\ünï");
        assertThat(mapper.readTree(out).get("messages").isArray()).isTrue();
    }

    @Test
    void leavesWhatItCannotBeSureOfToSerialisation() throws Exception {
        assertThat(splice("{\"model\":\"a\",\"model\":\"b\"}", "m")).as("duplicate model").isNull();
        assertThat(splice("{\"messages\":[]}", "m")).as("no model").isNull();
        assertThat(splice("{\"model\":7}", "m")).as("not a string").isNull();
        assertThat(splice("{\"model\":\"a\"} {}", "m")).as("trailing content").isNull();
        assertThat(splice("[\"model\"]", "m")).as("not an object").isNull();
        byte[] utf16 = "{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_16BE);
        assertThat(ModelSplice.replaceModel(utf16, "m", mapper.getFactory())).as("UTF-16").isNull();
    }
}
