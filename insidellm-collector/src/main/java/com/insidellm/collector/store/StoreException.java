package com.insidellm.collector.store;

/** A storage operation failed (the database refused, the disk is full, the store is closed). Internal. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception. */
    public StoreException(String message) {
        super(message);
    }
}
