package com.insidellm;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one compact line per event through SLF4J, for development: type, ids, and the non-content facts (model,
 * tool, tokens, cost, timings, error type). Prompts and responses are never logged at INFO; the full wire JSON is
 * logged at TRACE. Logger: {@value #LOGGER_NAME}. Stateless and thread-safe.
 */
final class LoggingExporter implements EventExporter {

    static final String LOGGER_NAME = "com.insidellm.events";
    private static final Logger log = LoggerFactory.getLogger(LOGGER_NAME);
    private static final String[] FACTS = {"model_name", "provider", "tool_name", "function_name",
        "reasoning_type", "error_type", "metric_name", "metric_value", "metric_unit", "finish_reason", "cost",
        "response_time_ms", "execution_time_ms", "success", "session_duration_ms", "exit_reason"};

    static final LoggingExporter INSTANCE = new LoggingExporter();

    private LoggingExporter() {
    }

    @Override
    public ExportResult export(EventBatch batch) {
        if (!log.isInfoEnabled()) {
            return ExportResult.success();
        }
        for (int i = 0; i < batch.size(); i++) {
            log.info(summary(batch.events().get(i)));
            if (log.isTraceEnabled()) {
                log.trace(new String(batch.eventJson(i), StandardCharsets.UTF_8));
            }
        }
        return ExportResult.success();
    }

    static String summary(Event event) {
        StringBuilder line = new StringBuilder(160).append(event.type().wireValue())
                .append(" run=").append(event.runId(), 0, 8)
                .append(" event=").append(event.eventId(), 0, 8);
        if (event.parentEventId() != null) {
            line.append(" parent=").append(event.parentEventId(), 0, 8);
        }
        Map<String, @Nullable Object> payload = event.payload();
        for (String key : FACTS) {
            Object value = payload.get(key);
            if (value != null) {
                line.append(' ').append(key).append('=').append(value);
            }
        }
        if (payload.get("usage") instanceof Map<?, ?> usage) {
            line.append(" tokens=").append(usage.get("prompt_tokens")).append('/')
                    .append(usage.get("completion_tokens"));
        }
        return line.toString();
    }

    @Override
    public String name() {
        return "logging";
    }
}
