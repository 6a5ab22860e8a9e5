package com.insidellm;

/** What a full queue gives up to stay within its bounds. */
public enum DropPolicy {
    /** Refuse the event being logged (the default): the oldest events, closest to delivery, are kept. */
    DROP_NEWEST,
    /** Remove the oldest queued event to make room: the newest events are kept. */
    DROP_OLDEST
}
