package com.insidellm.internal;

import com.insidellm.EventBatch;

/**
 * What the engine may ask of a built-in exporter beyond the {@link com.insidellm.EventExporter} SPI: work ahead on
 * the flusher thread, and cancel a request still in flight when {@code close()} is out of time. Internal.
 */
public interface ExporterControl {

    /** Prepares {@code batch} for sending (for example compresses it); called on the flusher thread. */
    void prepare(EventBatch batch);

    /** Cancels the request in flight, if any; called from the thread closing the client. */
    void cancelInFlight();
}
