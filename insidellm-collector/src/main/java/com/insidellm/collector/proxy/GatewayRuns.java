package com.insidellm.collector.proxy;

import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which run each gateway call belongs to. An {@code X-InsideLLM-Run-Id} header decides it; otherwise the conversation
 * fingerprint does: a request that continues a remembered conversation (one of its prefixes is a remembered request
 * plus answer) joins that conversation's run, anything else opens a new run. Runs the gateway opened end after the
 * idle time; a conversation that continues after its run ended opens a new run naming the previous one. The index and
 * the open runs are kept in the {@link ConversationStore}, so threading survives a restart. Internal. Confined to the
 * recorder's thread.
 */
final class GatewayRuns {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuns.class);
    /** Fingerprints held in memory (and loaded at start). */
    static final int CAPACITY = 100_000;
    /** Most runs kept open; beyond it the least recently active end early. */
    static final int MAX_OPEN_RUNS = 100_000;

    /** Where a call goes: its run, and when the run is new, the run it continues (if any). */
    record Placement(String runId, boolean started, @Nullable String previousRunId) {}

    /** A run that ended for being idle. */
    record Ended(ConversationStore.OpenRun run) {}

    private final ConversationStore store;
    private final ConversationKeys keys;
    private final long idleMicros;
    private final LinkedHashMap<String, String> runByFingerprint;
    /** Open runs, least recently active first (access order), so the idle check stops at the first active one. */
    private final LinkedHashMap<String, ConversationStore.OpenRun> open = new LinkedHashMap<>(1024, 0.75f, true);
    private final List<ConversationStore.Thread> unsavedThreads = new ArrayList<>();
    private final Map<String, ConversationStore.OpenRun> unsavedRuns = new HashMap<>();
    private final List<String> unsavedEnded = new ArrayList<>();

    GatewayRuns(ConversationStore store, ConversationKeys keys, Duration idle) {
        this.store = store;
        this.keys = keys;
        this.idleMicros = idle.toNanos() / 1000;
        this.runByFingerprint = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > CAPACITY;
            }
        };
        try {
            List<ConversationStore.Thread> recent = store.recentThreads(CAPACITY);
            for (int i = recent.size() - 1; i >= 0; i--) {
                runByFingerprint.put(recent.get(i).fingerprint(), recent.get(i).runId());
            }
            store.openRuns().stream().sorted(java.util.Comparator.comparingLong(ConversationStore.OpenRun::lastMicros))
                    .forEach(r -> open.put(r.runId(), r));
        } catch (StoreException e) {
            LOG.warn("could not read the gateway's conversation threading; conversations start afresh: {}",
                    e.getMessage());
        }
    }

    /** The request's fingerprints, computed once per call. */
    ConversationKeys.Request request(com.fasterxml.jackson.databind.JsonNode messages) {
        return keys.request(messages);
    }

    /** Places a call made at {@code atMicros} by {@code user}. */
    Placement place(@Nullable String runHeader, List<String> prefixes, String user, long atMicros) {
        if (runHeader != null) {
            return new Placement(runId(runHeader), false, null);
        }
        String found = null;
        // Never the whole request: an identical first request starts a conversation of its own.
        for (int i = prefixes.size() - 2; i >= 0 && found == null; i--) {
            found = runByFingerprint.get(prefixes.get(i));
        }
        if (found != null) {
            ConversationStore.OpenRun run = open.get(found);
            if (run != null) {
                touch(new ConversationStore.OpenRun(found, run.userId(), run.startedMicros(),
                        Math.max(run.lastMicros(), atMicros)));
                return new Placement(found, false, null);
            }
        }
        String runId = CallEvents.newRunId(atMicros / 1000);
        touch(new ConversationStore.OpenRun(runId, user, atMicros, atMicros));
        return new Placement(runId, true, found);
    }

    /** Remembers that the request followed by {@code answer} belongs to {@code runId}. */
    void remember(String fingerprint, String runId, long atMicros) {
        if (fingerprint.isEmpty()) {
            return;
        }
        if (!runId.equals(runByFingerprint.put(fingerprint, runId))) {
            unsavedThreads.add(new ConversationStore.Thread(fingerprint, runId, atMicros));
        }
    }


    /**
     * Ends the runs quiet since before {@code nowMicros} minus the idle time, and the least recently active ones
     * beyond {@value #MAX_OPEN_RUNS} open runs (one-shot calls each open a run), and returns them.
     */
    List<ConversationStore.OpenRun> endIdle(long nowMicros) {
        List<ConversationStore.OpenRun> ended = new ArrayList<>();
        java.util.Iterator<ConversationStore.OpenRun> it = open.values().iterator();
        while (it.hasNext()) {
            ConversationStore.OpenRun run = it.next();
            if (nowMicros - run.lastMicros() < idleMicros && open.size() <= MAX_OPEN_RUNS) {
                break;
            }
            it.remove();
            unsavedRuns.remove(run.runId());
            unsavedEnded.add(run.runId());
            ended.add(run);
        }
        return ended;
    }

    /** Writes what changed since the last save; a failure is logged and retried with the next save. */
    void save() {
        if (unsavedThreads.isEmpty() && unsavedRuns.isEmpty() && unsavedEnded.isEmpty()) {
            return;
        }
        try {
            store.save(List.copyOf(unsavedThreads), List.copyOf(unsavedRuns.values()), List.copyOf(unsavedEnded));
            unsavedThreads.clear();
            unsavedRuns.clear();
            unsavedEnded.clear();
        } catch (StoreException e) {
            LOG.warn("could not save the gateway's conversation threading (retried with the next call): {}",
                    e.getMessage());
            if (unsavedThreads.size() > CAPACITY) {
                unsavedThreads.subList(0, unsavedThreads.size() - CAPACITY).clear();
            }
        }
    }

    /** How many runs are open. */
    int openRuns() {
        return open.size();
    }

    private void touch(ConversationStore.OpenRun run) {
        open.put(run.runId(), run);
        unsavedRuns.put(run.runId(), run);
    }

    /**
     * A run id from a header: a UUID as given (lower case), anything else mapped to the same name-based UUID every
     * time, since run ids are UUIDs on the wire.
     */
    static String runId(String header) {
        try {
            return UUID.fromString(header).toString().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes(("insidellm-gateway-run:" + header).getBytes(StandardCharsets.UTF_8))
                    .toString();
        }
    }
}
