package io.graceful.autoconfigure.report;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's write operation takes a running application out of rotation and back,
 * over real HTTP; it is off unless the endpoint's access is unrestricted.
 */
class GracefulEndpointRotationHttpTests {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void rotationCannotBeChangedByDefault() throws Exception {
		start();
		HttpResponse<String> response = post("{\"inService\": false}");
		assertThat(response.statusCode()).isBetween(400, 499);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(get("/hello").headers().firstValue("connection")).isEmpty();
		assertThat(JsonPath.parse(get("/actuator/graceful").body()).read("$.readiness", String.class))
			.isEqualTo("ACCEPTING_TRAFFIC");
	}

	@Test
	void withUnrestrictedAccessTheApplicationLeavesRotationWhileServingAndComesBack() throws Exception {
		start("management.endpoint.graceful.access=unrestricted");
		HttpResponse<String> out = post("{\"inService\": false}");
		assertThat(out.statusCode()).isEqualTo(200);
		assertThat(JsonPath.parse(out.body()).read("$.readiness", String.class)).isEqualTo("REFUSING_TRAFFIC");
		assertThat(JsonPath.parse(out.body()).read("$.state", String.class)).isEqualTo("RUNNING");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		HttpResponse<String> served = get("/hello");
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(served.headers().firstValue("connection")).hasValue("close");

		HttpResponse<String> back = post("{\"inService\": true}");
		assertThat(back.statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(get("/hello").headers().firstValue("connection")).isEmpty();
	}

	private void start(String... extra) {
		this.context = new SpringApplicationBuilder(GracefulEndpointHttpTests.App.class).properties("server.port=0",
				"server.address=127.0.0.1", "spring.main.register-shutdown-hook=false",
				"management.endpoints.web.exposure.include=graceful,health",
				"management.endpoint.health.probes.enabled=true",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration")
			.properties(extra)
			.run();
	}

	private URI uri(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String json) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri("/actuator/graceful"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
