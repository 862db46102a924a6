package io.weft.poller;

import java.util.Properties;

/** Reading weft's system properties, with errors that name the property (shared by every module's config). */
public final class ConfigProperties {
    private ConfigProperties() {}

    /** The int value of {@code name}, or {@code dflt} when unset or blank. */
    public static int intValue(Properties props, String name, int dflt) {
        String v = props.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + ": not an integer");
        }
    }
}
