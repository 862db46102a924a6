package io.weft.pooler.session;

import io.weft.pooler.config.AuthMethod;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.hba.HbaFile;
import io.weft.pooler.hba.HbaRule;
import io.weft.pooler.protocol.SqlState;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Whether a client may try to log in, and with which method: client_tls = require, then the hba
 * file's first matching line (without one, auth_method for everybody). Refusals carry
 * PostgreSQL's own texts and SQLSTATE 28000, so clients and scripts see what they would from
 * PostgreSQL.
 */
final class ClientAccess {
    private ClientAccess() {
    }

    /** The method the client authenticates with; throws the FATAL for a refused client. */
    static AuthMethod method(PoolerConfig config, InetAddress client, boolean encrypted, String database, String user)
            throws ClientAuthenticator.AuthFailure {
        if (config.security().clientTls().required() && !encrypted) {
            throw new ClientAuthenticator.AuthFailure(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "SSL required: the pooler's client_tls = require refuses connections without encryption from host \""
                            + hostText(client) + "\", user \"" + user + "\", database \"" + database + "\"");
        }
        HbaFile hba = config.security().hba();
        if (hba == null) return config.authMethod();
        Optional<HbaRule> rule = hba.match(client, encrypted, database, user);
        String who = "host \"" + hostText(client) + "\", user \"" + user + "\", database \"" + database + "\", "
                + (encrypted ? "SSL encryption" : "no encryption");
        if (rule.isEmpty()) {
            throw new ClientAuthenticator.AuthFailure(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no pg_hba.conf entry for " + who);
        }
        if (rule.get().rejects()) {
            throw new ClientAuthenticator.AuthFailure(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "pg_hba.conf rejects connection for " + who);
        }
        return rule.get().method();
    }

    /** The address as PostgreSQL prints it: dotted IPv4, or IPv6 with its longest zero run as "::". */
    static String hostText(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a.getHostAddress();
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1; // a single zero group stays "0", as in RFC 5952
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
