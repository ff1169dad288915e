package io.graceful.lab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the lab reads an instance's structured console log. The lines are the shape Spring
 * Boot's Logstash format writes for the starter's step and summary events.
 */
class LogLineTests {

	private static final String WEB_DRAIN_CUT = "{\"@timestamp\":\"2026-12-01T19:20:01.123Z\",\"@version\":\"1\","
			+ "\"message\":\"Web drain hit its 1s bound; cut 2 requests: GET /held (1.2s), 1 queued, not yet read; "
			+ "shutdown continues\",\"logger_name\":\"io.graceful.autoconfigure.web.WebDrain\",\"thread_name\":"
			+ "\"SpringApplicationShutdownHook\",\"level\":\"WARN\",\"level_value\":30000,"
			+ "\"graceful.step.name\":\"web-drain\",\"graceful.step.event\":\"finished\",\"graceful.step.bound_ms\":"
			+ "1000,\"graceful.step.carried_over_ms\":0,\"graceful.step.outcome\":\"timed-out\","
			+ "\"graceful.step.duration_ms\":1003,\"graceful.step.count.requests-in-flight\":1,"
			+ "\"graceful.step.cut.requests\":2}";

	private static final String SUMMARY = "{\"@timestamp\":\"2026-12-01T19:20:01.500Z\",\"message\":\"Graceful "
			+ "shutdown completed in 4.1s: withdraw 3.0s, web-drain 1.0s timed-out (cut 2 requests); cut 2 requests: "
			+ "GET /held (1.2s), 1 queued, not yet read; timed out: web-drain\",\"level\":\"WARN\","
			+ "\"graceful.shutdown.duration_ms\":4100,\"graceful.shutdown.grace_period_ms\":30000,"
			+ "\"graceful.shutdown.clean\":false,\"graceful.shutdown.cut.requests\":2,\"graceful.shutdown.steps\":"
			+ "[{\"name\":\"withdraw\",\"outcome\":\"completed\",\"duration_ms\":3000},{\"name\":\"web-drain\","
			+ "\"outcome\":\"timed-out\",\"duration_ms\":1003,\"cut\":{\"requests\":2}}]}";

	@Test
	void aStepEventIsReadFromItsFields() {
		LogLine line = LogLine.parse(WEB_DRAIN_CUT);
		assertThat(line.isStep("web-drain", "finished")).isTrue();
		assertThat(line.isStep("web-drain", "started")).isFalse();
		assertThat(line.text("graceful.step.outcome")).isEqualTo("timed-out");
		assertThat(line.number("graceful.step.bound_ms")).isEqualTo(1000);
		assertThat(line.numbers("graceful.step.cut.")).containsExactly(java.util.Map.entry("requests", 2L));
		assertThat(line.number("graceful.step.count.quiet-period-ms")).as("absent").isNaN();
	}

	@Test
	void theSummaryIsReadWithItsNestedStepsSkipped() {
		LogLine line = LogLine.parse(SUMMARY);
		assertThat(line.number("graceful.shutdown.duration_ms")).isEqualTo(4100);
		assertThat(line.numbers("graceful.shutdown.cut.")).containsOnlyKeys("requests").containsEntry("requests", 2L);
		assertThat(line.message()).startsWith("Graceful shutdown completed in 4.1s").endsWith("timed out: web-drain");
	}

	@Test
	void theHumanLineKeepsTheSentence() {
		assertThat(LogLine.parse(WEB_DRAIN_CUT).human()).isEqualTo("2026-12-01T19:20:01.123Z  WARN "
				+ "[SpringApplicationShutdownHook] io.graceful.autoconfigure.web.WebDrain : Web drain hit its 1s bound; "
				+ "cut 2 requests: GET /held (1.2s), 1 queued, not yet read; shutdown continues");
	}

	@Test
	void aLineThatIsNotJsonIsKeptAsText() {
		LogLine warning = LogLine.parse("OpenJDK 64-Bit Server VM warning: Sharing is only supported for boot loader");
		assertThat(warning.message()).startsWith("OpenJDK 64-Bit Server VM warning");
		assertThat(warning.human()).isEqualTo(warning.message());
		assertThat(LogLine.parse("{not json").message()).isEqualTo("{not json");
		assertThat(LogLine.parse("{\"message\":\"tab\\tand \\u00e9\"}").message()).isEqualTo("tab\tand \u00e9");
	}

}
