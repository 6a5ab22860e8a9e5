package com.insidellm.langchain4j;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.util.List;

/** A content retriever that records each retrieval as {@code retrieval.start} and {@code retrieval.end}. */
final class RecordingContentRetriever implements ContentRetriever {

    private final ContentRetriever delegate;
    private final String name;
    private final Recorder recorder;

    RecordingContentRetriever(ContentRetriever delegate, String name, Recorder recorder) {
        this.delegate = delegate;
        this.name = name;
        this.recorder = recorder;
    }

    @Override
    public List<Content> retrieve(Query query) {
        return recorder.retrieve(delegate, name, query);
    }

    @Override
    public String toString() {
        return "RecordingContentRetriever{" + name + "}";
    }
}
