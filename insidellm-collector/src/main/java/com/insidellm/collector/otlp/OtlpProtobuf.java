package com.insidellm.collector.otlp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes an OTLP {@code ExportTraceServiceRequest} in the protobuf wire format, reading only the messages and fields
 * the receiver uses (resource attributes; span ids, name, kind, times, attributes, events, status) and skipping the
 * rest, as protobuf readers do with unknown fields.
 *
 * <p>Why a hand decoder rather than {@code opentelemetry-proto} with {@code protobuf-java}: those two jars add about
 * 2 MB to the collector's executable jar and bring protobuf-java, whose version an application embedding the
 * collector may already pin differently; the handful of messages read here (field numbers from
 * {@code opentelemetry/proto/trace/v1/trace.proto} and {@code common/v1/common.proto}) fit in one small class, and
 * the receiver tests feed it what the real OpenTelemetry Java SDK's exporter sends. Stateless.
 */
final class OtlpProtobuf {

    /**
     * Deepest attribute value (arrays and maps within arrays and maps) read. The decoder recurses per level, so without
     * a bound a small body of nested arrays overflows the handler thread's stack; real attributes nest a few levels.
     */
    static final int MAX_VALUE_DEPTH = 64;

    private OtlpProtobuf() {}

    /** A body that is not a valid export request. */
    static final class MalformedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** Decodes a whole request into its spans. */
    static List<OtlpSpan> decode(byte[] body) {
        List<OtlpSpan> spans = new ArrayList<>();
        Reader r = new Reader(body, 0, body.length);
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                resourceSpans(r.message(), spans);
            } else {
                r.skip(tag);
            }
        }
        return spans;
    }

    private static void resourceSpans(Reader r, List<OtlpSpan> out) {
        Map<String, Object> resource = Map.of();
        List<Reader> scopes = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3;
            if (field == 1 && (tag & 7) == 2) {
                resource = resource(r.message());
            } else if (field == 2 && (tag & 7) == 2) {
                scopes.add(r.message());
            } else {
                r.skip(tag);
            }
        }
        for (Reader scope : scopes) {
            while (scope.more()) {
                int tag = scope.tag();
                if (tag >>> 3 == 2 && (tag & 7) == 2) {
                    out.add(span(scope.message(), resource));
                } else {
                    scope.skip(tag);
                }
            }
        }
    }

    private static Map<String, Object> resource(Reader r) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                keyValue(r.message(), attributes, 0);
            } else {
                r.skip(tag);
            }
        }
        return attributes;
    }

    private static OtlpSpan span(Reader r, Map<String, Object> resource) {
        String traceId = null;
        String spanId = null;
        String parent = null;
        String name = "";
        int kind = 0;
        long start = 0;
        long end = 0;
        Map<String, Object> attributes = new LinkedHashMap<>();
        List<OtlpSpan.Event> events = new ArrayList<>();
        int statusCode = 0;
        String statusMessage = null;
        while (r.more()) {
            int tag = r.tag();
            int wire = tag & 7;
            switch (tag >>> 3) {
                case 1 -> traceId = hex(r.bytes(wire));
                case 2 -> spanId = hex(r.bytes(wire));
                case 4 -> {
                    byte[] p = r.bytes(wire);
                    parent = p.length == 0 || allZero(p) ? null : hex(p);
                }
                case 5 -> name = r.string(wire);
                case 6 -> kind = (int) r.varint(wire);
                case 7 -> start = r.fixed64(wire);
                case 8 -> end = r.fixed64(wire);
                case 9 -> keyValue(r.message(wire), attributes, 0);
                case 11 -> events.add(event(r.message(wire)));
                case 15 -> {
                    Reader status = r.message(wire);
                    while (status.more()) {
                        int st = status.tag();
                        if (st >>> 3 == 2) {
                            statusMessage = status.string(st & 7);
                        } else if (st >>> 3 == 3) {
                            statusCode = (int) status.varint(st & 7);
                        } else {
                            status.skip(st);
                        }
                    }
                }
                default -> r.skip(tag);
            }
        }
        if (traceId == null || traceId.length() != 32 || spanId == null || spanId.length() != 16) {
            throw new MalformedException("a span must have a 16-byte trace_id and an 8-byte span_id");
        }
        return new OtlpSpan(traceId, spanId, parent, name, kind, start, end, attributes, events, statusCode,
                statusMessage == null || statusMessage.isEmpty() ? null : statusMessage, resource);
    }

    private static OtlpSpan.Event event(Reader r) {
        long time = 0;
        String name = "";
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> time = r.fixed64(tag & 7);
                case 2 -> name = r.string(tag & 7);
                case 3 -> keyValue(r.message(tag & 7), attributes, 0);
                default -> r.skip(tag);
            }
        }
        return new OtlpSpan.Event(name, time, attributes);
    }

    private static void keyValue(Reader r, Map<String, Object> into, int depth) {
        String key = null;
        Object value = null;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> key = r.string(tag & 7);
                case 2 -> value = anyValue(r.message(tag & 7), depth);
                default -> r.skip(tag);
            }
        }
        if (key != null && value != null) {
            into.put(key, value);
        }
    }

    private static @Nullable Object anyValue(Reader r, int depth) {
        if (depth > MAX_VALUE_DEPTH) {
            throw new MalformedException("attribute values nested deeper than " + MAX_VALUE_DEPTH + " levels");
        }
        Object value = null;
        while (r.more()) {
            int tag = r.tag();
            int wire = tag & 7;
            switch (tag >>> 3) {
                case 1 -> value = r.string(wire);
                case 2 -> value = r.varint(wire) != 0;
                case 3 -> value = r.varint(wire);
                case 4 -> value = Double.longBitsToDouble(r.fixed64(wire));
                case 5 -> {
                    List<Object> list = new ArrayList<>();
                    Reader array = r.message(wire);
                    while (array.more()) {
                        int at = array.tag();
                        if (at >>> 3 == 1) {
                            Object item = anyValue(array.message(at & 7), depth + 1);
                            if (item != null) {
                                list.add(item);
                            }
                        } else {
                            array.skip(at);
                        }
                    }
                    value = list;
                }
                case 6 -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    Reader kvs = r.message(wire);
                    while (kvs.more()) {
                        int kt = kvs.tag();
                        if (kt >>> 3 == 1) {
                            keyValue(kvs.message(kt & 7), map, depth + 1);
                        } else {
                            kvs.skip(kt);
                        }
                    }
                    value = map;
                }
                case 7 -> value = Base64.getEncoder().encodeToString(r.bytes(wire));
                default -> r.skip(tag);
            }
        }
        return value;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(byte[] b) {
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }

    /** A cursor over one message's bytes. */
    private static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int limit;

        Reader(byte[] buf, int pos, int limit) {
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
        }

        boolean more() {
            return pos < limit;
        }

        int tag() {
            long tag = rawVarint();
            if (tag == 0 || tag > Integer.MAX_VALUE) {
                throw new MalformedException("invalid protobuf field tag " + tag);
            }
            return (int) tag;
        }

        private long rawVarint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= limit) {
                    throw new MalformedException("truncated protobuf varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new MalformedException("protobuf varint longer than 10 bytes");
        }

        long varint(int wire) {
            expect(wire, 0);
            return rawVarint();
        }

        long fixed64(int wire) {
            expect(wire, 1);
            if (limit - pos < 8) {
                throw new MalformedException("truncated protobuf fixed64");
            }
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (buf[pos + i] & 0xffL);
            }
            pos += 8;
            return v;
        }

        private int length(int wire) {
            expect(wire, 2);
            long len = rawVarint();
            if (len < 0 || len > limit - pos) {
                throw new MalformedException("protobuf length " + len + " runs past the end of its message");
            }
            return (int) len;
        }

        byte[] bytes(int wire) {
            int len = length(wire);
            byte[] out = new byte[len];
            System.arraycopy(buf, pos, out, 0, len);
            pos += len;
            return out;
        }

        String string(int wire) {
            int len = length(wire);
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }

        Reader message() {
            return message(2);
        }

        Reader message(int wire) {
            int len = length(wire);
            Reader sub = new Reader(buf, pos, pos + len);
            pos += len;
            return sub;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> rawVarint();
                case 1 -> advance(8);
                case 2 -> advance(length(2));
                case 5 -> advance(4);
                default -> throw new MalformedException("unsupported protobuf wire type " + (tag & 7));
            }
        }

        private void advance(int n) {
            if (n > limit - pos) {
                throw new MalformedException("truncated protobuf field");
            }
            pos += n;
        }

        private static void expect(int wire, int expected) {
            if (wire != expected) {
                throw new MalformedException("protobuf wire type " + wire + " where " + expected + " was expected");
            }
        }
    }
}
