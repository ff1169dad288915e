package io.graceful.autoconfigure.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class DataSourceDrainAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(GracefulAutoConfiguration.class, DataSourceDrainAutoConfiguration.class));

	@Test
	void drainsWhenThereIsADataSourceWithATwoSecondDefaultBound() {
		this.runner.withBean(DataSource.class, SimpleDriverDataSource::new).run((context) -> {
			assertThat(context).hasSingleBean(DataSourceDrainLifecycle.class);
			assertThat(context.getBean("dataSourceDrainShutdownBound", ShutdownBound.class)).satisfies((bound) -> {
				assertThat(bound.property()).isEqualTo("graceful.datasource-drain.timeout");
				assertThat(bound.duration()).hasSeconds(2);
			});
		});
	}

	@Test
	void backsOffWithoutADataSource() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(DataSourceDrainLifecycle.class));
	}

	@Test
	void backsOffWhenGracefulIsDisabled() {
		this.runner.withBean(DataSource.class, SimpleDriverDataSource::new)
			.withPropertyValues("graceful.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DataSourceDrainLifecycle.class));
	}

	@Test
	void rejectsAZeroBoundNamingTheProperty() {
		this.runner.withBean(DataSource.class, SimpleDriverDataSource::new)
			.withPropertyValues("graceful.datasource-drain.timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class)
				.rootCause()
				.hasMessageContaining("graceful.datasource-drain.timeout"));
	}

	@Test
	void aDataSourceThatIsNotAHikariPoolIsLeftToSpringAndTheLogSaysNoDrainWasPossible(CapturedOutput output) {
		this.runner.withBean("legacy", DataSource.class, SimpleDriverDataSource::new).run((context) -> {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
			assertThat(output).contains("DataSource drain skipped: no open HikariCP pool; no drain possible for 1 "
					+ "DataSource(s) that are not HikariCP pools, Spring closes them as usual: 'legacy' "
					+ "(SimpleDriverDataSource)");
			assertThat(report.getResults()).filteredOn((result) -> result.step().equals("datasource-drain"))
				.singleElement()
				.satisfies((result) -> {
					assertThat(result.outcome()).isEqualTo(StepOutcome.SKIPPED);
					assertThat(result.counts()).containsEntry("datasources-not-drainable", 1L);
				});
		});
	}

	@Test
	void worksWithoutHikariOnTheClasspath(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader(HikariDataSource.class))
			.withBean("legacy", DataSource.class, SimpleDriverDataSource::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(DataSourceDrainLifecycle.class);
				((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
				assertThat(output).contains("no drain possible for 1 DataSource(s) that are not HikariCP pools");
			});
	}

}
