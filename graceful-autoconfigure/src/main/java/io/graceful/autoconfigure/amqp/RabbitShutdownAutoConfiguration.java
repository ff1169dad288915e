package io.graceful.autoconfigure.amqp;

import com.rabbitmq.client.Channel;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Bound and report the RabbitMQ steps of a shutdown: listener containers keep consuming
 * through withdraw and stop after it, finishing the messages in hand within
 * {@code graceful.rabbitmq-listeners.timeout}; publisher confirms still pending are
 * awaited within {@code graceful.rabbitmq-flush.timeout}, after which sends fail fast.
 * Only when the application has a RabbitMQ {@link ConnectionFactory} (Spring Boot's, or
 * its own): with Spring AMQP merely on the class path there is nothing to stop or flush,
 * and the steps' bounds would count in the shutdown budget for nothing.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class,
		afterName = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration")
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass({ RabbitTemplate.class, Channel.class })
@ConditionalOnBean(ConnectionFactory.class)
@EnableConfigurationProperties(RabbitShutdownProperties.class)
public final class RabbitShutdownAutoConfiguration {

	@Bean
	static RabbitPublishingPostProcessor gracefulRabbitPublishingPostProcessor(
			ObjectProvider<RabbitConfirmTracker> tracker) {
		return new RabbitPublishingPostProcessor(tracker);
	}

	@Bean
	static RabbitConfirmTracker gracefulRabbitConfirmTracker() {
		return new RabbitConfirmTracker();
	}

	@Bean
	RabbitFlushLifecycle gracefulRabbitFlushLifecycle(RabbitConfirmTracker tracker,
			ObjectProvider<CachingConnectionFactory> connectionFactories, ShutdownReport report,
			RabbitShutdownProperties properties) {
		return new RabbitFlushLifecycle(tracker, connectionFactories, report,
				properties.getRabbitmqFlush().getTimeout());
	}

	@Bean
	ShutdownBound rabbitFlushShutdownBound(RabbitShutdownProperties properties) {
		return ShutdownBound.of(GracefulStep.RABBITMQ_FLUSH, properties.getRabbitmqFlush().getTimeout(),
				GracefulPhases.RABBITMQ_FLUSH);
	}

	@Bean
	static RabbitListenerPhasePostProcessor gracefulRabbitListenerPhasePostProcessor(
			ObjectProvider<InFlightMessages> inFlight) {
		return new RabbitListenerPhasePostProcessor(inFlight);
	}

	@Bean
	static InFlightMessages gracefulRabbitInFlightMessages() {
		return new InFlightMessages();
	}

	@Bean
	RabbitListenerShutdown gracefulRabbitListenerShutdown(ListableBeanFactory beanFactory, InFlightMessages inFlight,
			ShutdownReport report, RabbitShutdownProperties properties, LifecyclePhaseTimeout phaseTimeout) {
		return new RabbitListenerShutdown(beanFactory, inFlight, report, properties.getRabbitmqListeners().getTimeout(),
				phaseTimeout);
	}

	@Bean
	SmartLifecycle gracefulRabbitListenersPreparation(RabbitListenerShutdown shutdown) {
		return shutdown.preparation();
	}

	@Bean
	PhaseCallback gracefulRabbitListenersStopped(RabbitListenerShutdown shutdown) {
		return new PhaseCallback(GracefulPhases.RABBIT_LISTENERS - 1, shutdown::stopped);
	}

	@Bean
	ShutdownBound rabbitListenersShutdownBound(RabbitShutdownProperties properties) {
		return ShutdownBound.ofPhase(GracefulStep.RABBITMQ_LISTENERS, properties.getRabbitmqListeners().getTimeout(),
				GracefulPhases.RABBIT_LISTENERS);
	}

}
