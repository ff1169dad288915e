package io.graceful.autoconfigure.budget;

import java.time.Duration;
import javax.sql.DataSource;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.jdbc.DataSourceDrainAutoConfiguration;
import io.graceful.autoconfigure.web.WebDrainProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background-work and DataSource bounds count in the shutdown budget.
 */
class ResourceBoundsBudgetTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(GracefulAutoConfiguration.class, DataSourceDrainAutoConfiguration.class))
		.withBean(DataSource.class, SimpleDriverDataSource::new);

	@Test
	void budgetListsBackgroundWorkAndDataSourceDrainInShutdownOrder() {
		this.runner.withPropertyValues("spring.main.cloud-platform=kubernetes").run((context) -> {
			ShutdownBudget budget = context.getBean(ShutdownBudgetVerifier.class).budget();
			assertThat(budget.bounds()).extracting(ShutdownBound::step)
				.containsSubsequence("withdraw", "background-work", "datasource-drain", "other phases",
						"safety margin");
			assertThat(budget.bounds()).filteredOn((bound) -> bound.step().equals("background-work"))
				.singleElement()
				.satisfies((bound) -> {
					assertThat(bound.duration()).isEqualTo(Duration.ofSeconds(3));
					assertThat(bound.phase()).isEqualTo(GracefulPhases.BACKGROUND_WORK);
				});
			assertThat(budget.bounds()).filteredOn((bound) -> bound.step().equals("datasource-drain"))
				.singleElement()
				.satisfies((bound) -> assertThat(bound.duration()).isEqualTo(Duration.ofSeconds(2)));
		});
	}

	/**
	 * HELPERS.md: withdraw 10 + Kafka listeners 2 + web drain 7 + tasks 3 + DataSource 2
	 * + Kafka flush 2 + producer close 1 + other phases 1 + margin 2 = 30. This context
	 * has no web server and no Kafka, so those shares are added from their defaults.
	 */
	@Test
	void defaultsStillFitTheKubernetesGracePeriodWithWebAndKafkaShares() {
		this.runner.withPropertyValues("spring.main.cloud-platform=kubernetes").run((context) -> {
			assertThat(context).hasNotFailed();
			ShutdownBudget budget = context.getBean(ShutdownBudgetVerifier.class).budget();
			Duration kafkaShare = Duration.ofSeconds(2 + 2 + 1);
			Duration total = budget.total().plus(new WebDrainProperties().getTimeout()).plus(kafkaShare);
			assertThat(budget.total()).isEqualTo(Duration.ofSeconds(18));
			assertThat(total).isLessThanOrEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void boundsThatDoNotFitFailStartupAndTheAnalysisNamesThem() {
		this.runner
			.withPropertyValues("spring.main.cloud-platform=kubernetes", "graceful.background-work.timeout=15s",
					"graceful.datasource-drain.timeout=5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = rootCause(context.getStartupFailure());
				assertThat(failure).isInstanceOf(ShutdownBudgetExceededException.class);
				ShutdownBudgetExceededException exception = (ShutdownBudgetExceededException) failure;
				FailureAnalysis analysis = new ShutdownBudgetFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("(33s) does not fit the platform's grace period (30s)")
					.containsPattern("background-work +15s +graceful.background-work.timeout")
					.containsPattern("datasource-drain +5s +graceful.datasource-drain.timeout");
				assertThat(analysis.getAction()).contains("by 3s");
				assertThat(exception.getBudget().fits()).isFalse();
			});
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
