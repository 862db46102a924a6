package io.weft.net.conformance;

import io.weft.net.WeftServerSocket;
import io.weft.net.WeftServerSocketFactory;
import io.weft.net.WeftSocket;
import io.weft.net.WeftSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

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

        @Override
        SocketFactory socketFactory() {
            return SocketFactory.getDefault();
        }

        @Override
        ServerSocketFactory serverSocketFactory() {
            return ServerSocketFactory.getDefault();
        }
    },

    /** {@code io.weft.net.WeftSocket} and {@code WeftServerSocket}. */
    WEFT("weft sockets") {
        @Override
        Socket socket() throws IOException {
            return new WeftSocket();
        }

        @Override
        Socket socket(InetAddress address, int port) throws IOException {
            return new WeftSocket(address, port);
        }

        @Override
        Socket socket(String host, int port) throws IOException {
            return new WeftSocket(host, port);
        }

        @Override
        ServerSocket serverSocket() throws IOException {
            return new WeftServerSocket();
        }

        @Override
        ServerSocket serverSocket(int port, int backlog, InetAddress bind) throws IOException {
            return new WeftServerSocket(port, backlog, bind);
        }

        @Override
        Class<? extends Socket> socketClass() {
            return WeftSocket.class;
        }

        @Override
        SocketFactory socketFactory() {
            return WeftSocketFactory.getDefault();
        }

        @Override
        ServerSocketFactory serverSocketFactory() {
            return WeftServerSocketFactory.getDefault();
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

    /** {@code SocketFactory.getDefault()} or {@code WeftSocketFactory.getDefault()}. */
    abstract SocketFactory socketFactory();

    /** {@code ServerSocketFactory.getDefault()} or {@code WeftServerSocketFactory.getDefault()}. */
    abstract ServerSocketFactory serverSocketFactory();

    @Override
    public String toString() {
        return description;
    }
}
