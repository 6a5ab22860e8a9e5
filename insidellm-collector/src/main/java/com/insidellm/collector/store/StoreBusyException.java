package com.insidellm.collector.store;

/** Ingest outpaces the writer for longer than the store's queue can absorb; answered with 503. Internal. */
public final class StoreBusyException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public StoreBusyException(String message) {
        super(message);
    }
}
