package io.graceful.autoconfigure.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.netty.ConnectionObserver;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerState;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Tracks the connections Reactor Netty accepts and closes the idle HTTP/1.x ones. A
 * connection is idle when no request operations are bound to its channel (which is how
 * Reactor Netty itself tells idle connections apart when it is disposed) and it was
 * neither accepted nor began or ended a request within
 * {@link IdleConnectionCloser#MIN_QUIET}. The test and the close run in the channel's
 * event loop, where requests are decoded, so no request can start between them. HTTP/2
 * connections are left alone.
 */
class NettyIdleConnectionCloser implements IdleConnectionCloser, NettyServerCustomizer {

	private static final long TIMEOUT_MILLIS = 1000;

	private static final AttributeKey<Long> LAST_ACTIVITY = AttributeKey.valueOf("graceful.lastActivity");

	private final ChannelGroup connections = new DefaultChannelGroup("graceful-connections",
			GlobalEventExecutor.INSTANCE);

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.parent() instanceof ServerChannel) {
				channel.attr(LAST_ACTIVITY).set(System.nanoTime());
				this.connections.add(channel);
			}
		}).childObserve((connection, state) -> {
			if (state == HttpServerState.REQUEST_RECEIVED || state == ConnectionObserver.State.DISCONNECTING) {
				connection.channel().attr(LAST_ACTIVITY).set(System.nanoTime());
			}
		});
	}

	/**
	 * The connections accepted and still open, for the HTTP/2 GOAWAY sender.
	 * @return the connections
	 */
	Iterable<Channel> connections() {
		return this.connections;
	}

	@Override
	public int closeIdleConnections() {
		List<Future<Boolean>> closes = new ArrayList<>();
		for (Channel channel : this.connections) {
			closes.add(channel.eventLoop().submit(() -> closeIfIdle(channel)));
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
		int closed = 0;
		for (Future<Boolean> close : closes) {
			try {
				if (close.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					closed++;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				// an event loop too busy to answer within the bound: leave its connection
			}
		}
		return closed;
	}

	private static boolean closeIfIdle(Channel channel) {
		Long lastActivity = channel.attr(LAST_ACTIVITY).get();
		if (!channel.isActive() || ChannelOperations.get(channel) != null
				|| channel.pipeline().get(Http2FrameCodec.class) != null
				|| (lastActivity != null && System.nanoTime() - lastActivity < MIN_QUIET.toNanos())) {
			return false;
		}
		channel.close();
		return true;
	}

}
