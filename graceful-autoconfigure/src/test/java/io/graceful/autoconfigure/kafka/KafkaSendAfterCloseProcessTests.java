package io.graceful.autoconfigure.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.testsupport.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send after the producer factory stopped, in a process of its own so that nothing in
 * the test JVM could deliver the record later: plain Spring Kafka accepts it on a new
 * producer that is never closed and the record is lost when the process exits; with
 * graceful the send fails fast and the caller knows.
 */
class KafkaSendAfterCloseProcessTests {

	private final String bootstrapServers = TestKafka.bootstrapServers();

	@TempDir
	Path temp;

	@Test
	void withoutTheStarterASendAfterCloseIsAcceptedAndLostAtExit() throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "lost-at-exit");
		List<String> output = runApplication(topic, false);
		assertThat(output).contains("RESULT before-close acknowledged", "RESULT after-close accepted");
		assertThat(TestKafka.values(this.bootstrapServers, topic, false))
			.as("the accepted record never reached the broker")
			.containsExactly("before close");
	}

	@Test
	void withTheStarterASendAfterCloseFailsFast() throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "rejected-after-close");
		List<String> output = runApplication(topic, true);
		assertThat(output).contains("RESULT before-close acknowledged")
			.anyMatch((line) -> line.startsWith("RESULT after-close rejected: " + KafkaSendRejectedException.class.getName()));
		assertThat(TestKafka.values(this.bootstrapServers, topic, false)).containsExactly("before close");
	}

	private List<String> runApplication(String topic, boolean graceful) throws IOException, InterruptedException {
		Path log = this.temp.resolve("application.log");
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), KafkaSendAfterCloseApplication.class.getName(),
				this.bootstrapServers, topic, String.valueOf(graceful))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("application exited").isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
		return lines;
	}

}
