package com.insidellm.collector.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daily partitions of the events table ({@code events_20261203} holds that UTC day) and of the search table
 * ({@code event_search_20261203}, filled by {@link PgSearchIndexer}): created together on first use by the writer,
 * inside its transaction and so under the global write lock (two instances never race to create one), and dropped
 * together by retention. Internal. Thread-safe.
 */
final class Partitions {

    static final long DAY_MICROS = 86_400_000_000L;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'events_'uuuuMMdd");
    private static final DateTimeFormatter SEARCH_NAME = DateTimeFormatter.ofPattern("'event_search_'uuuuMMdd");

    /** Days (since the epoch) whose partition this instance knows to exist. */
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    static long day(long micros) {
        return Math.floorDiv(micros, DAY_MICROS);
    }

    static String name(long day) {
        return LocalDate.ofEpochDay(day).format(NAME);
    }

    static String searchName(long day) {
        return LocalDate.ofEpochDay(day).format(SEARCH_NAME);
    }

    /** Whether this instance knows a partition for each of {@code days}. */
    boolean knowsAll(Collection<Long> days) {
        return known.containsAll(days);
    }

    /** Creates the partitions of {@code days} that this instance has not seen yet. */
    void ensure(Connection c, Collection<Long> days) throws SQLException {
        List<Long> missing = new ArrayList<>();
        for (Long day : days) {
            if (!known.contains(day)) {
                missing.add(day);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (Statement st = c.createStatement()) {
            for (long day : missing) {
                st.execute("CREATE TABLE IF NOT EXISTS " + name(day) + " PARTITION OF events FOR VALUES FROM ("
                        + day * DAY_MICROS + ") TO (" + (day + 1) * DAY_MICROS + ")");
                st.execute(createSearch(day));
            }
        }
        known.addAll(missing);
    }

    private static String createSearch(long day) {
        return "CREATE TABLE IF NOT EXISTS " + searchName(day) + " PARTITION OF event_search FOR VALUES FROM ("
                + day * DAY_MICROS + ") TO (" + (day + 1) * DAY_MICROS + ")";
    }

    /**
     * Creates a search partition for every day that has an events partition, for the indexer when it finds one
     * missing (the writer creates both; this covers a partition made by hand or an interrupted creation).
     */
    static void ensureSearch(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (long day : existing(c, "events")) {
                st.execute(createSearch(day));
            }
        }
    }

    /** Forgets what it knew; another instance's retention may have dropped a partition. */
    void forget() {
        known.clear();
    }

    /** The days that have a partition of {@code parent} ({@code events} or {@code event_search}), oldest first. */
    static List<Long> existing(Connection c, String parent) throws SQLException {
        List<Long> days = new ArrayList<>();
        DateTimeFormatter format = parent.equals("events") ? NAME : SEARCH_NAME;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT ch.relname FROM pg_inherits i"
                + " JOIN pg_class ch ON ch.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent"
                + " WHERE p.relname = '" + parent + "' AND pg_table_is_visible(p.oid) ORDER BY ch.relname")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.matches(parent + "_\\d{8}")) {
                    days.add(LocalDate.parse(name, format).toEpochDay());
                }
            }
        }
        return days;
    }

    /**
     * Drops every events partition that ends at or before {@code cutoffMicros}, and the search partition of each such
     * day; returns how many days.
     */
    int dropBefore(Connection c, long cutoffMicros) throws SQLException {
        int dropped = 0;
        try (Statement st = c.createStatement()) {
            for (long day : existing(c, "events")) {
                if ((day + 1) * DAY_MICROS <= cutoffMicros) {
                    st.execute("DROP TABLE IF EXISTS " + name(day));
                    known.remove(day);
                    dropped++;
                }
            }
            for (long day : existing(c, "event_search")) {
                if ((day + 1) * DAY_MICROS <= cutoffMicros) {
                    st.execute("DROP TABLE IF EXISTS " + searchName(day));
                }
            }
        }
        return dropped;
    }
}
