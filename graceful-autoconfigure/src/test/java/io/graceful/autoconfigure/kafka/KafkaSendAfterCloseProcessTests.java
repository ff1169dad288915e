package io.graceful.autoconfigure.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.graceful.autoconfigure.testsupport.TestKafka;
import io.graceful.testsupport.ChildJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send after the producer factory stopped, in a process of its own so that nothing in
 * the test JVM could deliver the record later: plain Spring Kafka accepts it on a new
 * producer that is never closed and the record is lost when the process exits; with
 * graceful the send fails fast and the caller knows. Both applications run at the same
 * time to keep the class quick.
 */
class KafkaSendAfterCloseProcessTests {

	private static final String bootstrapServers = TestKafka.bootstrapServers();

	@TempDir
	static Path temp;

	private static Application plain;

	private static Application graceful;

	@BeforeAll
	static void startApplications() throws IOException {
		plain = Application.start(TestKafka.createTopic(bootstrapServers, "lost-at-exit"), false);
		graceful = Application.start(TestKafka.createTopic(bootstrapServers, "rejected-after-close"), true);
	}

	@AfterAll
	static void stopApplications() {
		for (Application application : new Application[] { plain, graceful }) {
			if (application != null) {
				application.jvm.close();
			}
		}
	}

	@Test
	void withoutTheStarterASendAfterCloseIsAcceptedAndLostAtExit() throws Exception {
		List<String> output = plain.output();
		assertThat(output).contains("RESULT before-close acknowledged", "RESULT after-close accepted");
		assertThat(TestKafka.values(bootstrapServers, plain.topic, false))
			.as("the accepted record never reached the broker")
			.containsExactly("before close");
	}

	@Test
	void withTheStarterASendAfterCloseFailsFast() throws Exception {
		List<String> output = graceful.output();
		assertThat(output).contains("RESULT before-close acknowledged")
			.anyMatch((line) -> line
				.startsWith("RESULT after-close rejected: " + KafkaSendRejectedException.class.getName()));
		assertThat(TestKafka.values(bootstrapServers, graceful.topic, false)).containsExactly("before close");
	}

	private record Application(String topic, ChildJvm jvm) {

		static Application start(String topic, boolean graceful) throws IOException {
			ChildJvm jvm = ChildJvm.of(KafkaSendAfterCloseApplication.class)
				.directory(temp)
				.log(temp.resolve(topic + ".log"))
				.jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
				.arguments(List.of(bootstrapServers, topic, String.valueOf(graceful)))
				.start();
			return new Application(topic, jvm);
		}

		List<String> output() throws InterruptedException {
			assertThat(this.jvm.awaitExit(Duration.ofSeconds(90))).as("application exited").isTrue();
			List<String> lines = this.jvm.lines();
			assertThat(this.jvm.process().exitValue()).as(String.join("\n", lines)).isZero();
			return lines;
		}

	}

}
