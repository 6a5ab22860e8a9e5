package com.insidellm;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Built-in {@link Redactor}s for common personal data and secrets, and regex redactors of the application's own.
 * Each replaces what it finds with a visible marker such as {@code [REDACTED_EMAIL]}, so a reader of the event can
 * see that something was removed. They are opt-in:
 *
 * <pre>{@code
 * InsideLlmClient client = InsideLlmClient.builder()
 *         .apiKey(key)
 *         .redact(Redactors.builtIns())                                   // all of the below
 *         .redact(Redactors.pattern("ACC-\\d{8}", "[REDACTED_ACCOUNT]"))   // and your own
 *         .build();
 * }</pre>
 *
 * <p>Patterns are tuned to miss little and to leave ids, dates and timestamps alone; they are no substitute for
 * not sending data you must not send ({@link InsideLlmClient.Builder#captureContent(boolean)}). All redactors are
 * immutable and thread-safe.
 */
public final class Redactors {

    /** What replaces a whole string whose redaction threw: {@value}. */
    public static final String FAILED_MARKER = "[REDACTION FAILED]";

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+)*"
                    + "\\.[A-Za-z]{2,}");
    /** Candidates: an optional +, then digits with separators; checked further by {@link #isPhoneNumber}. */
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+.\\-/:])\\+?(?:\\(\\d{1,4}\\)[ .-]?)?\\d[\\d .()-]{5,}\\d(?![\\w/:]|[.-]\\d)");
    private static final Pattern CARD = Pattern.compile("(?<![\\w.-])(?:\\d[ -]?){12,18}\\d(?![\\w-]|\\.\\d)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern API_KEY = Pattern.compile(String.join("|",
            "\\bsk-(?:proj-|ant-(?:api\\d{2}-)?|svcacct-)?[A-Za-z0-9_-]{16,}",      // OpenAI, Anthropic
            "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b",                                        // AWS access key ids
            "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}",     // JWTs
            "\\bgh[pousr]_[A-Za-z0-9]{30,}\\b",                                       // GitHub tokens
            "\\bAIza[0-9A-Za-z_-]{35}\\b",                                            // Google API keys
            "\\bxox[abprs]-[A-Za-z0-9-]{10,}"));                                     // Slack tokens

    // Each redactor first checks cheaply for what its pattern needs (an '@', enough digits, a key prefix), so that
    // the common prompt without personal data costs a scan, not a regex search from every position.
    private static final Redactor EMAILS = guarded(text -> text.indexOf('@') >= 0,
            replacing(EMAIL, "[REDACTED_EMAIL]", m -> true));
    private static final Redactor PHONES = guarded(text -> hasDigits(text, 8),
            replacing(PHONE, "[REDACTED_PHONE]", Redactors::isPhoneNumber));
    private static final Redactor CARDS = guarded(text -> hasDigits(text, 13),
            replacing(CARD, "[REDACTED_CARD]", Redactors::isCardNumber));
    private static final Redactor BEARER_TOKENS = guarded(text -> containsIgnoreCase(text, "bearer"),
            text -> BEARER.matcher(text).replaceAll("$1 [REDACTED_TOKEN]"));
    private static final Redactor API_KEYS = guarded(Redactors::mayContainApiKey,
            replacing(API_KEY, "[REDACTED_API_KEY]", m -> true));

    private Redactors() {
    }

    /** E-mail addresses, replaced with {@code [REDACTED_EMAIL]}. */
    public static Redactor emails() {
        return EMAILS;
    }

    /**
     * Phone numbers with 8 to 15 digits written with a leading {@code +} or with separators ({@code +44 20 7946
     * 0958}, {@code (555) 123-4567}, {@code 555.123.4567}), replaced with {@code [REDACTED_PHONE]}. Plain digit runs
     * (ids, amounts), dates and IP addresses are left alone.
     */
    public static Redactor phoneNumbers() {
        return PHONES;
    }

    /**
     * Payment card numbers: 13 to 19 digits, optionally grouped with spaces or dashes, that pass the Luhn check;
     * replaced with {@code [REDACTED_CARD]}.
     */
    public static Redactor cardNumbers() {
        return CARDS;
    }

    /** {@code Bearer} tokens (as in an {@code Authorization} header), replaced with {@code Bearer [REDACTED_TOKEN]}. */
    public static Redactor bearerTokens() {
        return BEARER_TOKENS;
    }

    /**
     * Common API-key shapes: OpenAI and Anthropic ({@code sk-...}), AWS access key ids ({@code AKIA...}), JWTs,
     * GitHub, Google and Slack tokens; replaced with {@code [REDACTED_API_KEY]}.
     */
    public static Redactor apiKeys() {
        return API_KEYS;
    }

    /** All built-in redactors: card numbers, API keys, bearer tokens, e-mail addresses and phone numbers. */
    public static Redactor[] builtIns() {
        return new Redactor[] {CARDS, API_KEYS, BEARER_TOKENS, EMAILS, PHONES};
    }

    /**
     * A redactor replacing every match of {@code regex} with {@code replacement} ({@code $1} refers to groups).
     *
     * @throws java.util.regex.PatternSyntaxException if the regex is invalid
     */
    public static Redactor pattern(String regex, String replacement) {
        return pattern(Pattern.compile(Objects.requireNonNull(regex, "regex")), replacement);
    }

    /** A redactor replacing every match of {@code pattern} with {@code replacement}. */
    public static Redactor pattern(Pattern pattern, String replacement) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(replacement, "replacement");
        return text -> pattern.matcher(text).replaceAll(replacement);
    }

    private static Redactor replacing(Pattern pattern, String marker, Predicate<String> accept) {
        String quoted = Matcher.quoteReplacement(marker);
        return text -> {
            Matcher m = pattern.matcher(text);
            if (!m.find()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length());
            do {
                m.appendReplacement(out, accept.test(m.group()) ? quoted : Matcher.quoteReplacement(m.group()));
            } while (m.find());
            m.appendTail(out);
            return out.toString();
        };
    }

    private static Redactor guarded(Predicate<String> mayMatch, Redactor redactor) {
        return text -> mayMatch.test(text) ? redactor.redact(text) : text;
    }

    private static boolean hasDigits(String text, int atLeast) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' && ++digits >= atLeast) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String text, String lowerCaseNeedle) {
        int last = text.length() - lowerCaseNeedle.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, lowerCaseNeedle, 0, lowerCaseNeedle.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayContainApiKey(String text) {
        return text.contains("sk-") || text.contains("AKIA") || text.contains("ASIA") || text.contains("eyJ")
                || text.contains("gh") && text.contains("_") || text.contains("AIza") || text.contains("xox");
    }

    static boolean isPhoneNumber(String candidate) {
        int digits = 0;
        boolean separated = false;
        boolean onlyDots = true;
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else {
                separated = true;
                if (c != '.') {
                    onlyDots = false;
                }
            }
        }
        if (digits < 8 || digits > 15) {
            return false;
        }
        if (candidate.matches("\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}.*") || candidate.matches("\\d{1,2}[-./]\\d{1,2}[-./]"
                + "\\d{4}")) {
            return false; // a date
        }
        if (onlyDots && separated && (!candidate.matches("\\d{2,4}(\\.\\d{2,4}){2,3}")
                || candidate.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return false; // a version number or an IPv4 address, not 415.555.0100
        }
        return candidate.startsWith("+") || separated;
    }

    static boolean isCardNumber(String candidate) {
        int sum = 0;
        int count = 0;
        boolean doubleIt = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            count++;
            doubleIt = !doubleIt;
        }
        return count >= 13 && count <= 19 && sum % 10 == 0;
    }
}
