package io.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A {@link Socket} whose blocking waits go through Weft: on a Weft virtual thread with
 * io_uring, reads, writes and connects are io_uring operations on the carrier's ring
 * (completion mode, {@code weft.net.mode}); with epoll, readiness waits on the carrier's
 * poller; on any other thread, an ordinary blocking socket. Everything else is
 * {@code java.net.Socket}'s contract, unchanged.
 */
public class WeftSocket extends Socket {
    private final WeftSocketImpl impl;

    /** An unconnected socket. */
    public WeftSocket() throws IOException {
        this(new WeftSocketImpl(false));
    }

    private WeftSocket(WeftSocketImpl impl) throws IOException {
        super(impl);
        this.impl = impl;
    }

    /**
     * Write-behind: whether a write on a Weft virtual thread in completion mode returns as
     * soon as its last up to 16 KiB are queued on the ring as a send, instead of parking until
     * the send's completion. The send finishes by itself (a short send sends the rest from its
     * completion); the socket's next write, or {@link #shutdownOutput()}, waits for it first and
     * throws if it failed; {@link #close()} lets it finish (the close returns once it is done)
     * and cancels it only if it is still out after a second, when the peer reads nothing: what
     * a JDK write still blocked for room would be.
     *
     * <p>The difference an application can see: a failure the kernel reports for those bytes
     * (a reset connection) comes from the next write instead of this one, as it does anyway
     * when the kernel finds it after the write returned. For request/response protocols (a
     * relay, a proxy, a server answering requests) it saves one park and resume of the thread
     * per write. Off by default ({@code weft.net.writeBehind} changes the default); no effect
     * in readiness mode, on epoll or kqueue, or on threads that are not Weft virtual threads.
     */
    public void setWriteBehind(boolean on) {
        impl.setWriteBehind(on);
    }

    /** Whether write-behind is on ({@link #setWriteBehind}). */
    public boolean writeBehind() {
        return impl.writeBehind();
    }

    /** Whether a write-behind send is still in flight (for tests). */
    boolean sendBehindPending() {
        return impl.sendBehindPending();
    }

    /** Bytes a multishot receive has queued and no read has taken, -1 if reads do not stream (for tests). */
    int receiveQueued() {
        return impl.receiveQueued();
    }

    /** Whether a multishot receive is armed on this socket now (for tests). */
    boolean receiveStreaming() {
        return impl.receiveStreaming();
    }

    /** Whether a close has begun (its descriptor marked closed), even if it has not returned yet (for tests). */
    boolean closeBegun() {
        return impl.isClosed();
    }

    /** A socket connected to {@code host:port}. */
    public WeftSocket(String host, int port) throws IOException {
        this();
        connectOrClose(host == null ? new InetSocketAddress(InetAddress.getByName(null), port)
                : new InetSocketAddress(host, port));
    }

    /** A socket connected to {@code address:port}. */
    public WeftSocket(InetAddress address, int port) throws IOException {
        this();
        connectOrClose(new InetSocketAddress(address, port));
    }

    /** A socket bound to {@code localAddress:localPort} and connected to {@code host:port}. */
    public WeftSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        this();
        try {
            bind(new InetSocketAddress(localAddress, localPort));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        connectOrClose(new InetSocketAddress(host, port));
    }

    private void connectOrClose(InetSocketAddress remote) throws IOException {
        try {
            connect(remote);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }
}
