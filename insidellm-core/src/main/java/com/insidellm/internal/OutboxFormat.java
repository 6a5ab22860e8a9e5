package com.insidellm.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Outbox}'s file names and file format. Internal: not part of the public API.
 *
 * <p>Name: {@code <written at, epoch ms, 13 digits>-<sequence>-<process tag>-<events>.batch}, so that sorting by name
 * is sorting by age, and bounding by age or size never opens a file. Content: a header line
 * {@code insidellm-outbox/1 <events> <crc32c of the rest, hex>}, then each event's wire JSON on its own line.
 * Stateless.
 */
final class OutboxFormat {

    static final String SUFFIX = ".batch";
    /** Prefix of a file still being written; such names are never read as batches. */
    static final String TEMP_PREFIX = ".tmp-";
    private static final String MAGIC = "insidellm-outbox/1";

    private OutboxFormat() {
    }

    /** The name of a batch file of {@code events} events written at {@code writtenAtMillis}. */
    static String name(long writtenAtMillis, long sequence, String processTag, int events) {
        return String.format("%013d-%08d-%s-%d%s", writtenAtMillis, sequence % 100_000_000, processTag, events,
                SUFFIX);
    }

    /** When the file was written, from its name; {@link Long#MIN_VALUE} for a name this outbox did not write. */
    static long writtenAt(Path file) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        try {
            return Long.parseLong(name.substring(0, dash));
        } catch (RuntimeException foreign) {
            return Long.MIN_VALUE;
        }
    }

    /** The event count from the file name, or -1 for a name this outbox did not write. */
    static int eventCount(Path file) {
        String name = file.getFileName().toString();
        int dash = name.lastIndexOf('-');
        try {
            return Integer.parseInt(name.substring(dash + 1, name.length() - SUFFIX.length()));
        } catch (RuntimeException foreign) {
            return -1;
        }
    }

    /** Whether the name is one this outbox writes (a time and an event count it can read back). */
    static boolean isOwnName(Path file) {
        return eventCount(file) > 0 && writtenAt(file) != Long.MIN_VALUE;
    }

    /** A file's content for {@code events}, each one event's wire JSON without newlines. */
    static byte[] encode(List<byte[]> events) {
        CRC32C crc = new CRC32C();
        int size = 0;
        for (byte[] event : events) {
            crc.update(event);
            crc.update('\n');
            size += event.length + 1;
        }
        byte[] header = (MAGIC + " " + events.size() + " " + Long.toHexString(crc.getValue()) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + size);
        out.writeBytes(header);
        for (byte[] event : events) {
            out.writeBytes(event);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The events of a file's content, or null if the content does not check out. */
    static @Nullable List<byte[]> decode(byte[] content, int expectedCount) {
        int headerEnd = indexOf(content, 0);
        if (headerEnd < 0) {
            return null;
        }
        String[] header = new String(content, 0, headerEnd, StandardCharsets.US_ASCII).split(" ");
        if (header.length != 3 || !header[0].equals(MAGIC)) {
            return null;
        }
        int count;
        long crcValue;
        try {
            count = Integer.parseInt(header[1]);
            crcValue = Long.parseLong(header[2], 16);
        } catch (NumberFormatException e) {
            return null;
        }
        if (count != expectedCount || count <= 0) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(content, headerEnd + 1, content.length - headerEnd - 1);
        if (crc.getValue() != crcValue) {
            return null;
        }
        List<byte[]> events = new ArrayList<>(count);
        int start = headerEnd + 1;
        while (start < content.length) {
            int end = indexOf(content, start);
            if (end < 0) {
                return null;
            }
            events.add(Arrays.copyOfRange(content, start, end));
            start = end + 1;
        }
        return events.size() == count ? events : null;
    }

    /** Reads a whole file through its (locked) channel. */
    static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("outbox file too large: " + size);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // read until full
        }
        return buffer.array();
    }

    private static int indexOf(byte[] content, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
