package io.graceful.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.ChildJvm;
import io.graceful.testsupport.Ports;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app as Spring AOT built it ({@code process-aot} in the {@code aot} profile,
 * packaged in {@code target/sample-app.jar}), run with {@code -Dspring.aot.enabled=true}
 * in a JVM of its own against real PostgreSQL and a real Kafka broker, and stopped with
 * SIGTERM while a slow order and a background increment are under way. It asserts what
 * the JVM-mode process test ({@code ProcessShutdownTests}) asserts, and that nothing the
 * application acknowledged was lost: the order row, its Kafka record and the counter.
 */
@DisabledOnOs(OS.WINDOWS) // destroy() is SIGTERM only on Unix
class SampleApplicationAotShutdownIT {

	private static final Duration DELAY = Duration.ofSeconds(3);

	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(7);

	/**
	 * Longer than the withdraw, the steps before the drain and the wait before the signal
	 * together, with room for a loaded machine (5 s finished just before the drain once:
	 * the withdraw took 3.4 s and the Kafka listeners' stop 0.7 s), and well within the
	 * drain's bound.
	 */
	private static final Duration SLOW_ORDER = Duration.ofSeconds(8);

	/**
	 * JVM exit after the last step, signal delivery and scheduling on a loaded machine.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(8);

	private static final Duration STARTUP = Duration.ofSeconds(120);

	@RegisterExtension
	static final SampleInfrastructure infrastructure = SampleInfrastructure.perTestClass();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void aotProcessedAppWithdrawsDrainsAndLosesNothingOnSigterm() throws Exception {
		Path jar = Path.of("target", "sample-app.jar");
		assertThat(jar).as("built by the package phase").exists();
		assertThat(aotGeneratedClasses()).as("process-aot generated the bean factory initializers").isNotEmpty();
		int port = Ports.free();
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.main.cloud-platform=none", "--spring.main.banner-mode=off"));
		arguments.addAll(infrastructure.arguments());
		arguments.addAll(List.of("--graceful.withdraw.delay=" + DELAY.toSeconds() + "s",
				"--graceful.web-drain.timeout=" + DRAIN_TIMEOUT.toSeconds() + "s"));
		ChildJvm app = PackagedSampleApp.jvm("-Dspring.aot.enabled=true").arguments(arguments).start();
		Process process = app.process();
		Path log = app.log();
		try {
			String base = "http://127.0.0.1:" + port;
			PackagedSampleApp.awaitReady(this.client, app, base, STARTUP);
			assertThat(read(log)).as("started from the AOT-generated initializers")
				.contains("Starting AOT-processed SampleApplication");
			long counterBefore = stat(base, "counter");

			try (Socket keepAlive = new Socket("127.0.0.1", port)) {
				keepAlive.setSoTimeout(10_000);
				Map<String, String> first = get(keepAlive, "/stats");
				assertThat(first.get(":status")).isEqualTo("200");
				assertThat(first.get("connection")).as("kept alive before the signal").isNotEqualTo("close");

				assertThat(post(base + "/counter/increment?delayMs=1500", "").statusCode()).isEqualTo(202);
				CompletableFuture<HttpResponse<String>> slow = this.client.sendAsync(
						postRequest(base + "/orders", "{\"id\":\"aot-slow\",\"workMs\":" + SLOW_ORDER.toMillis() + "}"),
						HttpResponse.BodyHandlers.ofString());
				// the graceful endpoint would show it in flight, but AOT fixed its
				// exposure at build time (not exposed);
				// the drain's log line below proves it was in flight at the signal
				Thread.sleep(SLOW_ORDER.toMillis() / 4);

				long signalled = System.nanoTime();
				process.destroy();

				Duration first503 = null;
				while (process.isAlive() && first503 == null) {
					Integer status = PackagedSampleApp.statusOrNull(this.client, base + "/actuator/health/readiness");
					if (status != null && status == 503) {
						first503 = Duration.ofNanos(System.nanoTime() - signalled);
					}
					Thread.sleep(50);
				}
				assertThat(first503).as("readiness turned 503 while the app still served").isNotNull();
				assertThat(first503).as("503 early in the delay").isLessThan(DELAY.dividedBy(2));
				Map<String, String> during = get(keepAlive, "/stats");
				assertThat(during.get(":status")).as("a request during the delay is served").isEqualTo("200");
				assertThat(during.get("connection")).as("the kept-alive connection is told to close")
					.isEqualTo("close");

				Duration bound = DELAY.plus(DRAIN_TIMEOUT).plus(MARGIN);
				HttpResponse<String> slowResponse = slow.get(bound.toSeconds(), TimeUnit.SECONDS);
				assertThat(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)).as("exits within the bounds")
					.isTrue();
				Duration exitedAfter = Duration.ofNanos(System.nanoTime() - signalled);

				assertThat(slowResponse.statusCode()).as("the order in flight completed").isEqualTo(201);
				assertThat(exitedAfter).as("waited the delay").isGreaterThanOrEqualTo(DELAY);
				assertThat(exitedAfter).as("within delay + drain + margin").isLessThan(bound);
				assertThat(process.exitValue()).as("exit status of SIGTERM").isEqualTo(143);
			}
			String output = read(log);
			assertThat(count(output, "Withdraw started:")).isEqualTo(1);
			assertThat(count(output, "Withdraw finished in")).isEqualTo(1);
			assertThat(count(output, "Web drain started: 1 requests in flight")).as("the slow order was drained")
				.isEqualTo(1);
			assertThat(count(output, "Web drain finished in")).isEqualTo(1);
			assertThat(count(output, "Web drain hit its")).isZero();

			assertThat(query("SELECT count(*) FROM orders WHERE id = 'aot-slow'")).as("the order row").isEqualTo(1);
			assertThat(query("SELECT value FROM counter WHERE name = 'increments'"))
				.as("the background increment queued before the signal")
				.isEqualTo(counterBefore + 1);
			assertThat(recordKeys()).as("the order's Kafka record was flushed before exit").contains("aot-slow");
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
			System.out.println("---- AOT sample app output (" + log + ") ----\n" + read(log));
		}
	}

	@Test
	void aotProcessedAppRefusesToStartWhenGracefulIsSwitchedOffAtRunTime() throws Exception {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + Ports.free()));
		arguments.addAll(infrastructure.arguments());
		arguments.add("--graceful.enabled=false");
		ChildJvm app = PackagedSampleApp.jvm("-Dspring.aot.enabled=true").arguments(arguments).start();
		Process process = app.process();
		Path log = app.log();
		try {
			assertThat(process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)).as("startup fails").isTrue();
			assertThat(process.exitValue()).isNotZero();
			assertThat(read(log)).contains("graceful.enabled")
				.contains("AOT decides conditions at build time")
				.contains("without -Dspring.aot.enabled=true");
		}
		finally {
			process.destroyForcibly();
			System.out.println("---- AOT sample app output, graceful.enabled=false (" + log + ") ----\n" + read(log));
		}
	}

	private static List<Path> aotGeneratedClasses() throws IOException {
		Path classes = Path.of("target", "classes", "io", "graceful", "sample");
		try (var files = Files.list(classes)) {
			return files.filter((file) -> file.getFileName().toString().contains("__BeanFactoryRegistrations"))
				.toList();
		}
	}

	private long stat(String base, String name) throws Exception {
		String body = this.client
			.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		return Long.parseLong(body.replaceAll(".*\"" + name + "\":(\\d+).*", "$1"));
	}

	private HttpResponse<String> post(String url, String json) throws Exception {
		return this.client.send(postRequest(url, json), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest postRequest(String url, String json) {
		return HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	/**
	 * One HTTP/1.1 request on a connection that stays open: the status and the headers
	 * (lower-case names), the body read by its length.
	 */
	private static Map<String, String> get(Socket socket, String path) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		Map<String, String> headers = new HashMap<>();
		String statusLine = readLine(in);
		headers.put(":status", statusLine.split(" ")[1]);
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
		in.readNBytes(length);
		return headers;
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b == -1) {
				throw new IOException("connection closed after: " + line);
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	private static long query(String sql) throws SQLException {
		try (Connection connection = infrastructure.connect();
				ResultSet result = connection.createStatement().executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	private static List<String> recordKeys() {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, "aot-shutdown-check", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
				"earliest");
		List<String> keys = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(List.of("orders"));
			long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
			while (!keys.contains("aot-slow") && System.nanoTime() < until) {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					keys.add(record.key());
				}
			}
		}
		return keys;
	}

	private static long count(String output, String text) {
		return output.lines().filter((line) -> line.contains(text)).count();
	}

	private static String read(Path log) {
		try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
			return String.join("\n", reader.lines().toList());
		}
		catch (IOException ex) {
			return "(cannot read " + log + ": " + ex + ")";
		}
	}

}
