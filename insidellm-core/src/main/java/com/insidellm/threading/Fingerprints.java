package com.insidellm.threading;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The fingerprints of {@link ConversationThreads}: chained SHA-256 over each message's canonical form, with white space
 * normalised. Their form is stable: threading files written by earlier versions must keep matching. Thread-safe.
 */
final class Fingerprints {

    private static final byte SEPARATOR = 0x1f;
    private static final byte[] NOTHING = new byte[0];
    /** Never used itself: cloned, which costs far less than a provider look-up per fingerprint. */
    private static final MessageDigest SHA_256 = newSha256();
    /** One digest per thread, reused: {@link #chain} resets it, so every fingerprint starts from a clean state. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Fingerprints::sha256);
    /**
     * The fingerprint of the last first message seen: most conversations open with the same system prompt, so a
     * request's first chain step is usually this one, known already. Immutable, replaced whole; racing threads store
     * equal values.
     */
    private static volatile @Nullable First first;

    private Fingerprints() {
    }

    /** Chains one message onto {@code previous}; {@code digest} is reset by the call, so it can be reused. */
    static byte[] chain(MessageDigest digest, byte[] previous, ConversationThreads.Message message) {
        digest.update(previous);
        digest.update(SEPARATOR);
        digest.update(message.toString().getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    /** {@link #chain} on this thread's digest. */
    static byte[] chain(byte[] previous, ConversationThreads.Message message) {
        return chain(DIGEST.get(), previous, message);
    }

    /**
     * The fingerprint of a conversation's first message, {@code [digest, key]}: taken from the last one computed when
     * the message is the same (the same fingerprint as {@link #chain} from nothing; only not computed twice).
     */
    static First first(ConversationThreads.Message message) {
        First known = first;
        String canonical = message.toString();
        if (known != null && known.canonical.equals(canonical)) {
            return known;
        }
        byte[] digest = chain(NOTHING, message);
        First computed = new First(canonical, digest, encode(digest));
        first = computed;
        return computed;
    }

    /** A first message's canonical form, its chained digest and that digest encoded (the prefix key). */
    record First(String canonical, byte[] digest, String key) {
    }

    static String encode(byte[] digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** {@code text} normalised, as a string: see {@link #normalise(StringBuilder, String)}. */
    static String normalise(@Nullable String text) {
        return normalise(new StringBuilder(), text).toString();
    }

    /**
     * Appends {@code text} with leading and trailing white space removed ({@link String#strip()}) and every run of
     * ASCII white space inside ({@code [ \t\n\x0B\f\r]+}, the regular expression {@code \s+}) replaced by one space.
     * One pass, no regular expression; {@code null} appends nothing.
     */
    static StringBuilder normalise(StringBuilder sb, @Nullable String text) {
        if (text == null) {
            return sb;
        }
        String stripped = text.strip();
        int length = stripped.length();
        int from = 0;
        for (int i = 0; i < length; i++) {
            char c = stripped.charAt(i);
            if (c <= ' ' && isAsciiSpace(c)) {
                int end = i + 1;
                while (end < length && isAsciiSpace(stripped.charAt(end))) {
                    end++;
                }
                if (end - i > 1 || c != ' ') {
                    sb.append(stripped, from, i).append(' ');
                    from = end;
                }
                i = end - 1;
            }
        }
        // Usually nothing to replace: one bulk copy.
        return from == 0 ? sb.append(stripped) : sb.append(stripped, from, length);
    }

    private static boolean isAsciiSpace(char c) {
        // ' ', or one of \t \n \u000b \f \r (9 to 13).
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** A new SHA-256 digest: a clone of {@link #SHA_256} (cheap), else from a provider look-up (not cheap). */
    static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            // Not with the JDK's provider; a look-up then.
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
