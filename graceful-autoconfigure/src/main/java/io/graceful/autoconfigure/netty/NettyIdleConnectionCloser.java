package io.graceful.autoconfigure.netty;

import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import reactor.netty.channel.ChannelOperations;

/**
 * Tracks the connections Reactor Netty accepts and closes the idle HTTP/1.x ones. A
 * connection is idle when no request operations are bound to its channel (which is how
 * Reactor Netty itself tells idle connections apart when it is disposed) and it was
 * neither accepted nor began or ended a request within
 * {@link IdleConnectionCloser#MIN_QUIET}. The test and the close run in the channel's
 * event loop, where requests are decoded, so no request can start between them, and only
 * after the loop has read its sockets once more: a request whose bytes wait unread while
 * the loop is busy would otherwise look idle and be cut. HTTP/2 connections are left
 * alone.
 */
class NettyIdleConnectionCloser implements IdleConnectionCloser {

	private final NettyConnections connections;

	NettyIdleConnectionCloser(NettyConnections connections) {
		this.connections = connections;
	}

	@Override
	public int closeIdleConnections() {
		return this.connections.inEventLoopsAfterTheirNextRead(NettyIdleConnectionCloser::closeIfIdle);
	}

	@Override
	public int countIdleConnections() {
		return this.connections.countInEventLoops(NettyIdleConnectionCloser::isIdle);
	}

	private static boolean closeIfIdle(Channel channel) {
		Long lastActivity = NettyConnections.lastActivity(channel);
		if (!isIdle(channel) || (lastActivity != null && System.nanoTime() - lastActivity < MIN_QUIET.toNanos())) {
			return false;
		}
		channel.close();
		return true;
	}

	private static boolean isIdle(Channel channel) {
		return channel.isActive() && ChannelOperations.get(channel) == null
				&& channel.pipeline().get(Http2FrameCodec.class) == null;
	}

}
