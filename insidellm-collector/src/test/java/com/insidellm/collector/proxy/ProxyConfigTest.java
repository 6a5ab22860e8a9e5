package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyConfigTest {

    /** dolphin-logger's own example configuration, exactly as its README shows it. */
    static final String DOLPHIN_LOGGER_EXAMPLE = """
            {
              "models": [
                {
                  "provider": "openai",
                  "providerModel": "gpt-4.1",
                  "model": "gpt4.1",
                  "apiBase": "https://api.openai.com/v1",
                  "apiKey": "your_openai_api_key_here"
                },
                {
                  "provider": "anthropic",
                  "providerModel": "claude-3-7-sonnet-latest",
                  "model": "claude",
                  "apiKey": "your_anthropic_api_key_here"
                },
                {
                  "provider": "openai",
                  "providerModel": "claude-3-7-sonnet-latest",
                  "model": "claude-hyprlab",
                  "apiBase": "https://api.hyprlab.io/private",
                  "apiKey": "your_anthropic_api_key_here"
                },
                {
                  "provider": "openai",
                  "providerModel": "gemini-2.5-pro-preview-05-06",
                  "model": "gemini",
                  "apiBase": "https://generativelanguage.googleapis.com/v1beta/",
                  "apiKey": "your_google_api_key_here"
                },
                {
                  "provider": "ollama",
                  "providerModel": "codestral:22b-v0.1-q5_K_M",
                  "model": "codestral"
                },
                {
                  "provider": "ollama",
                  "providerModel": "dolphin3-24b",
                  "model": "dolphin"
                }
              ]
            }
            """;

    @TempDir
    Path dir;

    @Test
    void dolphinLoggersExampleLoadsUnchanged() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), DOLPHIN_LOGGER_EXAMPLE);

        ProxyConfig config = ProxyConfig.load(file, Map.of());

        assertThat(config.models()).containsOnlyKeys("gpt4.1", "claude", "claude-hyprlab", "gemini", "codestral",
                "dolphin");
        ProxyConfig.Route claude = config.models().get("claude");
        assertThat(claude.provider()).isEqualTo(ProxyConfig.Provider.ANTHROPIC);
        assertThat(claude.apiBase()).hasToString("https://api.anthropic.com");
        assertThat(claude.apiKey()).isEqualTo("your_anthropic_api_key_here");
        assertThat(config.models().get("gemini").apiBase())
                .hasToString("https://generativelanguage.googleapis.com/v1beta/");
        ProxyConfig.Route ollama = config.models().get("codestral");
        assertThat(ollama.apiBase()).hasToString("http://127.0.0.1:11434/v1");
        assertThat(ollama.apiKey()).isNull();
        assertThat(ollama.providerModel()).isEqualTo("codestral:22b-v0.1-q5_K_M");
        assertThat(config.suppressPrefixes()).containsExactly("### Task:");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void envReferencesResolveAndAnUnsetOneIsAWarningNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("proxy.json"), """
                {"models": [
                  {"provider": "openai", "providerModel": "gpt-4o", "model": "a", "apiBase": "http://localhost:1/v1",
                   "apiKey": "ENV:SET_KEY"},
                  {"provider": "openai", "providerModel": "gpt-4o", "model": "b", "apiBase": "http://localhost:1/v1",
                   "apiKey": "ENV:UNSET_KEY"}]}""");

        ProxyConfig config = ProxyConfig.load(file, Map.of("SET_KEY", "sk-from-env-1234"));

        assertThat(config.models().get("a").apiKey()).isEqualTo("sk-from-env-1234");
        assertThat(config.models().get("b").apiKey()).isNull();
        assertThat(config.models().get("b").missingVariable()).isEqualTo("UNSET_KEY");
        assertThat(config.warnings()).singleElement().asString().contains("UNSET_KEY").contains("model b");
    }

    @Test
    void printingTheConfigurationNeverShowsAKey() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), DOLPHIN_LOGGER_EXAMPLE);

        String shown = ProxyConfig.load(file, Map.of()).toString();

        assertThat(shown).contains("gpt4.1").doesNotContain("your_openai_api_key_here")
                .doesNotContain("your_anthropic_api_key_here");
    }

    @Test
    void aFileThatDoesNotParseSaysWhereAndWhat() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.json"), "{\n  \"models\": [\n    {\"provider\": \"openai\",,}\n]}");

        assertThatThrownBy(() -> ProxyConfig.load(file, Map.of()))
                .isInstanceOfSatisfying(ProxyConfig.InvalidException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isPositive();
                    assertThat(e.describe()).startsWith(file + ":3:").contains("not valid JSON");
                });
    }

    @Test
    void modelsThatCannotBeUsedAreRefusedWithTheirPlace() throws Exception {
        Path unknown = Files.writeString(dir.resolve("a.json"),
                "{\"models\": [{\"provider\": \"google\", \"providerModel\": \"g\", \"model\": \"g\"}]}");
        Path missing = Files.writeString(dir.resolve("b.json"),
                "{\"models\": [{\"provider\": \"openai\", \"model\": \"g\"}]}");
        Path twice = Files.writeString(dir.resolve("c.json"), "{\"models\": ["
                + "{\"provider\": \"ollama\", \"providerModel\": \"x\", \"model\": \"m\"},"
                + "{\"provider\": \"ollama\", \"providerModel\": \"y\", \"model\": \"m\"}]}");

        assertThatThrownBy(() -> ProxyConfig.load(unknown, Map.of())).hasMessageContaining("models[0].provider")
                .hasMessageContaining("google");
        assertThatThrownBy(() -> ProxyConfig.load(missing, Map.of())).hasMessageContaining("providerModel");
        assertThatThrownBy(() -> ProxyConfig.load(twice, Map.of())).hasMessageContaining("configured twice");
    }
}
