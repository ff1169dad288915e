package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.Map;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.budget.ShutdownBudgetExceededException;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the Kafka steps are configured: bounds, defaults, validation and conditions.
 */
class KafkaShutdownAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, KafkaAutoConfiguration.class,
				GracefulAutoConfiguration.class, KafkaShutdownAutoConfiguration.class));

	@Test
	void kafkaBoundsDefaultToTwoSecondsForListenersTwoForTheFlushAndOneForTheClose() {
		this.runner.run((context) -> {
			Map<String, ShutdownBound> bounds = context.getBeansOfType(ShutdownBound.class);
			assertThat(bounds.get("kafkaListenersShutdownBound")).isEqualTo(ShutdownBound.ofPhase("kafka-listeners",
					"graceful.kafka-listeners.timeout", Duration.ofSeconds(2), GracefulPhases.KAFKA_LISTENERS));
			assertThat(bounds.get("kafkaFlushShutdownBound")).isEqualTo(ShutdownBound.of("kafka-flush",
					"graceful.kafka-flush.timeout", Duration.ofSeconds(2), GracefulPhases.KAFKA_FLUSH));
			assertThat(bounds.get("kafkaProducersCloseShutdownBound"))
				.isEqualTo(ShutdownBound.of("kafka-producers-close", "graceful.kafka-producers-close.timeout",
						Duration.ofSeconds(1), GracefulPhases.KAFKA_PRODUCERS_CLOSE));
		});
	}

	@Test
	void noKafkaStepsWithoutAProducerOrConsumerFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
					KafkaShutdownAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(KafkaFlushLifecycle.class)
				.doesNotHaveBean(KafkaListenerShutdown.class)
				.doesNotHaveBean("kafkaFlushShutdownBound"));
	}

	@Test
	void boundsFollowTheProperties() {
		this.runner
			.withPropertyValues("graceful.kafka-listeners.timeout=5s", "graceful.kafka-flush.timeout=3s",
					"graceful.kafka-producers-close.timeout=2s")
			.run((context) -> {
				Map<String, ShutdownBound> bounds = context.getBeansOfType(ShutdownBound.class);
				assertThat(bounds.get("kafkaListenersShutdownBound").duration()).isEqualTo(Duration.ofSeconds(5));
				assertThat(bounds.get("kafkaFlushShutdownBound").duration()).isEqualTo(Duration.ofSeconds(3));
				assertThat(bounds.get("kafkaProducersCloseShutdownBound").duration()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void producerFactoriesAreTrackedSoEveryProducerTheyCreateIsReachable() {
		this.runner.run((context) -> {
			DefaultKafkaProducerFactory<?, ?> factory = context.getBean(DefaultKafkaProducerFactory.class);
			assertThat(factory.getPostProcessors()).hasSize(1);
			assertThat(context.getBean(KafkaProducerTracker.class).factoryCount()).isEqualTo(1);
		});
	}

	@Test
	void closeTimeoutMustBeWholeSecondsBecauseSpringKafkaClosesProducersInSeconds() {
		this.runner.withPropertyValues("graceful.kafka-producers-close.timeout=1500ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.kafka-producers-close.timeout")
				.hasMessageContaining("whole seconds");
		});
	}

	@Test
	void flushTimeoutMustBePositive() {
		this.runner.withPropertyValues("graceful.kafka-flush.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.kafka-flush.timeout");
		});
	}

	@Test
	void kafkaBoundsCountInTheShutdownBudgetAndAreListedWhenItDoesNotFit() {
		this.runner.withPropertyValues("graceful.grace-period=10s", "graceful.kafka-flush.timeout=8s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(ShutdownBudgetExceededException.class)
					.hasMessageContaining("add up to 17s");
				// the failure analysis prints this table of bounds
				assertThat(((ShutdownBudgetExceededException) failure).getBudget().describe()).contains(
						"kafka-listeners", "graceful.kafka-listeners.timeout", "kafka-flush",
						"graceful.kafka-flush.timeout", "kafka-producers-close",
						"graceful.kafka-producers-close.timeout");
			});
	}

	@Test
	void kafkaDefaultsTakeFiveSecondsOfTheBudget() {
		this.runner.run((context) -> assertThat(context.getBeansOfType(ShutdownBound.class)
			.values()
			.stream()
			.filter((bound) -> bound.property().startsWith("graceful.kafka-"))
			.map(ShutdownBound::duration)
			.reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void nothingIsConfiguredWhenGracefulIsDisabled() {
		this.runner.withPropertyValues("graceful.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaFlushLifecycle.class)
				.doesNotHaveBean(KafkaProducerTracker.class)
				.doesNotHaveBean(KafkaListenerShutdown.class);
			assertThat(context.getBean(DefaultKafkaProducerFactory.class).getPostProcessors()).isEmpty();
		});
	}

	@Test
	void nothingIsConfiguredWithoutSpringKafka() {
		this.runner.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(KafkaFlushLifecycle.class)
				.doesNotHaveBean(ShutdownBound.class.getName() + "kafkaFlushShutdownBound"));
	}

}
