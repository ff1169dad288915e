package io.graceful.autoconfigure.tomcat;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * Tomcat's NIO protocol with nothing changed but {@code SO_REUSEPORT} on the listening
 * socket: the negative control of the hand-over tests, "plain Spring Boot with only the
 * socket option".
 */
public class PlainReusePortProtocol extends Http11NioProtocol {

	public PlainReusePortProtocol() {
		super(new Endpoint());
	}

	static class Endpoint extends NioEndpoint {

		@Override
		protected void initServerSocket() throws Exception {
			ServerSocketChannel channel = ServerSocketChannel.open();
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			getSocketProperties().setProperties(channel.socket());
			channel.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
			channel.configureBlocking(true);
			TomcatConnections.setServerSocket(this, channel);
		}

	}

}
