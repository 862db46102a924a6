package io.weft.pooler.config;

/** When a client gives its server connection back to the pool. */
public enum Pipeline {
    /** At the end of the client's session; the connection is reset with DISCARD ALL. */
    SESSION,
    /** When ReadyForQuery says the server is idle (outside a transaction). */
    TRANSACTION
}
