package io.graceful.autoconfigure.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.concurrent.Future;

/**
 * Sends the two-step graceful GOAWAY on Reactor Netty's HTTP/2 connections, through
 * Netty's {@link Http2FrameCodec} in each connection's event loop: a first GOAWAY with
 * last stream id 2^31-1 (NO_ERROR) and a PING; when the PING's acknowledgement arrives,
 * every stream the client sent before it saw the first GOAWAY has arrived, and a second
 * GOAWAY carries the real last stream id. Streams up to it finish normally. A client that
 * never acknowledges the PING keeps the first GOAWAY only, until Reactor Netty closes the
 * connection at drain. Connections come from the tracking of
 * {@link NettyIdleConnectionCloser}.
 */
class NettyHttp2GoAwaySender implements Http2GoAwaySender {

	private static final long TIMEOUT_MILLIS = 1000;

	private final NettyIdleConnectionCloser connections;

	NettyHttp2GoAwaySender(NettyIdleConnectionCloser connections) {
		this.connections = connections;
	}

	@Override
	public int sendGoAway() {
		List<Future<Boolean>> sends = new ArrayList<>();
		for (Channel channel : this.connections.connections()) {
			sends.add(channel.eventLoop().submit(() -> sendGoAway(channel)));
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
		int sent = 0;
		for (Future<Boolean> send : sends) {
			try {
				if (send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					sent++;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				// an event loop too busy to answer within the bound: not counted
			}
		}
		return sent;
	}

	private static boolean sendGoAway(Channel channel) {
		ChannelHandlerContext context = channel.pipeline().context(Http2FrameCodec.class);
		if (!channel.isActive() || context == null) {
			return false;
		}
		Http2FrameCodec codec = (Http2FrameCodec) context.handler();
		if (codec.connection().goAwaySent()) {
			return false;
		}
		long ping = ThreadLocalRandom.current().nextLong();
		channel.pipeline().addAfter(context.name(), null, new FinalGoAway(codec, context, ping));
		codec.goAway(context, Integer.MAX_VALUE, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
				context.newPromise());
		codec.encoder().writePing(context, false, ping, context.newPromise());
		codec.flush(context);
		return true;
	}

	/**
	 * Waits, right behind the codec, for the acknowledgement of the PING sent with the
	 * first GOAWAY, then sends the second and steps out of the pipeline.
	 */
	private static final class FinalGoAway extends ChannelInboundHandlerAdapter {

		private final Http2FrameCodec codec;

		private final ChannelHandlerContext codecContext;

		private final long ping;

		private FinalGoAway(Http2FrameCodec codec, ChannelHandlerContext codecContext, long ping) {
			this.codec = codec;
			this.codecContext = codecContext;
			this.ping = ping;
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			if (message instanceof Http2PingFrame frame && frame.ack() && frame.content() == this.ping) {
				context.pipeline().remove(this);
				this.codec.goAway(this.codecContext, this.codec.connection().remote().lastStreamCreated(),
						Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, this.codecContext.newPromise());
				this.codec.flush(this.codecContext);
				return;
			}
			context.fireChannelRead(message);
		}

	}

}
