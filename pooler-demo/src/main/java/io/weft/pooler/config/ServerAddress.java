package io.weft.pooler.config;

import java.util.List;

/**
 * A PostgreSQL server the pooler connects to: a {@code [server NAME]} section. {@code databases}
 * lists the databases it serves (its {@code databases} option); empty means every database.
 */
public record ServerAddress(String name, String host, int port, List<String> databases) {
    public ServerAddress {
        databases = List.copyOf(databases);
    }

    /** A server for every database. */
    public ServerAddress(String name, String host, int port) {
        this(name, host, port, List.of());
    }

    /** Whether new connections to {@code database} may go to this server. */
    public boolean serves(String database) {
        return databases.isEmpty() || databases.contains(database);
    }

    /** The same section, host and port: what identifies a server across reloads. */
    public boolean sameServer(ServerAddress other) {
        return other != null && name.equals(other.name) && host.equals(other.host) && port == other.port;
    }

    @Override
    public String toString() {
        return name + " (" + host + ":" + port + ")";
    }
}
