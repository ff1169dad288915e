package io.graceful.autoconfigure.handover;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;

/**
 * In a successor started by {@link SignalHandover}: says on its predecessor's Unix-domain
 * socket that this instance is ready, once readiness is
 * {@link ReadinessState#ACCEPTING_TRAFFIC} (after the runners, when its acceptor is
 * released).
 */
class SuccessorReadiness implements ApplicationListener<AvailabilityChangeEvent<?>> {

	private static final Log logger = LogFactory.getLog(SuccessorReadiness.class);

	private final String notify;

	private volatile boolean sent;

	SuccessorReadiness(String notify) {
		this.notify = notify;
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
		if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC || this.sent || this.notify.isEmpty()) {
			return;
		}
		this.sent = true;
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(Path.of(this.notify)));
			channel.write(ByteBuffer
				.wrap(("ready, pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
			logger.info("Hand-over: told the predecessor this instance is ready");
		}
		catch (IOException ex) {
			logger.warn("Hand-over: could not tell the predecessor this instance is ready (" + ex
					+ "); it keeps serving too until it is stopped");
		}
	}

}
