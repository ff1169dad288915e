package io.graceful.autoconfigure.netty;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.graceful.autoconfigure.core.AcceptGate;
import io.graceful.autoconfigure.withdraw.ListeningSocketCloser;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * A hand-over on Reactor Netty: the application's server channel binds with
 * {@code SO_REUSEPORT} (through the epoll transport's option when Reactor Netty uses
 * epoll, else the JDK's through NIO), does not accept (auto-read off) until the
 * application is ready, and at shutdown is closed first. The management port, when it has
 * a server of its own, stays exclusive.
 */
class NettyHandover implements NettyServerCustomizer, ListeningSocketCloser {

	private static final String EPOLL = "io.netty.channel.epoll.Epoll";

	private static final String EPOLL_REUSE_PORT = "io.netty.channel.epoll.EpollChannelOption#SO_REUSEPORT";

	private final Environment environment;

	private final AcceptGate gate;

	private volatile boolean listenerClosed;

	private final Set<Channel> serverChannels = ConcurrentHashMap.newKeySet();

	NettyHandover(Environment environment, AcceptGate gate) {
		this.environment = environment;
		this.gate = gate;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		if (isManagementServer(server)) {
			return server;
		}
		return server.option(reusePortOption(), true).option(ChannelOption.AUTO_READ, false).doOnBound((bound) -> {
			Channel channel = bound.channel();
			this.serverChannels.add(channel);
			this.gate.whenOpen(() -> channel.config().setAutoRead(true));
		});
	}

	/**
	 * The epoll transport's {@code SO_REUSEPORT} when Reactor Netty runs on epoll (its
	 * native library is optional, so it is named, not imported), else the JDK's through
	 * NIO.
	 */
	static ChannelOption<Boolean> reusePortOption() {
		ClassLoader classLoader = NettyHandover.class.getClassLoader();
		if (ClassUtils.isPresent(EPOLL, classLoader)) {
			Method isAvailable = ReflectionUtils.findMethod(ClassUtils.resolveClassName(EPOLL, classLoader),
					"isAvailable");
			if (isAvailable != null && Boolean.TRUE.equals(ReflectionUtils.invokeMethod(isAvailable, null))) {
				return ChannelOption.<Boolean>valueOf(EPOLL_REUSE_PORT);
			}
		}
		return NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
	}

	private boolean isManagementServer(HttpServer server) {
		Integer managementPort = this.environment.getProperty("management.server.port", Integer.class);
		int serverPort = this.environment.getProperty("server.port", Integer.class, 8080);
		if (managementPort == null || managementPort == serverPort || server.configuration().bindAddress() == null) {
			return false;
		}
		SocketAddress address = server.configuration().bindAddress().get();
		return address instanceof InetSocketAddress inet && inet.getPort() == managementPort;
	}

	/**
	 * Whether {@link #closeListeningSockets()} closed the server channel.
	 * @return whether it did
	 */
	boolean listenerClosed() {
		return this.listenerClosed;
	}

	@Override
	public void closeListeningSockets() {
		this.listenerClosed = true;
		for (Channel channel : this.serverChannels) {
			channel.close().syncUninterruptibly();
		}
	}

}
