package io.graceful.autoconfigure.tomcat;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 protocol with a listening socket bound with {@code SO_REUSEPORT},
 * for a hand-over of the port to a successor ({@code graceful.handover.enabled}). Tomcat
 * creates it by class name, so it is public; it is not an API.
 *
 * @since 0.1.0
 */
public class ReusePortNioProtocol extends Http11NioProtocol {

	public ReusePortNioProtocol() {
		super(new ReusePortNioEndpoint());
	}

	ReusePortNioEndpoint reusePortEndpoint() {
		return (ReusePortNioEndpoint) getEndpoint();
	}

}
