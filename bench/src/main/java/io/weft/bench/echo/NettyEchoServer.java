package io.weft.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.Version;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The async peer: Netty's echo on its native epoll or io_uring transport, one event loop
 * thread per CPU, the same group accepting and serving (as the blocking servers accept on one
 * of their own threads). Echoes whatever arrives as it arrives and flushes once per read batch.
 */
final class NettyEchoServer implements EchoService {
    private final EventLoopGroup group;
    private final Channel channel;
    private final String description;
    private volatile boolean closed;

    private NettyEchoServer(EventLoopGroup group, Channel channel, String description) {
        this.group = group;
        this.channel = channel;
        this.description = description;
    }

    static EchoService start(boolean ioUring, int port, int backlog) throws InterruptedException {
        // Fail with Netty's reason rather than a class-loading error later.
        if (ioUring) IoUring.ensureAvailability();
        else Epoll.ensureAvailability();
        IoHandlerFactory handler = ioUring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = ioUring ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class;
        int loops = Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, handler);
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(Echo.INSTANCE)
                    .bind(InetAddress.getLoopbackAddress(), port).sync().channel();
            String version = version();
            return new NettyEchoServer(group, ch, "Netty " + version + " " + (ioUring ? "io_uring" : "epoll")
                    + " transport, " + loops + " event loop threads");
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Netty's version, from the version files its jars carry (merged in the shaded jar). */
    private static String version() {
        java.util.Map<String, Version> all = Version.identify();
        Version v = all.getOrDefault("netty-transport", all.values().stream().findFirst().orElse(null));
        return v == null ? "4.2" : v.artifactVersion();
    }

    @Override
    public int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Writes back every buffer read (handing it on: no copy), flushes after each read batch. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset by the client at the end of the run: close quietly, as the blocking servers do.
            ctx.close();
        }
    }
}
