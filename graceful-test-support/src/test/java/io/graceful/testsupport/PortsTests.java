package io.graceful.testsupport;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A free port can be bound, and {@link Ports#accepts(int)} tells a listening port from a
 * closed one.
 */
class PortsTests {

	@Test
	void aFreePortCanBeBoundAndAcceptsOnlyWhileListening() throws Exception {
		int port = Ports.free();
		assertThat(Ports.accepts(port)).isFalse();
		try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
			assertThat(Ports.accepts(port)).isTrue();
		}
		assertThat(Ports.accepts(port)).isFalse();
	}

}
