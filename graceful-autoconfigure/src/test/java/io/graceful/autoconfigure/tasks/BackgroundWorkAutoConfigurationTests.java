package io.graceful.autoconfigure.tasks;

import java.util.concurrent.RejectedExecutionException;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownBound;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BackgroundWorkAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class));

	@Test
	void providesTrackedWorkAndTheStepWithAThreeSecondDefaultBound() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TrackedWork.class).hasSingleBean(BackgroundWorkLifecycle.class);
			assertThat(context.getBean(BackgroundWorkLifecycle.class).shutdownBound()).satisfies((bound) -> {
				assertThat(bound.property()).isEqualTo("graceful.background-work.timeout");
				assertThat(bound.duration()).hasSeconds(3);
			});
		});
	}

	@Test
	void backsOffWhenGracefulIsDisabled() {
		this.runner.withPropertyValues("graceful.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TrackedWork.class)
				.doesNotHaveBean(BackgroundWorkLifecycle.class));
	}

	@Test
	void rejectsANegativeBoundNamingTheProperty() {
		this.runner.withPropertyValues("graceful.background-work.timeout=-1s")
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class)
				.rootCause()
				.hasMessageContaining("graceful.background-work.timeout"));
	}

	@Test
	void trackedWorkCountsWorkInProgressAndRejectsItOnceClosed() {
		TrackedWork trackedWork = new TrackedWork();
		TrackedWork.Work work = trackedWork.begin("export");
		assertThat(trackedWork.inProgress()).isOne();
		work.close();
		work.close();
		assertThat(trackedWork.inProgress()).isZero();
		assertThat(trackedWork.finished()).isOne();
		trackedWork.close("closed for the test");
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> trackedWork.begin("late"))
			.withMessage("Tracked work 'late' rejected: closed for the test");
	}

}
