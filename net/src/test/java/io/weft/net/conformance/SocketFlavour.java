package io.weft.net.conformance;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.opentest4j.TestAbortedException;

/**
 * Where a conformance test gets its sockets from. Test bodies only ever see
 * {@code java.net.Socket} and {@code java.net.ServerSocket}, so one body runs against the
 * JDK's classes (the reference) and against Weft's.
 */
enum SocketFlavour {
    /** The JDK's own {@code new Socket()} and {@code new ServerSocket()}: the reference. */
    JDK("jdk sockets") {
        @Override
        Socket socket() {
            return new Socket();
        }

        @Override
        Socket socket(InetAddress address, int port) throws IOException {
            return new Socket(address, port);
        }

        @Override
        Socket socket(String host, int port) throws IOException {
            return new Socket(host, port);
        }

        @Override
        ServerSocket serverSocket() throws IOException {
            return new ServerSocket();
        }

        @Override
        ServerSocket serverSocket(int port, int backlog, InetAddress bind) throws IOException {
            return new ServerSocket(port, backlog, bind);
        }

        @Override
        Class<? extends Socket> socketClass() {
            return Socket.class;
        }
    },

    /**
     * {@code io.weft.net.WeftSocket} and {@code WeftServerSocket}. Reached by reflection until
     * those classes are on this branch, so that the suite compiles and its JDK rows run
     * without them; the Weft rows abort (are skipped) while the classes are missing.
     */
    WEFT("weft sockets") {
        @Override
        Socket socket() throws IOException {
            return (Socket) construct(WeftClasses.socket(), new Class<?>[0]);
        }

        @Override
        Socket socket(InetAddress address, int port) throws IOException {
            return (Socket) construct(WeftClasses.socket(), new Class<?>[] {InetAddress.class, int.class}, address, port);
        }

        @Override
        Socket socket(String host, int port) throws IOException {
            return (Socket) construct(WeftClasses.socket(), new Class<?>[] {String.class, int.class}, host, port);
        }

        @Override
        ServerSocket serverSocket() throws IOException {
            return (ServerSocket) construct(WeftClasses.serverSocket(), new Class<?>[0]);
        }

        @Override
        ServerSocket serverSocket(int port, int backlog, InetAddress bind) throws IOException {
            return (ServerSocket) construct(WeftClasses.serverSocket(),
                    new Class<?>[] {int.class, int.class, InetAddress.class}, port, backlog, bind);
        }

        @Override
        Class<? extends Socket> socketClass() {
            return WeftClasses.socket().asSubclass(Socket.class);
        }
    };

    private final String description;

    SocketFlavour(String description) {
        this.description = description;
    }

    /** An unconnected socket: {@code new Socket()}. */
    abstract Socket socket() throws IOException;

    /** A socket connected by its constructor: {@code new Socket(address, port)}. */
    abstract Socket socket(InetAddress address, int port) throws IOException;

    /** A socket connected by its constructor: {@code new Socket(host, port)}. */
    abstract Socket socket(String host, int port) throws IOException;

    /** An unbound server socket: {@code new ServerSocket()}. */
    abstract ServerSocket serverSocket() throws IOException;

    /** A listening server socket: {@code new ServerSocket(port, backlog, bind)}. */
    abstract ServerSocket serverSocket(int port, int backlog, InetAddress bind) throws IOException;

    /** The class of the sockets this flavour's {@code ServerSocket.accept()} returns. */
    abstract Class<? extends Socket> socketClass();

    @Override
    public String toString() {
        return description;
    }

    /** Weft's socket classes, looked up once; absent until the net module has them. */
    private static final class WeftClasses {
        private static final Class<?> SOCKET = find("io.weft.net.WeftSocket");
        private static final Class<?> SERVER_SOCKET = find("io.weft.net.WeftServerSocket");

        static Class<?> socket() {
            return require(SOCKET, "io.weft.net.WeftSocket");
        }

        static Class<?> serverSocket() {
            return require(SERVER_SOCKET, "io.weft.net.WeftServerSocket");
        }

        private static Class<?> find(String name) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }

        private static Class<?> require(Class<?> c, String name) {
            if (c == null) {
                throw new TestAbortedException(name + " is not on the classpath yet");
            }
            return c;
        }
    }

    /** Calls a public constructor, unwrapping what it threw so tests see the real exception. */
    private static Object construct(Class<?> type, Class<?>[] parameters, Object... arguments) throws IOException {
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type.getName() + " lacks a public constructor that java.net's class has", e);
        }
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new AssertionError(cause);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
