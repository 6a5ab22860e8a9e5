package com.insidellm.collector.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads request bodies within the size limit, gzip or identity. Internal; stateless. */
public final class Bodies {

    /**
     * How much of a rejected body we read and discard before answering. The JDK server drains only 64 KiB itself and
     * then closes the connection with the rest of the upload unread; the kernel answers unread data on close with a
     * reset, and a reset throws away the error answer the client has not read yet (it is still uploading). Reading the
     * rest first lets the answer arrive complete and keeps the connection; beyond this much we stop and say
     * {@code Connection: close} (a client that sends more than this after a rejection may lose the answer).
     */
    static final long DRAIN_BYTES = 8L << 20;

    /** Bodies up to this declared length are read into one array of that length. */
    static final int EXACT_BYTES = 1 << 20;

    private Bodies() {}

    /**
     * Reads the body within {@code limit} bytes (after gunzip too); answers 400/413/415 itself and then returns null.
     */
    public static byte @org.jspecify.annotations.Nullable [] read(HttpExchange ex, long limit) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
                if (declared > limit) {
                    reject(ex, limit);
                    return null;
                }
            } catch (NumberFormatException e) {
                refuse(ex, 400, "Content-Length is not a number");
                return null;
            }
        }
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        boolean identity = encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity");
        ByteArrayOutputStream out = null;
        if (identity && declared >= 0 && declared <= EXACT_BYTES) {
            // The common case (a gateway call, an uncompressed batch): exactly the declared bytes, in one array. The
            // general path below allocates 24 KiB of buffers per request, a third of what a gateway call allocated.
            // Only up to EXACT_BYTES: a larger declared length is not allocated before its bytes arrive.
            byte[] body = new byte[(int) declared];
            InputStream raw = ex.getRequestBody(); // not closed: see below
            int n = raw.readNBytes(body, 0, body.length);
            // Reading the end as well: the exchange's close otherwise drains it with a 2 KiB buffer of its own.
            int next = n < body.length ? -1 : raw.read();
            if (next < 0) {
                return n == body.length ? body : java.util.Arrays.copyOf(body, n);
            }
            out = new ByteArrayOutputStream(body.length + 8192); // more than declared: read on as any body
            out.write(body);
            out.write(next);
        }
        // Never close the exchange's request stream here: closing drains it to the end, and a chunked gzip body (what
        // the SDK sends) ends with a tiny terminating chunk that the client's Nagle algorithm holds back until our ACK,
        // which the kernel delays by up to 40 ms. Answering first carries that ACK; the exchange drains the rest after.
        InputStream in = new FilterInputStream(ex.getRequestBody()) {
            @Override
            public void close() {
                // shield: see above
            }
        };
        if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
            if (!encoding.trim().equalsIgnoreCase("gzip")) {
                refuse(ex, 415, "Content-Encoding " + encoding + " is not supported; use gzip or identity");
                return null;
            }
            try {
                in = new GZIPInputStream(in, 8192);
            } catch (ZipException | EOFException e) {
                refuse(ex, 400, "body is not valid gzip: " + e.getMessage());
                return null;
            }
        }
        if (out == null) {
            out = new ByteArrayOutputStream(8192);
        }
        byte[] buf = new byte[16384];
        try (InputStream body = in) {
            int n;
            while ((n = body.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    reject(ex, limit);
                    return null;
                }
            }
        } catch (ZipException | EOFException e) {
            refuse(ex, 400, "body is not valid gzip: " + e.getMessage());
            return null;
        }
        return out.toByteArray();
    }

    private static void reject(HttpExchange ex, long limit) throws IOException {
        refuse(ex, 413, "body is larger than the limit of " + limit + " bytes; send smaller batches");
    }

    /** Answers a body we will not use, after reading the rest of it (see {@link #DRAIN_BYTES}). */
    private static void refuse(HttpExchange ex, int status, String message) throws IOException {
        if (!drain(ex)) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        Http.error(ex, status, message);
    }

    /**
     * Reads and discards what is left of the request body, at most {@link #DRAIN_BYTES}; true when it reached the end.
     * A declared length beyond the bound is not read at all: the connection closes either way.
     */
    private static boolean drain(HttpExchange ex) {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            if (length != null && Long.parseLong(length.trim()) > DRAIN_BYTES) {
                return false;
            }
        } catch (NumberFormatException e) {
            return false;
        }
        InputStream body = ex.getRequestBody();
        byte[] buf = new byte[16384];
        long left = DRAIN_BYTES;
        try {
            while (left > 0) {
                int n = body.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return true;
                }
                left -= n;
            }
            return body.read() < 0;
        } catch (IOException e) {
            // The client hung up or sent a broken chunk: nothing left to answer politely.
            return false;
        }
    }
}
