package io.weft.pooler.protocol;

/**
 * Numbers of the PostgreSQL frontend/backend protocol, version 3.0: the codes of the untyped
 * start-up packets, the authentication request codes of an Authentication ('R') message, and
 * the type bytes of the messages the pooler deals with.
 */
public final class Protocol {
    /** Protocol version 3.0 (major 3 in the high 16 bits, minor 0 in the low 16). */
    public static final int PROTOCOL_3_0 = 196608;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;
    public static final int CANCEL_REQUEST = 80877102;

    /** A start-up packet (length field included) is at most this long, as in PostgreSQL. */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;

    // Authentication request codes: the first int32 of an Authentication ('R') message.
    public static final int AUTH_OK = 0;
    public static final int AUTH_CLEARTEXT = 3;
    public static final int AUTH_MD5 = 5;
    public static final int AUTH_SASL = 10;
    public static final int AUTH_SASL_CONTINUE = 11;
    public static final int AUTH_SASL_FINAL = 12;

    /** The one SASL mechanism the pooler speaks (no channel binding, so no -PLUS). */
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";

    // Backend message types.
    public static final byte AUTHENTICATION = 'R';
    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte BIND_COMPLETE = '2';
    public static final byte CLOSE_COMPLETE = '3';
    public static final byte COMMAND_COMPLETE = 'C';
    public static final byte COPY_IN_RESPONSE = 'G';
    public static final byte COPY_OUT_RESPONSE = 'H';
    public static final byte COPY_BOTH_RESPONSE = 'W';
    public static final byte DATA_ROW = 'D';
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    public static final byte NO_DATA = 'n';
    public static final byte NOTICE_RESPONSE = 'N';
    public static final byte NOTIFICATION_RESPONSE = 'A';
    public static final byte PARAMETER_DESCRIPTION = 't';
    public static final byte PARAMETER_STATUS = 'S';
    public static final byte PARSE_COMPLETE = '1';
    public static final byte PORTAL_SUSPENDED = 's';
    public static final byte READY_FOR_QUERY = 'Z';
    public static final byte ROW_DESCRIPTION = 'T';

    // Frontend message types. 'p' is shared by PasswordMessage, SASLInitialResponse and
    // SASLResponse; 'd', 'c' (CopyData, CopyDone) go both ways.
    public static final byte BIND = 'B';
    public static final byte CLOSE = 'C';
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';
    public static final byte COPY_FAIL = 'f';
    public static final byte DESCRIBE = 'D';
    public static final byte EXECUTE = 'E';
    public static final byte FLUSH = 'H';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte PARSE = 'P';
    public static final byte PASSWORD = 'p';
    public static final byte QUERY = 'Q';
    public static final byte SYNC = 'S';
    public static final byte TERMINATE = 'X';

    // ReadyForQuery transaction status.
    public static final byte TX_IDLE = 'I';
    public static final byte TX_IN_TRANSACTION = 'T';
    public static final byte TX_FAILED = 'E';

    private Protocol() {
    }

    /** A type byte for a message: {@code 'Q'} when printable, else its hex value ({@code 0x00}). */
    public static String typeName(byte type) {
        return type >= 0x21 && type <= 0x7e ? "'" + (char) type + "'" : String.format("0x%02x", type & 0xff);
    }
}
