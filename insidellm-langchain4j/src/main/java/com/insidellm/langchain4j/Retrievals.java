package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmContext;
import com.insidellm.Payload;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrievals through a {@link RecordingContentRetriever}: {@code retrieval.start}, then {@code retrieval.end} with
 * the documents, or an {@code error}. The retriever runs with the retrieval as the current parent. Thread-safe.
 */
final class Retrievals {

    private static final Logger log = LoggerFactory.getLogger(Retrievals.class);

    private final Placements placements;

    Retrievals(Placements placements) {
        this.placements = placements;
    }

    List<Content> retrieve(ContentRetriever retriever, String retrieverName, Query query) {
        Placement placement;
        String startId = CallRecorder.newId();
        long start = System.nanoTime();
        String text = query.text() == null ? "" : query.text();
        try {
            placement = place(query);
            // Held with the invocation's other events while automatic threading has not decided its run yet.
            placements.emit(placement, placement.parentEventId(), Event.builder(EventType.RETRIEVAL_START)
                    .eventId(startId).payload(new Payload.RetrievalStart(text, retrieverName, null)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a retrieval start", e);
            return retriever.retrieve(query);
        }
        List<Content> contents;
        String runId = placement.run();
        try (InsideLlmContext.Scope ignored = runId == null ? null
                : InsideLlmContext.of(runId, placement.userId()).withParent(startId).makeCurrent()) {
            contents = retriever.retrieve(query);
        } catch (RuntimeException e) {
            try {
                if (CallRecorder.firstRecording(e)) {
                    placements.emit(placement, startId, CallRecorder.error(e.getClass().getName(), e, null,
                            Map.of("retriever_name", retrieverName), true));
                }
            } catch (RuntimeException | LinkageError recording) {
                log.debug("Could not record a retrieval error", recording);
            }
            throw e;
        }
        try {
            List<Map<String, ?>> documents = new ArrayList<>();
            for (Content content : contents == null ? List.<Content>of() : contents) {
                documents.add(document(content));
            }
            placements.emit(placement, startId, Event.builder(EventType.RETRIEVAL_END).payload(
                    new Payload.RetrievalEnd(text, documents, (System.nanoTime() - start) / 1_000_000)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a retrieval end", e);
        }
        return contents;
    }

    private Placement place(Query query) {
        Invocation invocation = null;
        if (query.metadata() != null && query.metadata().invocationContext() != null) {
            invocation = placements.invocation(query.metadata().invocationContext());
        }
        return placements.in(invocation, invocation == null ? null : invocation.chainStartId);
    }

    private static Map<String, ?> document(Content content) {
        Map<String, @Nullable Object> document = new LinkedHashMap<>();
        document.put("content", content.textSegment() == null ? null : content.textSegment().text());
        Object score = content.metadata() == null ? null : content.metadata().get(ContentMetadata.SCORE);
        document.put("score", score instanceof Number ? score : null);
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (content.textSegment() != null && content.textSegment().metadata() != null) {
            metadata.putAll(content.textSegment().metadata().toMap());
        }
        if (content.metadata() != null) {
            for (Map.Entry<ContentMetadata, Object> entry : content.metadata().entrySet()) {
                if (entry.getKey() != ContentMetadata.SCORE && entry.getValue() != null) {
                    metadata.put(entry.getKey().name().toLowerCase(Locale.ROOT), entry.getValue());
                }
            }
        }
        document.put("metadata", metadata);
        return document;
    }
}
