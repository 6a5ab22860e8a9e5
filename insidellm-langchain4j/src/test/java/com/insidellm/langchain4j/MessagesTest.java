package com.insidellm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static ToolSpecification weather(String description) {
        return ToolSpecification.builder().name("weather").description(description)
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
                .build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void toolDefinitionsAreConvertedOncePerSpecificationAndCannotBeChanged() {
        List<Map<String, Object>> first = Messages.tools(List.of(weather("Current weather")));
        List<Map<String, Object>> again = Messages.tools(List.of(weather("Current weather")));
        List<Map<String, Object>> other = Messages.tools(List.of(weather("Forecast")));

        assertThat(first).hasSize(1);
        Map<String, Object> function = (Map<String, Object>) first.get(0).get("function");
        assertThat(function).containsEntry("name", "weather").containsEntry("description", "Current weather");
        Map<String, Object> parameters = (Map<String, Object>) function.get("parameters");
        assertThat(parameters).containsEntry("type", "object").containsEntry("required", List.of("city"));
        assertThat((Map<String, Object>) parameters.get("properties"))
                .containsEntry("city", Map.of("type", "string"));
        // An equal specification (AI services pass the same ones on every call) shares the converted definition.
        assertThat(again.get(0)).isSameAs(first.get(0));
        assertThat(((Map<String, Object>) other.get(0).get("function"))).containsEntry("description", "Forecast");
        // Shared between events, so nobody may change it.
        assertThatThrownBy(() -> parameters.put("type", "array")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) parameters.get("required")).add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
