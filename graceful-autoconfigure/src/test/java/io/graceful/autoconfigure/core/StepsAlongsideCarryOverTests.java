package io.graceful.autoconfigure.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Steps that run alongside each other (the gRPC drain and the web drain share one phase)
 * carry over what the longer bound leaves after the longer of them, once: carrying both
 * would give later steps time the budget check never counted.
 */
class StepsAlongsideCarryOverTests {

	@Test
	void stepsAlongsideEachOtherCarryTheirUnusedTimeOverOnce() {
		ShutdownReport report = new ShutdownReport();
		report.runsAlongside("grpc-drain", "web-drain");
		StepRecorder web = report.begin("web-drain", Duration.ofSeconds(7));
		StepRecorder grpc = report.begin("grpc-drain", Duration.ofSeconds(5));
		web.completed("0 cut");
		grpc.completed("0 cut");
		assertThat(report.carriedOver()).isGreaterThan(Duration.ofSeconds(6))
			.isLessThanOrEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void stepsOneAfterTheOtherCarryTheirUnusedTimeOverEach() {
		ShutdownReport report = new ShutdownReport();
		report.begin("web-drain", Duration.ofSeconds(7)).completed("0 cut");
		report.begin("background-work", Duration.ofSeconds(5)).completed("0 cut");
		assertThat(report.carriedOver()).isGreaterThan(Duration.ofSeconds(11))
			.isLessThanOrEqualTo(Duration.ofSeconds(12));
	}

}
