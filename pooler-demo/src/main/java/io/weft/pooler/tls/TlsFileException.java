package io.weft.pooler.tls;

import java.nio.file.Path;

/** A certificate or key file cannot be used; the message names the file and why. */
public final class TlsFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsFileException(Path file, String message) {
        super(file + ": " + message);
    }
}
