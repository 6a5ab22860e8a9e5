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

    private Bodies() {}

    /**
     * Reads the body within {@code limit} bytes (after gunzip too); answers 400/413/415 itself and then returns null.
     */
    public static byte @org.jspecify.annotations.Nullable [] read(HttpExchange ex, long limit) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    reject(ex, limit);
                    return null;
                }
            } catch (NumberFormatException e) {
                Http.error(ex, 400, "Content-Length is not a number");
                return null;
            }
        }
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
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
                Http.error(ex, 415, "Content-Encoding " + encoding + " is not supported; use gzip or identity");
                return null;
            }
            try {
                in = new GZIPInputStream(in, 8192);
            } catch (ZipException | EOFException e) {
                Http.error(ex, 400, "body is not valid gzip: " + e.getMessage());
                return null;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
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
            Http.error(ex, 400, "body is not valid gzip: " + e.getMessage());
            return null;
        }
        return out.toByteArray();
    }

    private static void reject(HttpExchange ex, long limit) throws IOException {
        // Closing the exchange lets the server discard the rest of the body (it closes the connection if it is large).
        Http.error(ex, 413, "body is larger than the limit of " + limit + " bytes; send smaller batches");
    }
}
