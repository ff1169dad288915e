package io.graceful.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.graceful.testsupport.ChildJvm;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample app ({@code target/sample-app.jar}, built by the package phase) in
 * a JVM of its own on a small heap, its output under {@code target/process-tests}, for
 * the integration tests that stop it with a real SIGTERM.
 */
final class PackagedSampleApp {

	private PackagedSampleApp() {
	}

	/**
	 * The JVM, to be given the app's arguments.
	 * @param jvmOptions options before the small-heap defaults, e.g.
	 * {@code -Dspring.aot.enabled=true}
	 * @return a builder
	 */
	static ChildJvm.Builder jvm(String... jvmOptions) {
		return ChildJvm.ofJar(Path.of("target", "sample-app.jar"))
			.directory(Path.of("target", "process-tests"))
			.jvmOptions(List.of(jvmOptions))
			.jvmOptions("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
	}

	/**
	 * Wait until the app's readiness answers 200; fail with its output when it exits
	 * first.
	 */
	static void awaitReady(HttpClient client, ChildJvm app, String base, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
			assertThat(app.process().isAlive()).as("the app exited during startup:\n%s", app.output()).isTrue();
			return Integer.valueOf(200).equals(statusOrNull(client, base + "/actuator/health/readiness"));
		});
	}

	/**
	 * The status of a GET, or {@code null} when nothing answered within 2 s.
	 */
	static @Nullable Integer statusOrNull(HttpClient client, String url) throws InterruptedException {
		try {
			return client
				.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			return null;
		}
	}

}
