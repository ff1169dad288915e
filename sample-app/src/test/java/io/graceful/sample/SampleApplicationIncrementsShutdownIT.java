package io.graceful.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.ChildJvm;
import io.graceful.testsupport.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's scenario through a real SIGTERM on the sample app's shipped configuration
 * (the packaged jar in a JVM of its own, real PostgreSQL and Kafka): 60 background
 * increments of 1.5 s on Spring Boot's 8-thread {@code applicationTaskExecutor}, all
 * acknowledged just before the signal. They need 12 s of executor time; background work's
 * own bound is 3 s. With carry-over every acknowledged increment reaches PostgreSQL; with
 * carry-over off some are cut (the negative control); with shutdown-safe admission what
 * could not finish is refused with 503 and everything acknowledged is there.
 */
@DisabledOnOs(OS.WINDOWS) // destroy() is SIGTERM only on Unix
class SampleApplicationIncrementsShutdownIT {

	private static final int INCREMENTS = 60;

	private static final Duration STARTUP = Duration.ofSeconds(120);

	@RegisterExtension
	static final SampleInfrastructure infrastructure = SampleInfrastructure.perTestClass();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void withCarryOverEveryAcknowledgedIncrementIsInPostgresAndWithoutItSomeAreCut() throws Exception {
		// the lab's withdraw delay in its health-check model; steady-state admission off
		Run carried = run(false, "--graceful.withdraw.delay=3s",
				"--graceful.background-work.admission=during-shutdown");
		Run fixed = run(false, "--graceful.withdraw.delay=3s", "--graceful.background-work.admission=during-shutdown",
				"--graceful.carry-over=false");
		System.out.println("Test measured: carry-over on: " + carried + "; carry-over off: " + fixed);
		assertThat(carried.accepted).isEqualTo(INCREMENTS);
		assertThat(carried.counted).as("every acknowledged increment in PostgreSQL").isEqualTo(INCREMENTS);
		assertThat(carried.log).contains("Background work finished in").doesNotContain("Background work hit its");
		assertThat(fixed.accepted).isEqualTo(INCREMENTS);
		assertThat(fixed.counted).as("carry-over off cuts some at the 3s bound").isLessThan(INCREMENTS);
		assertThat(fixed.log).contains("Background work hit its 3s bound");
	}

	@Test
	void withTheShippedShutdownSafeAdmissionWhatCouldNotFinishIsRefusedAndEverythingAcknowledgedIsInPostgres()
			throws Exception {
		// the shipped configuration: shutdown-safe admission, no withdraw delay off
		// Kubernetes
		Run run = run(true);
		System.out.println("Test measured: shutdown-safe admission: " + run);
		assertThat(run.accepted + run.refused).isEqualTo(INCREMENTS);
		assertThat(run.refused).as("12s of work against the 12s a shutdown would give, less its margin").isPositive();
		assertThat(run.counted).as("every acknowledged increment in PostgreSQL").isEqualTo(run.accepted);
		assertThat(run.log).doesNotContain("Background work hit its");
	}

	/**
	 * Start the jar, optionally give the executor a history (8 increments it finishes),
	 * post the 60 increments, send SIGTERM, wait for the exit and count.
	 */
	private Run run(boolean warmUp, String... arguments) throws Exception {
		int port = Ports.free();
		List<String> appArguments = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.main.cloud-platform=none", "--spring.main.banner-mode=off"));
		appArguments.addAll(infrastructure.arguments());
		appArguments.addAll(List.of(arguments));
		ChildJvm app = PackagedSampleApp.jvm().arguments(appArguments).start();
		Process process = app.process();
		Path log = app.log();
		try {
			String base = "http://127.0.0.1:" + port;
			PackagedSampleApp.awaitReady(this.client, app, base, STARTUP);
			if (warmUp) {
				long before = counter();
				for (int i = 0; i < 8; i++) {
					assertThat(post(base + "/counter/increment?delayMs=1500").statusCode()).isEqualTo(202);
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> counter() == before + 8);
			}
			long before = counter();
			int accepted = 0;
			int refused = 0;
			for (int i = 0; i < INCREMENTS; i++) {
				HttpResponse<String> response = post(base + "/counter/increment?delayMs=1500");
				if (response.statusCode() == 202) {
					accepted++;
				}
				else {
					assertThat(response.statusCode()).as("a refusal, not a failure").isEqualTo(503);
					assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
					refused++;
				}
			}
			process.destroy();
			assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
			return new Run(accepted, refused, counter() - before, read(log));
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	private HttpResponse<String> post(String url) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static long counter() throws SQLException {
		try (Connection connection = infrastructure.connect();
				ResultSet result = connection.createStatement()
					.executeQuery("SELECT coalesce(max(value), 0) FROM counter WHERE name = 'increments'")) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			// the table is created by the app at its first start
			if (ex.getMessage().contains("does not exist")) {
				return 0;
			}
			throw ex;
		}
	}

	private static String read(Path log) {
		try {
			return Files.readString(log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(cannot read " + log + ": " + ex + ")";
		}
	}

	private record Run(int accepted, int refused, long counted, String log) {

		@Override
		public String toString() {
			return this.accepted + " acknowledged, " + this.refused + " refused (503), " + this.counted
					+ " in PostgreSQL";
		}

	}

}
