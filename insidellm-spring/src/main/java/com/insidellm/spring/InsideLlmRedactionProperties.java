package com.insidellm.spring;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code insidellm.redaction.*} properties: redaction of strings in every event before it leaves the process.
 * Off by default. Bound once at startup by Spring.
 */
public class InsideLlmRedactionProperties {

    /** Built-in redactors to apply. */
    private List<InsideLlmProperties.BuiltIn> builtIns = new ArrayList<>();

    /** Additional regular expressions to replace, each with its replacement. */
    private List<PatternRule> patterns = new ArrayList<>();

    public List<InsideLlmProperties.BuiltIn> getBuiltIns() {
        return builtIns;
    }

    public void setBuiltIns(List<InsideLlmProperties.BuiltIn> builtIns) {
        this.builtIns = builtIns;
    }

    public List<PatternRule> getPatterns() {
        return patterns;
    }

    public void setPatterns(List<PatternRule> patterns) {
        this.patterns = patterns;
    }

    /** One regular expression and its replacement. */
    public static class PatternRule {

        /** The regular expression (java.util.regex syntax). */
        private @Nullable String regex;

        /** What each match is replaced with. */
        private String replacement = "[REDACTED]";

        public @Nullable String getRegex() {
            return regex;
        }

        public void setRegex(@Nullable String regex) {
            this.regex = regex;
        }

        public String getReplacement() {
            return replacement;
        }

        public void setReplacement(String replacement) {
            this.replacement = replacement;
        }
    }
}
