package com.insidellm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK's own version, read from a resource the build fills in. Internal; the HTTP exporter's user agent. */
public final class Version {

    public static final String SDK_VERSION = load();

    private Version() {
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("insidellm-version.properties")) {
            if (in != null) {
                Properties props = new Properties();
                props.load(in);
                String version = props.getProperty("version");
                if (version != null && !version.startsWith("$")) {
                    return version;
                }
            }
        } catch (IOException ignored) {
            // fall through to the placeholder
        }
        return "unknown";
    }
}
