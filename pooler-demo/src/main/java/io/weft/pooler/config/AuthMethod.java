package io.weft.pooler.config;

import java.util.Locale;

/** How the pooler authenticates its clients. */
public enum AuthMethod {
    TRUST("trust"),
    PASSWORD("password"),
    MD5("md5"),
    SCRAM_SHA_256("scram-sha-256");

    private final String configName;

    AuthMethod(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The method named {@code s} as in the configuration ({@code scram-sha-256}); throws if none is. */
    public static AuthMethod parse(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        for (AuthMethod m : values()) {
            if (m.configName.equals(n)) return m;
        }
        throw new IllegalArgumentException("expected trust, password, md5 or scram-sha-256, got '" + s + "'");
    }
}
