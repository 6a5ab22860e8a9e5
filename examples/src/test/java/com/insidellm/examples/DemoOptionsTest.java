package com.insidellm.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsToAnInteractiveDemoOfEveryExampleOnPort7800WithADatabaseOfItsOwn() {
        Demo.Options options = Demo.Options.parse();

        assertThat(options.interactive()).isTrue();
        assertThat(options.port()).isEqualTo(7800);
        assertThat(options.only()).containsExactly("QuickStart", "TrackerExample", "LangChain4jAgent",
                "SpringBootAgent", "SpringAiAgent", "OpenAiSdkAgent", "AnthropicSdkAgent", "GeminiSdkAgent");
        assertThat(options.database().getFileName().toString())
                .isEqualTo("events-" + ProcessHandle.current().pid() + ".db");
    }

    @Test
    void readsEveryOption() {
        Demo.Options options = Demo.Options.parse("--ci", "--port", "0", "--db", "x.db", "--only",
                "TrackerExample,QuickStart");

        assertThat(options.interactive()).isFalse();
        assertThat(options.port()).isZero();
        assertThat(options.database()).isEqualTo(Path.of("x.db"));
        assertThat(options.only()).containsExactly("TrackerExample", "QuickStart");
        assertThat(Demo.Options.parse("--non-interactive").interactive()).isFalse();
    }

    @Test
    void rejectsWhatItDoesNotKnowAndSaysWhatItDoes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Demo.Options.parse("--verbose"))
                .withMessage("unknown option --verbose; the options are --ci, --port <n>, --db <file>, --only <A,B>");
        assertThatIllegalArgumentException().isThrownBy(() -> Demo.Options.parse("--only", "Quickstart"))
                .withMessage("unknown example Quickstart; the examples are QuickStart, TrackerExample,"
                        + " LangChain4jAgent, SpringBootAgent, SpringAiAgent, OpenAiSdkAgent, AnthropicSdkAgent, GeminiSdkAgent");
        assertThatIllegalArgumentException().isThrownBy(() -> Demo.Options.parse("--port", "http"))
                .withMessage("--port must be a number from 0 to 65535, but was http");
        assertThatIllegalArgumentException().isThrownBy(() -> Demo.Options.parse("--db"))
                .withMessage("--db needs a value");
    }
}
