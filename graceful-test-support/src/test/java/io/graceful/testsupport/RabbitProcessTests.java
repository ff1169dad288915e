package io.graceful.testsupport;

import java.io.IOException;
import java.util.List;

import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The RabbitMQ test support: a real broker that serves AMQP, can be stopped mid-test and
 * leaves neither its node nor its epmd running.
 */
class RabbitProcessTests {

	@Test
	void brokerServesAmqpOnLoopbackAndStopsWithItsEpmd() throws Exception {
		RabbitProcess rabbit = RabbitProcess.start();
		assertThat(rabbit.log()).exists();
		int port = rabbit.port();
		try (Connection connection = rabbit.connectionFactory().newConnection()) {
			assertThat(connection.isOpen()).isTrue();
			assertThat(connection.getServerProperties().get("product").toString()).isEqualTo("RabbitMQ");
		}
		List<ProcessHandle> processes = ProcessHandle.current().descendants().toList();
		assertThat(processes).anyMatch((process) -> process.info().command().orElse("").endsWith("beam.smp"));
		rabbit.stop();
		assertThat(rabbit.isAlive()).isFalse();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> rabbit.connectionFactory().newConnection());
		rabbit.close();
		assertThat(ProcessHandle.allProcesses()
			.filter((process) -> process.info().commandLine().orElse("").contains(rabbit.nodeName()))
			.toList()).isEmpty();
		assertThat(Ports.accepts(port)).isFalse();
	}

}
