package com.insidellm.internal;

import com.fasterxml.jackson.core.io.CharTypes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a string to the content of a JSON string value, byte for byte as Jackson's UTF-8 generator does (with
 * the SDK's settings): ASCII with Jackson's escapes, other characters of the basic plane as UTF-8. Strings with a
 * surrogate (Jackson escapes those one character at a time) and very long ones are left to Jackson.
 *
 * <p>Why not Jackson's own loop: it reads every character through {@code String.charAt} and tests it, about 1.6 ns a
 * character, and strings were most of the flusher's time. Here the characters are copied out and narrowed to bytes
 * by the JDK's vectorised ISO-8859-1 encoder, and the bytes are searched for anything to escape eight at a time;
 * text without any (most of it) is handed to the generator as it is. Internal; not thread-safe (one per writer).
 */
final class WireStrings {

    /** Longer strings go to Jackson: the scratch buffers (six bytes a character at worst) stay small. */
    static final int MAX_CHARS = 1 << 14;

    /** Jackson's escapes for ASCII: 0 none, a character for a backslash escape, negative for a six-character one. */
    private static final int[] ESCAPES = CharTypes.get7BitOutputEscapes();
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Bytes that end a plain run: non-ASCII, or escaped. */
    private static final boolean[] SPECIAL = new boolean[256];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

    static {
        for (int b = 0; b < 256; b++) {
            SPECIAL[b] = b >= 0x80 || ESCAPES[b] != 0;
        }
    }

    private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
    private char[] chars = new char[0];
    private byte[] narrow = new byte[0];
    private byte[] out = new byte[0];
    private CharBuffer charBuffer = CharBuffer.wrap(chars);
    private ByteBuffer narrowBuffer = ByteBuffer.wrap(narrow);
    /** The array the last {@link #encode} left its bytes in. */
    private byte[] result = out;

    /** Encodes {@code s}; returns the number of bytes in {@link #bytes()}, or -1 when Jackson must write it. */
    int encode(String s) {
        int len = s.length();
        if (len > MAX_CHARS) {
            return -1;
        }
        if (chars.length < len) {
            int size = Math.max(len, Math.min(MAX_CHARS, chars.length * 2));
            chars = new char[size];
            narrow = new byte[size];
            charBuffer = CharBuffer.wrap(chars);
            narrowBuffer = ByteBuffer.wrap(narrow);
        }
        char[] c = chars;
        byte[] n = narrow;
        s.getChars(0, len, c, 0);
        int narrowed = narrow(0, len);
        int plain = nextSpecial(n, 0, narrowed);
        if (plain == len) {
            result = n;
            return len;
        }
        if (out.length < len * 6) {
            out = new byte[Math.max(len * 6, Math.min(MAX_CHARS * 6, out.length * 2))];
        }
        byte[] o = out;
        int p = 0;
        int i = 0;
        while (i < len) {
            if (i < narrowed) {
                int j = nextSpecial(n, i, narrowed);
                System.arraycopy(n, i, o, p, j - i);
                p += j - i;
                i = j;
                if (i == narrowed) {
                    continue;
                }
            } else if (Character.isSurrogate(c[i])) {
                return -1;
            }
            p = encode(c[i], o, p);
            i++;
            if (i > narrowed) {
                narrowed = narrow(i, len);
            }
        }
        result = o;
        return p;
    }

    /** The bytes of the last {@link #encode}. */
    byte[] bytes() {
        return result;
    }

    /** Narrows {@code chars[from, len)} into {@code narrow} up to the first character beyond Latin-1; returns it. */
    private int narrow(int from, int len) {
        charBuffer.limit(len).position(from);
        narrowBuffer.limit(narrowBuffer.capacity()).position(from);
        latin1.reset();
        latin1.encode(charBuffer, narrowBuffer, true);
        return charBuffer.position();
    }

    /** The first byte in {@code [from, to)} that is not plain ASCII, or {@code to}. */
    private static int nextSpecial(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long quote = w ^ 0x2222222222222222L;
            long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
            // A byte with its high bit set, below 0x20, equal to '"' or to '\\' (exact: which byte is found below).
            long hit = (w | ((w - 0x2020202020202020L) & ~w) | ((quote - ONES) & ~quote)
                    | ((backslash - ONES) & ~backslash)) & HIGH;
            if (hit != 0) {
                break;
            }
        }
        for (; i < to; i++) {
            if (SPECIAL[b[i] & 0xFF]) {
                return i;
            }
        }
        return to;
    }

    /** One character that is not a surrogate. */
    private static int encode(char ch, byte[] o, int p) {
        if (ch < 0x80) {
            int escape = ESCAPES[ch];
            if (escape == 0) {
                o[p++] = (byte) ch;
            } else if (escape > 0) {
                o[p++] = '\\';
                o[p++] = (byte) escape;
            } else {
                o[p++] = '\\';
                o[p++] = 'u';
                o[p++] = '0';
                o[p++] = '0';
                o[p++] = HEX[ch >> 4];
                o[p++] = HEX[ch & 0xF];
            }
        } else if (ch < 0x800) {
            o[p++] = (byte) (0xC0 | (ch >> 6));
            o[p++] = (byte) (0x80 | (ch & 0x3F));
        } else {
            o[p++] = (byte) (0xE0 | (ch >> 12));
            o[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
            o[p++] = (byte) (0x80 | (ch & 0x3F));
        }
        return p;
    }
}
