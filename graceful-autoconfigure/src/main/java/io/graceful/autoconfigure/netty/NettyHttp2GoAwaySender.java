package io.graceful.autoconfigure.netty;

import java.util.concurrent.ThreadLocalRandom;

import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;

/**
 * Sends the two-step graceful GOAWAY on Reactor Netty's HTTP/2 connections, through
 * Netty's {@link Http2FrameCodec} in each connection's event loop: a first GOAWAY with
 * last stream id 2^31-1 (NO_ERROR) and a PING; when the PING's acknowledgement arrives,
 * every stream the client sent before it saw the first GOAWAY has arrived, and a second
 * GOAWAY carries the real last stream id. Streams up to it finish normally. A client that
 * never acknowledges the PING keeps the first GOAWAY only, until Reactor Netty closes the
 * connection at drain. Connections come from the tracking of {@link NettyConnections}.
 */
class NettyHttp2GoAwaySender implements Http2GoAwaySender {

	private final NettyConnections connections;

	NettyHttp2GoAwaySender(NettyConnections connections) {
		this.connections = connections;
	}

	@Override
	public int sendGoAway() {
		return this.connections.inEventLoops(NettyHttp2GoAwaySender::sendGoAway);
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
