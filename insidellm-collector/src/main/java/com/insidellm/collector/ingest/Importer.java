package com.insidellm.collector.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.insidellm.collector.store.StoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the SDK's local-mode files: one wire-format event per line, {@code *.jsonl}, a file or a directory tree.
 * Internal.
 */
public final class Importer {

    private static final Logger LOG = LoggerFactory.getLogger(Importer.class);
    private static final int BATCH = 1000;

    /** Totals of one import. */
    public record Totals(int files, long accepted, long duplicates, long rejected) {}

    private final Ingestor ingestor;
    private final ObjectMapper mapper;

    /** Creates an importer feeding {@code ingestor}. */
    public Importer(Ingestor ingestor, ObjectMapper mapper) {
        this.ingestor = ingestor;
        this.mapper = mapper;
    }

    /** Imports {@code path}: a {@code .jsonl} file, or every {@code *.jsonl} file below a directory, in name order. */
    public Totals importPath(Path path) throws IOException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jsonl"))
                        .sorted().toList();
            }
        } else if (Files.isRegularFile(path)) {
            files = List.of(path);
        } else {
            throw new IOException("nothing to import at " + path + ": not a file or directory");
        }
        long accepted = 0;
        long duplicates = 0;
        long rejected = 0;
        for (Path file : files) {
            long[] t = importFile(file);
            accepted += t[0];
            duplicates += t[1];
            rejected += t[2];
        }
        return new Totals(files.size(), accepted, duplicates, rejected);
    }

    private long[] importFile(Path file) throws IOException {
        long[] totals = new long[3];
        ArrayNode batch = mapper.createArrayNode();
        int lineNo = 0;
        int firstLine = 1;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    batch.add(mapper.readTree(line));
                } catch (JsonProcessingException e) {
                    totals[2]++;
                    LOG.warn("{}:{}: not JSON, skipped: {}", file, lineNo, e.getOriginalMessage());
                    continue;
                }
                if (batch.size() >= BATCH) {
                    flush(file, firstLine, batch, totals);
                    firstLine = lineNo + 1;
                }
            }
        }
        flush(file, firstLine, batch, totals);
        LOG.info("imported {}: {} new, {} already present, {} rejected", file, totals[0], totals[1], totals[2]);
        return totals;
    }

    private void flush(Path file, int firstLine, ArrayNode batch, long[] totals) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        try {
            Ingestor.Result r = ingestor.ingest(batch);
            totals[0] += r.accepted();
            totals[1] += r.duplicates();
            totals[2] += r.rejected().size();
            for (Ingestor.Rejection rej : r.rejected()) {
                LOG.warn("{}: event {} of the batch from line {} rejected: {}", file, rej.index(), firstLine, rej.reason());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("import interrupted", e);
        } catch (StoreException e) {
            throw new IOException("storing events from " + file + " failed: " + e.getMessage(), e);
        }
        batch.removeAll();
    }
}
