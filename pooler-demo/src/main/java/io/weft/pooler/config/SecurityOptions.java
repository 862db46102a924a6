package io.weft.pooler.config;

import io.weft.pooler.hba.HbaFile;
import io.weft.pooler.tls.ClientTls;
import io.weft.pooler.tls.ClientTlsMode;
import io.weft.pooler.tls.PemFiles;
import io.weft.pooler.tls.ServerTls;
import io.weft.pooler.tls.ServerTlsMode;
import io.weft.pooler.tls.TlsFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The [pooler] options about who may connect and how: TLS to clients and to servers, the hba
 * file, and the per-database and per-user client limits. Certificate, key and hba files are read
 * here, so a bad one fails the load (or a reload) with its file, and the line of the option
 * that named it.
 *
 * @param hba the hba file, or null: every client authenticates with auth_method
 * @param maxDbConnections clients at once per database (0: no limit)
 * @param maxUserConnections clients at once per user (0: no limit)
 */
public record SecurityOptions(ClientTls clientTls, ServerTls serverTls, HbaFile hba, int maxDbConnections,
                              int maxUserConnections) {

    /** No TLS, no hba file, no per-database or per-user limit. */
    public static final SecurityOptions NONE = new SecurityOptions(ClientTls.DISABLED, ServerTls.DISABLED, null, 0, 0);

    static SecurityOptions read(PoolerConfig.Values v, Path dir) throws ConfigException {
        String cert = v.string("tls_cert_file", null);
        String key = v.string("tls_key_file", null);
        ClientTlsMode clientMode = ClientTlsMode.valueOf(v.choice("client_tls", cert != null ? "allow" : "disable",
                Set.of("disable", "allow", "require")).toUpperCase(Locale.ROOT));
        ClientTls clientTls = ClientTls.DISABLED;
        if (clientMode != ClientTlsMode.DISABLE) {
            if (cert == null || key == null) {
                throw v.error("client_tls", clientMode.name().toLowerCase(Locale.ROOT)
                        + " needs tls_cert_file and tls_key_file (PEM)");
            }
            Path certPath = dir.resolve(cert);
            try {
                PemFiles.certificates(certPath); // its own errors point at its own line
            } catch (TlsFileException e) {
                throw v.error("tls_cert_file", e.getMessage());
            }
            try {
                clientTls = ClientTls.load(clientMode, certPath, dir.resolve(key));
            } catch (TlsFileException e) {
                throw v.error("tls_key_file", e.getMessage());
            }
        }
        ServerTlsMode serverMode = ServerTlsMode.valueOf(v.choice("server_tls", "disable",
                Set.of("disable", "prefer", "require", "verify-ca", "verify-full"))
                .toUpperCase(Locale.ROOT).replace('-', '_'));
        String ca = v.string("server_tls_ca_file", null);
        ServerTls serverTls = ServerTls.DISABLED;
        if (serverMode != ServerTlsMode.DISABLE) {
            boolean verify = serverMode == ServerTlsMode.VERIFY_CA || serverMode == ServerTlsMode.VERIFY_FULL;
            if (verify && ca == null) {
                throw v.error("server_tls", serverMode.configName() + " needs server_tls_ca_file (the CA certificates"
                        + " that signed the server's certificate, PEM)");
            }
            try {
                serverTls = ServerTls.load(serverMode, ca == null ? null : dir.resolve(ca));
            } catch (TlsFileException e) {
                throw v.error("server_tls_ca_file", e.getMessage());
            }
        }
        String hbaFile = v.string("hba_file", null);
        HbaFile hba = hbaFile == null ? null : HbaFile.read(dir.resolve(hbaFile));
        int maxDb = v.integer("max_db_connections", 0, 0, 100_000);
        int maxUser = v.integer("max_user_connections", 0, 0, 100_000);
        return new SecurityOptions(clientTls, serverTls, hba, maxDb, maxUser);
    }
}
