package io.graceful.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The rollout lab as part of the build: real PostgreSQL, a real Kafka broker process,
 * real HAProxy in L4 and L7 mode, two sample-app instances from
 * {@code sample-app/target/sample-app.jar}, each rolled under open-model load. With the
 * starter nothing may be lost; without it (the baseline) the same roll must lose
 * something, which shows the lab can see a loss at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutLabTests {

	private Path runDir;

	private String haproxy;

	private Infra infra;

	@BeforeAll
	void startInfra() throws Exception {
		this.runDir = Path.of(System.getProperty("lab.runsDir", "target/lab-runs"))
			.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))
			.toAbsolutePath();
		Files.createDirectories(this.runDir);
		this.haproxy = HaProxy.locate(false, this.runDir.resolve("apt-get.log"));
		if (this.haproxy == null) {
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				fail("HAProxy is missing and CI=true: the rollout lab must run in CI (apt-get install -y haproxy, "
						+ "or run ./test which installs it)");
			}
			assumeTrue(false, "HAProxy is not installed (apt-get install -y haproxy); skipping the rollout lab");
		}
		Path jar = Path.of(System.getProperty("lab.sampleAppJar", "../sample-app/target/sample-app.jar"));
		assertThat(jar).as("the packaged sample app").isRegularFile();
		this.infra = Infra.start(this.runDir.resolve("infra"));
	}

	@AfterAll
	void stopInfra() {
		if (this.infra != null) {
			this.infra.close();
		}
	}

	@Test
	@Timeout(value = 12, unit = TimeUnit.MINUTES)
	void rollingEveryInstanceBehindL4AndL7LosesNoRequestWriteRecordOrIncrement() {
		Settings settings = settings();
		List<RunResult> runs = new ArrayList<>();
		for (HaProxy.Mode mode : List.of(HaProxy.Mode.L4, HaProxy.Mode.L7)) {
			runs.add(Lab.runOne(this.infra, this.haproxy, settings, mode, true, this.runDir));
		}
		Report.writeSummary(this.runDir, settings, Lab.header(settings), runs);
		String table = "\n" + Report.table(runs);
		System.out.print(table);
		assertThat(runs.stream().mapToLong(RunResult::sent).sum()).as("requests in total" + table)
			.isGreaterThanOrEqualTo(3000);
		for (RunResult run : runs) {
			RunResult.Verification verification = run.verification();
			assertThat(run.restarts()).as(run.label() + " restarts" + table).hasSizeGreaterThanOrEqualTo(2);
			assertThat(run.restarts()).as(run.label() + " restarts within the grace period" + table)
				.noneMatch(AppInstance.Restart::killed);
			assertThat(run.failed()).as(run.label() + " failed requests" + table).isZero();
			assertThat(verification.missingOrders())
				.as(run.label() + " acknowledged orders missing in PostgreSQL" + table)
				.isZero();
			assertThat(verification.caughtUp()).as(run.label() + " consumer and background work caught up" + table)
				.isTrue();
			assertThat(verification.missingEvents()).as(run.label() + " acknowledged orders never consumed" + table)
				.isZero();
			assertThat(verification.counter()).as(run.label() + " counter vs acknowledged increments" + table)
				.isEqualTo(verification.incrementsAcknowledged());
		}
	}

	@Test
	@Timeout(value = 12, unit = TimeUnit.MINUTES)
	void theSameRollWithPlainSpringBootLosesSomething() {
		Settings settings = settings();
		List<RunResult> runs = new ArrayList<>();
		for (int attempt = 1; attempt <= 3; attempt++) {
			RunResult run = Lab.runOne(this.infra, this.haproxy, settings, HaProxy.Mode.L7, false,
					this.runDir.resolve("baseline-attempt-" + attempt));
			runs.add(run);
			Report.writeSummary(run.dir().getParent(), settings, Lab.header(settings), List.of(run));
			if (run.lost() > 0) {
				System.out.print(Report.table(runs));
				return;
			}
		}
		fail("Plain Spring Boot lost nothing in 3 rolls, so the lab cannot tell a graceful roll from a careless one:\n"
				+ Report.table(runs));
	}

	private static Settings settings() {
		Settings settings = new Settings();
		settings.jar = Path.of(System.getProperty("lab.sampleAppJar", "../sample-app/target/sample-app.jar"));
		// 50/s keeps >= 3000 requests in the two graceful runs even on a fast machine; 8
		// % increments (4/s) stay within
		// what one instance's executor (8 threads, 2 s tasks) absorbs while the other
		// restarts
		settings.rate = 50;
		settings.incrementShare = 0.08;
		settings.warmup = java.time.Duration.ofSeconds(3);
		settings.settle = java.time.Duration.ofSeconds(2);
		settings.tail = java.time.Duration.ofSeconds(3);
		settings.quiet = true;
		return settings;
	}

}
