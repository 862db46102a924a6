package io.weft.pooler.tls;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** What both sides share: TLS 1.2 and 1.3 only, from one JDK "TLS" context. */
final class Protocols {
    static final String[] ENABLED = {"TLSv1.3", "TLSv1.2"};

    private Protocols() {
    }

    static SSLContext newContext() throws GeneralSecurityException {
        return SSLContext.getInstance("TLS");
    }

    static void restrict(SSLSocket s) {
        String[] supported = s.getSupportedProtocols();
        s.setEnabledProtocols(Arrays.stream(ENABLED).filter(p -> Arrays.asList(supported).contains(p))
                .toArray(String[]::new));
    }
}
