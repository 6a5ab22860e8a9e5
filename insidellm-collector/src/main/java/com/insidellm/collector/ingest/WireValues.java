package com.insidellm.collector.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Ids and timestamps in every form the InsideLLM Python SDK's pydantic model accepts, read and normalised to the
 * canonical wire form: lowercase hyphenated UUIDs, UTC ISO-8601 with microseconds and {@code Z}. Internal; stateless.
 */
public final class WireValues {

    /** How a rejected id is explained. */
    static final String UUID_FORMS = "a UUID such as 0196f5c2-7a1b-7c3d-8e4f-0123456789ab (upper case, 32 hex digits"
            + " without dashes, {braces} and urn:uuid: are accepted too)";
    /** How a rejected timestamp is explained. */
    static final String TIMESTAMP_FORMS = "an ISO-8601 time such as 2025-06-04T17:47:23.123456Z (a space for T, an"
            + " offset such as +02:00, no fraction, no zone for UTC, or Unix seconds are accepted too)";

    /**
     * Date, then optionally a time (T, t, space or _ between; minutes required, seconds and up to 9 fraction digits
     * optional) and a zone (Z, or ±HH, ±HHMM, ±HH:MM; none means UTC), as pydantic's datetime parser reads them.
     */
    private static final Pattern TIMESTAMP = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})"
            + "(?:[Tt _](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{0,9}))?)?\\s*([Zz]|[+-]\\d{2}(?::?\\d{2})?)?)?");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    /** pydantic reads a Unix time above this (in absolute value) as milliseconds, below as seconds. */
    private static final double MILLIS_THRESHOLD = 2e10;

    private WireValues() {}

    /**
     * The canonical form (lowercase, hyphenated) of a UUID written hyphenated or as 32 hex digits, in either case,
     * optionally in braces or after {@code urn:uuid:}; null when {@code s} is no UUID.
     */
    public static @Nullable String uuid(String s) {
        if (isCanonicalUuid(s)) {
            return s; // what every SDK and the gateway send: one pass, no copy
        }
        String v = s;
        if (v.length() > 9 && v.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
            v = v.substring(9);
        } else if (v.length() > 2 && v.charAt(0) == '{' && v.charAt(v.length() - 1) == '}') {
            v = v.substring(1, v.length() - 1);
        }
        if (v.length() == 36 && isHyphenated(v)) {
            return isCanonical(v) ? v : v.toLowerCase(Locale.ROOT);
        }
        if (v.length() == 32 && isHex(v, 0, 32)) {
            String h = v.toLowerCase(Locale.ROOT);
            return h.substring(0, 8) + '-' + h.substring(8, 12) + '-' + h.substring(12, 16) + '-' + h.substring(16, 20)
                    + '-' + h.substring(20);
        }
        return null;
    }

    /** Whether {@code s} is a hyphenated UUID (8-4-4-4-12 hexadecimal digits, either case). */
    static boolean isHyphenated(String s) {
        return isUuidShape(s, false);
    }

    /** Whether {@code s} is a hyphenated UUID in lower case (8-4-4-4-12 hexadecimal digits). */
    private static boolean isCanonicalUuid(String s) {
        return isUuidShape(s, true);
    }

    private static boolean isUuidShape(String s, boolean lowerOnly) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (lowerOnly ? !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) : !isHex(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCanonical(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'F') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isHex(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * A timestamp value — an ISO-8601 string in any form {@link #parseMicros(String)} reads, or a JSON number of Unix
     * seconds (milliseconds above 2·10¹⁰, as pydantic decides) — in microseconds since the epoch; null when invalid.
     */
    public static @Nullable Long micros(@Nullable JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            return parseMicros(v.asText());
        }
        if (v.isNumber()) {
            return unixMicros(v.decimalValue());
        }
        return null;
    }

    /** An ISO-8601 timestamp or a number of Unix seconds as a string, in microseconds since the epoch; else null. */
    public static @Nullable Long parseMicros(String s) {
        long fast = parseCanonicalMicros(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        String t = s.trim();
        if (NUMBER.matcher(t).matches()) {
            return unixMicros(new BigDecimal(t));
        }
        Matcher m = TIMESTAMP.matcher(t);
        if (!m.matches()) {
            return null;
        }
        int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long micros = 0;
        if (m.group(7) != null && !m.group(7).isEmpty()) {
            micros = Long.parseLong((m.group(7) + "00000").substring(0, 6));
        }
        long offsetSeconds = 0;
        String zone = m.group(8);
        if (zone != null && !zone.equalsIgnoreCase("Z")) {
            String digits = zone.substring(1).replace(":", "");
            int oh = Integer.parseInt(digits.substring(0, 2));
            int om = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
            if (oh > 23 || om > 59) {
                return null;
            }
            offsetSeconds = (zone.charAt(0) == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return ((epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds) * 1_000_000L) + micros;
    }

    private static @Nullable Long unixMicros(BigDecimal value) {
        BigDecimal seconds = value.abs().doubleValue() > MILLIS_THRESHOLD ? value.movePointLeft(3) : value;
        try {
            return seconds.movePointRight(6).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** The canonical form: UTC ISO-8601 with six fraction digits and {@code Z}, such as 2025-06-04T17:47:23.123456Z. */
    public static String iso(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        if (seconds >= 0 && t.getYear() <= 9999) {
            // By hand (every event the gateway records is formatted here): String.format parses its pattern each time.
            char[] out = new char[27];
            digits(out, 0, t.getYear(), 4);
            out[4] = '-';
            digits(out, 5, t.getMonthValue(), 2);
            out[7] = '-';
            digits(out, 8, t.getDayOfMonth(), 2);
            out[10] = 'T';
            digits(out, 11, t.getHour(), 2);
            out[13] = ':';
            digits(out, 14, t.getMinute(), 2);
            out[16] = ':';
            digits(out, 17, t.getSecond(), 2);
            out[19] = '.';
            digits(out, 20, fraction, 6);
            out[26] = 'Z';
            return new String(out);
        }
        return String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), fraction);
    }

    private static void digits(char[] out, int offset, int value, int count) {
        for (int i = offset + count - 1; i >= offset; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Whether {@code s} is already canonical ({@link #iso(long)}'s form). */
    static boolean isCanonicalTimestamp(String s) {
        return s.length() == 27 && s.charAt(26) == 'Z' && s.charAt(19) == '.' && s.charAt(10) == 'T';
    }

    /**
     * The common case without a regular expression: {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1–9 fraction digits, as
     * every SDK sends. Returns {@code Long.MIN_VALUE} for anything else (including out-of-range fields), which the
     * general parser then decides on.
     */
    private static long parseCanonicalMicros(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        long micros = 0;
        if (n > 20) {
            int fractionDigits = n - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1) {
                return Long.MIN_VALUE;
            }
            int fraction = digits(s, 20, fractionDigits);
            if (fraction < 0) {
                return Long.MIN_VALUE;
            }
            long nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
            micros = nanos / 1_000;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
        return ((epochDay * 86_400 + hour * 3_600L + minute * 60L + second) * 1_000_000L) + micros;
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
