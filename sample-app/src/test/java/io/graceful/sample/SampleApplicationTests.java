package io.graceful.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's contract, which the rollout lab relies on, against real PostgreSQL and
 * a real Kafka broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "graceful.withdraw.delay=0s", "sample.instance=app-7" })
@Import(SampleInfrastructure.WithKafka.class)
class SampleApplicationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void anOrderPostedTwiceIsStoredOnceAndConsumedOnce() throws Exception {
		long ordersBefore = stat("orders");
		long eventsBefore = stat("events");
		HttpResponse<String> first = post("/orders", "{\"id\":\"twice-1\",\"workMs\":5}");
		HttpResponse<String> second = post("/orders", "{\"id\":\"twice-1\",\"workMs\":5}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.body()).isEqualTo("{\"id\":\"twice-1\"}");
		assertThat(second.statusCode()).isEqualTo(201);
		assertThat(stat("orders")).isEqualTo(ordersBefore + 1);
		await().atMost(Duration.ofSeconds(20)).until(() -> stat("events") == eventsBefore + 1);
		Thread.sleep(500); // the redelivered record must not add a second event
		assertThat(stat("events")).isEqualTo(eventsBefore + 1);
	}

	@Test
	void invalidOrdersAreRejectedWithTheFieldName() throws Exception {
		assertThat(post("/orders", "{\"id\":\"\",\"workMs\":1}")).satisfies((r) -> {
			assertThat(r.statusCode()).isEqualTo(400);
			assertThat(r.body()).contains("\"field\":\"id\"");
		});
		assertThat(post("/orders", "{\"id\":\"" + "x".repeat(65) + "\"}").statusCode()).isEqualTo(400);
		assertThat(post("/orders", "{\"id\":\"ok\",\"workMs\":60001}")).satisfies((r) -> {
			assertThat(r.statusCode()).isEqualTo(400);
			assertThat(r.body()).contains("\"field\":\"workMs\"");
		});
		assertThat(post("/orders", "{\"id\":\"ok\",\"workMs\":\"slow\"}").body()).contains("\"field\":\"workMs\"");
		assertThat(post("/orders", "not json")).satisfies((r) -> {
			assertThat(r.statusCode()).isEqualTo(400);
			assertThat(r.body()).contains("\"field\":\"body\"");
		});
		assertThat(post("/counter/increment?delayMs=-1", "").body()).contains("\"field\":\"delayMs\"");
	}

	@Test
	void anIncrementIsAcceptedAtOnceAndCountedAfterItsDelay() throws Exception {
		long before = stat("counter");
		long start = System.nanoTime();
		HttpResponse<String> response = post("/counter/increment?delayMs=1500", "");
		long answeredMs = (System.nanoTime() - start) / 1_000_000;
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(answeredMs).as("answered before the delay").isLessThan(1500);
		assertThat(stat("counter")).isEqualTo(before);
		await().atMost(Duration.ofSeconds(20)).until(() -> stat("counter") == before + 1);
	}

	@Test
	void everyResponseNamesTheInstanceAndProcessThatAnsweredIt() throws Exception {
		String expected = "app-7/" + ProcessHandle.current().pid();
		assertThat(post("/orders", "{\"id\":\"named-1\",\"workMs\":0}").headers().firstValue("X-Instance"))
			.hasValue(expected);
		assertThat(post("/orders", "{\"id\":\"\"}").headers().firstValue("X-Instance")).as("also on a 400")
			.hasValue(expected);
		assertThat(post("/counter/increment?delayMs=0", "").headers().firstValue("X-Instance")).hasValue(expected);
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private long stat(String name) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/stats")).build();
		String body = this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		String value = body.replaceAll(".*\"" + name + "\":(\\d+).*", "$1");
		return Long.parseLong(value);
	}

}
