package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IDE metadata that Spring Boot's configuration processor generates from the property classes: the property
 * groups that live in classes of their own ({@code redaction}, {@code tracking}, {@code langchain4j}) keep their
 * {@code insidellm.*} names, types, defaults and descriptions.
 */
class ConfigurationMetadataTest {

    private static Map<String, JsonNode> properties() throws Exception {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            Map<String, JsonNode> byName = new HashMap<>();
            for (JsonNode property : new ObjectMapper().readTree(in).get("properties")) {
                byName.put(property.get("name").asText(), property);
            }
            return byName;
        }
    }

    @Test
    void nestedGroupsKeepTheirPropertyNamesDefaultsAndDescriptions() throws Exception {
        Map<String, JsonNode> properties = properties();

        assertThat(properties).containsKeys("insidellm.enabled", "insidellm.api-key", "insidellm.batch-size",
                "insidellm.redaction.built-ins", "insidellm.redaction.patterns", "insidellm.tracking.enabled",
                "insidellm.langchain4j.enabled", "insidellm.langchain4j.run-idle-timeout");
        assertThat(properties.get("insidellm.tracking.enabled").get("defaultValue").asBoolean()).isTrue();
        assertThat(properties.get("insidellm.langchain4j.run-idle-timeout").get("type").asText())
                .isEqualTo("java.time.Duration");
        assertThat(properties.get("insidellm.langchain4j.run-idle-timeout").get("defaultValue").asText())
                .isEqualTo("30m");
        assertThat(properties.get("insidellm.redaction.built-ins").get("type").asText())
                .isEqualTo("java.util.List<com.insidellm.spring.InsideLlmProperties$BuiltIn>");
        for (String name : new String[] {"insidellm.redaction.built-ins", "insidellm.redaction.patterns",
                "insidellm.tracking.enabled", "insidellm.langchain4j.enabled", "insidellm.langchain4j.run-idle-timeout"}) {
            assertThat(properties.get(name).path("description").asText()).as(name).isNotBlank();
        }
    }
}
