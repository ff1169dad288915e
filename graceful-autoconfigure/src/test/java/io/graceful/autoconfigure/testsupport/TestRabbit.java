package io.graceful.autoconfigure.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.graceful.testsupport.RabbitProcess;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * RabbitMQ for tests: one real broker shared by every test in the JVM and started on
 * first use (a Testcontainers RabbitMQ container when a Docker engine is available,
 * otherwise a {@link RabbitProcess}, Debian's {@code rabbitmq-server} in its own
 * process), plus small client helpers to declare queues, publish and count what is on the
 * broker. Broker-down scenarios start a {@link RabbitProcess} of their own. The log says
 * which one ran.
 */
public final class TestRabbit {

	private static final Log logger = LogFactory.getLog(TestRabbit.class);

	private static String host;

	private static int port;

	private TestRabbit() {
	}

	private static synchronized void start() {
		if (host != null) {
			return;
		}
		long start = System.nanoTime();
		String engine;
		if (dockerAvailable()) {
			RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-rabbit-stop"));
			host = container.getHost();
			port = container.getAmqpPort();
			engine = "Testcontainers (Docker)";
		}
		else {
			RabbitProcess rabbit = RabbitProcess.start();
			Runtime.getRuntime().addShutdownHook(new Thread(rabbit::close, "test-rabbit-stop"));
			host = rabbit.host();
			port = rabbit.port();
			engine = "rabbitmq-server process (Debian package, no Docker)";
		}
		logger.info(String.format("Test RabbitMQ: %s at %s:%d, ready in %d ms", engine, host, port,
				(System.nanoTime() - start) / 1_000_000));
	}

	private static boolean dockerAvailable() {
		if (!Boolean.parseBoolean(System.getProperty("graceful.tests.docker", "true"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Spring Boot properties that point {@code spring.rabbitmq} at the shared broker.
	 * @return the properties
	 */
	public static String[] springProperties() {
		start();
		return new String[] { "spring.rabbitmq.host=" + host, "spring.rabbitmq.port=" + port,
				"spring.rabbitmq.username=guest", "spring.rabbitmq.password=guest" };
	}

	/**
	 * A client connection factory for the shared broker.
	 * @return a new connection factory
	 */
	public static ConnectionFactory connectionFactory() {
		start();
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(host);
		factory.setPort(port);
		factory.setUsername("guest");
		factory.setPassword("guest");
		return factory;
	}

	/**
	 * Declare a durable queue with a unique name.
	 * @param prefix the start of its name
	 * @return the queue name
	 */
	public static String createQueue(String prefix) {
		String queue = prefix + "-" + UUID.randomUUID();
		withChannel((channel) -> channel.queueDeclare(queue, true, false, false, null));
		return queue;
	}

	/**
	 * Publish messages to a queue (default exchange), waiting for the broker's confirms.
	 * @param queue the queue
	 * @param bodies the bodies
	 */
	public static void publish(String queue, List<String> bodies) {
		withChannel((channel) -> {
			channel.confirmSelect();
			for (String body : bodies) {
				channel.basicPublish("", queue, null, body.getBytes(StandardCharsets.UTF_8));
			}
			channel.waitForConfirmsOrDie(10_000);
			return null;
		});
	}

	/**
	 * How many messages wait in a queue, ready for a consumer.
	 * @param queue the queue
	 * @return the number of ready messages
	 */
	public static long ready(String queue) {
		return withChannel((channel) -> channel.queueDeclarePassive(queue).getMessageCount());
	}

	/**
	 * Take every message left in a queue (acknowledging them).
	 * @param queue the queue
	 * @return what was left, in order
	 */
	public static List<Received> drain(String queue) {
		return withChannel((channel) -> {
			List<Received> received = new ArrayList<>();
			GetResponse response;
			while ((response = channel.basicGet(queue, true)) != null) {
				received.add(new Received(new String(response.getBody(), StandardCharsets.UTF_8),
						response.getEnvelope().isRedeliver()));
			}
			return received;
		});
	}

	private static <T> T withChannel(ChannelCallback<T> callback) {
		try (Connection connection = connectionFactory().newConnection("graceful-test-client");
				Channel channel = connection.createChannel()) {
			return callback.doWith(channel);
		}
		catch (IOException | TimeoutException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A message taken from a queue.
	 *
	 * @param body its body
	 * @param redelivered whether the broker delivered it before
	 */
	public record Received(String body, boolean redelivered) {
	}

	private interface ChannelCallback<T> {

		T doWith(Channel channel) throws IOException, TimeoutException, InterruptedException;

	}

}
