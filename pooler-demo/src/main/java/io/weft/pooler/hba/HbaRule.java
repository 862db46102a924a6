package io.weft.pooler.hba;

import io.weft.pooler.config.AuthMethod;
import java.net.InetAddress;
import java.util.Set;

/**
 * One line of the hba file.
 *
 * @param databases the names listed, or empty for {@code all}; {@code sameuser} matches the user's own database
 * @param users the names listed, or empty for {@code all}
 * @param method how a matching client authenticates; null for {@code reject}
 * @param line the line number in the hba file, for the log
 */
public record HbaRule(ConnectionType type, Set<String> databases, Set<String> users, AddressRange address,
                      AuthMethod method, int line) {

    /** Whether the line applies to this connection. */
    public boolean matches(InetAddress client, boolean encrypted, String database, String user) {
        return type.matches(encrypted)
                && (databases.isEmpty() || databases.contains(database)
                        || databases.contains("sameuser") && database.equals(user))
                && (users.isEmpty() || users.contains(user))
                && address.contains(client);
    }

    /** Whether a matching client is refused ({@code reject}). */
    public boolean rejects() {
        return method == null;
    }
}
