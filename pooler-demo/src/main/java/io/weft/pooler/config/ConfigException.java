package io.weft.pooler.config;

import java.nio.file.Path;

/** A configuration file is wrong; the message names the file, the line and what is wrong. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
    }

    public ConfigException(String message) {
        super(message);
    }
}
