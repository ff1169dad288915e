package io.graceful.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Free local ports, and whether a port accepts connections yet.
 */
public final class Ports {

	private Ports() {
	}

	/**
	 * A port that is free on the loopback address now (the operating system's choice for
	 * port 0). Another process may take it before the caller binds it, so a caller that
	 * can bind port 0 itself should.
	 * @return the port
	 */
	public static int free() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on the loopback address", ex);
		}
	}

	/**
	 * Whether {@code 127.0.0.1:port} accepts a TCP connection within half a second.
	 * @param port the port
	 * @return whether a connection was accepted
	 */
	public static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
