package io.graceful.autoconfigure.kafka;

import java.time.Duration;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecaster;
import org.apache.kafka.clients.producer.Producer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Bound and report the Kafka steps of a shutdown: listener containers stop within
 * {@code graceful.kafka-listeners.timeout}; every producer is flushed within
 * {@code graceful.kafka-flush.timeout}, after which sends fail fast; producers close
 * within {@code graceful.kafka-producers-close.timeout}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class,
		afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass({ KafkaTemplate.class, Producer.class })
@Conditional(KafkaShutdownAutoConfiguration.OnKafkaClientFactory.class)
@EnableConfigurationProperties(KafkaShutdownProperties.class)
public final class KafkaShutdownAutoConfiguration {

	/**
	 * The application uses Kafka: it has a producer or a consumer factory (Spring Boot's
	 * Kafka auto-configuration defines both), so that an application with the library on
	 * its class path but Kafka's auto-configuration excluded gets no Kafka steps and no
	 * Kafka bounds in its budget.
	 */
	static final class OnKafkaClientFactory extends AnyNestedCondition {

		OnKafkaClientFactory() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(ProducerFactory.class)
		static final class Producers {

		}

		@ConditionalOnBean(ConsumerFactory.class)
		static final class Consumers {

		}

	}

	@Bean
	static KafkaProducerTrackingPostProcessor gracefulKafkaProducerTrackingPostProcessor(
			ObjectProvider<KafkaProducerTracker> tracker) {
		return new KafkaProducerTrackingPostProcessor(tracker);
	}

	@Bean
	KafkaProducerTracker gracefulKafkaProducerTracker() {
		return new KafkaProducerTracker();
	}

	@Bean
	KafkaFlushLifecycle gracefulKafkaFlushLifecycle(KafkaProducerTracker tracker, ShutdownReport report,
			KafkaShutdownProperties properties) {
		return new KafkaFlushLifecycle(tracker, report, properties.getKafkaFlush().getTimeout(),
				properties.getKafkaProducersClose().getTimeout());
	}

	@Bean
	StepForecaster kafkaFlushForecaster(KafkaFlushLifecycle gracefulKafkaFlushLifecycle) {
		return gracefulKafkaFlushLifecycle::forecast;
	}

	@Bean
	KafkaListenerShutdown gracefulKafkaListenerShutdown(ShutdownReport report, KafkaShutdownProperties properties,
			LifecyclePhaseTimeout phaseTimeout) {
		return new KafkaListenerShutdown(report, properties.getKafkaListeners().getTimeout(), phaseTimeout);
	}

	@Bean
	PhaseCallback gracefulKafkaListenersStopping(KafkaListenerShutdown shutdown) {
		return new PhaseCallback(GracefulPhases.KAFKA_LISTENERS + 1, shutdown::stopping);
	}

	@Bean
	PhaseCallback gracefulKafkaListenersStopped(KafkaListenerShutdown shutdown) {
		return new PhaseCallback(GracefulPhases.KAFKA_LISTENERS - 1, shutdown::stopped);
	}

	@Bean
	ShutdownBound kafkaListenersShutdownBound(KafkaShutdownProperties properties) {
		return ShutdownBound.ofPhase(GracefulStep.KAFKA_LISTENERS, properties.getKafkaListeners().getTimeout(),
				GracefulPhases.KAFKA_LISTENERS);
	}

	@Bean
	ShutdownBound kafkaFlushShutdownBound(KafkaShutdownProperties properties) {
		return ShutdownBound.of(GracefulStep.KAFKA_FLUSH, properties.getKafkaFlush().getTimeout(),
				GracefulPhases.KAFKA_FLUSH);
	}

	@Bean
	ShutdownBound kafkaProducersCloseShutdownBound(KafkaShutdownProperties properties) {
		return ShutdownBound.of(GracefulStep.KAFKA_PRODUCERS_CLOSE, properties.getKafkaProducersClose().getTimeout(),
				GracefulPhases.KAFKA_PRODUCERS_CLOSE);
	}

}
