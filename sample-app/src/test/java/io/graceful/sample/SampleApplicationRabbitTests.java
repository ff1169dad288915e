package io.graceful.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.graceful.testsupport.RabbitProcess;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The RabbitMQ path (profile {@code rabbitmq}) against real PostgreSQL and a real
 * RabbitMQ broker (Debian's {@code rabbitmq-server} in its own process): orders are
 * published with confirms to the {@code orders} exchange and consumed into
 * {@code order_events}, where a second delivery is counted instead of stored; Kafka and
 * graceful's Kafka steps are off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "graceful.withdraw.delay=0s" })
@ActiveProfiles("rabbitmq")
@Import(SampleInfrastructure.PostgresOnly.class)
class SampleApplicationRabbitTests {

	private static final RabbitProcess rabbit = startRabbit();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private JdbcTemplate jdbc;

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		registry.add("spring.rabbitmq.host", rabbit::host);
		registry.add("spring.rabbitmq.port", rabbit::port);
	}

	@Test
	void anOrderIsPublishedToTheExchangeAndConsumedOnceIntoOrderEvents() throws Exception {
		HttpResponse<String> response = post("/orders", "{\"id\":\"rabbit-1\",\"workMs\":5}");
		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.body()).isEqualTo("{\"id\":\"rabbit-1\"}");
		await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("rabbit-1") == 1);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = 'rabbit-1'", Long.class))
			.isEqualTo(1);
	}

	@Test
	void aSecondDeliveryOfTheSameOrderAddsNoEventButIsCounted() throws Exception {
		assertThat(post("/orders", "{\"id\":\"rabbit-twice\",\"workMs\":0}").statusCode()).isEqualTo(201);
		assertThat(post("/orders", "{\"id\":\"rabbit-twice\",\"workMs\":0}").statusCode()).isEqualTo(201);
		await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("rabbit-twice") == 2);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM order_events WHERE id = 'rabbit-twice'", Long.class))
			.isEqualTo(1);
	}

	@Test
	void rabbitMqAndGracefulsRabbitMqStepsAreOnAndKafkaIsOff() {
		assertThat(this.context.getBeanNamesForType(RabbitTemplate.class)).isNotEmpty();
		assertThat(this.context.containsBean("gracefulRabbitFlushLifecycle")).isTrue();
		assertThat(this.context.containsBean("gracefulRabbitListenerShutdown")).isTrue();
		assertThat(this.context.getBeanNamesForType(KafkaTemplate.class)).isEmpty();
		assertThat(this.context.containsBean("gracefulKafkaFlushLifecycle")).isFalse();
		assertThat(this.context.getBeanNamesForType(OrderPublisher.class)).containsExactly("rabbitOrderPublisher");
	}

	private long deliveries(String id) {
		return this.jdbc.queryForList("SELECT deliveries FROM order_events WHERE id = ?", Long.class, id)
			.stream()
			.findFirst()
			.orElse(0L);
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static RabbitProcess startRabbit() {
		RabbitProcess rabbit = RabbitProcess.start();
		// at the JVM's exit, with the cached application context: stopping it here would
		// pull the broker from under a running application
		Runtime.getRuntime().addShutdownHook(new Thread(rabbit::close, "sample-test-rabbit-stop"));
		return rabbit;
	}

}
