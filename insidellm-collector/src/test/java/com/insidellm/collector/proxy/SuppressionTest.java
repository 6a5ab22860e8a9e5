package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuppressionTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void theLastUserMessageDecides() throws Exception {
        List<String> prefixes = ProxyConfig.DEFAULT_SUPPRESS_PREFIXES;
        assertThat(Suppression.suppressed(mapper.readTree("""
                {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
                              {"role": "user", "content": "### Task:\\nGenerate a title"}]}"""), prefixes)).isTrue();
        assertThat(Suppression.suppressed(mapper.readTree("""
                {"messages": [{"role": "user", "content": [{"type": "text", "text": "  ### Task: tags"}]}]}"""),
                prefixes)).isTrue();
        assertThat(Suppression.suppressed(mapper.readTree("""
                {"messages": [{"role": "user", "content": "### Task: old"}, {"role": "user", "content": "real"}]}"""),
                prefixes)).isFalse();
        assertThat(Suppression.suppressed(mapper.readTree("""
                {"messages": [{"role": "user", "content": "### Task: x"}]}"""), List.of())).isFalse();
    }
}
