package io.graceful.autoconfigure.amqp;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;

import com.rabbitmq.client.Channel;
import io.graceful.autoconfigure.testsupport.Bounds;
import io.graceful.autoconfigure.CoreAutoConfigurations;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.budget.ShutdownBudgetExceededException;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannelFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.DirectFieldAccessor;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.Mockito.mock;

/**
 * How the RabbitMQ steps are configured: bound, budget, validation, phase and conditions.
 */
class RabbitShutdownAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, RabbitAutoConfiguration.class,
				GracefulAutoConfiguration.class, RabbitShutdownAutoConfiguration.class));

	@Test
	void listenerBoundDefaultsToTwoSecondsAndIsThePhaseTimeoutOfTheListenersStep() {
		this.runner.run((context) -> assertThat(context.getBean("rabbitListenersShutdownBound", ShutdownBound.class))
			.isEqualTo(ShutdownBound.ofPhase("rabbitmq-listeners", "graceful.rabbitmq-listeners.timeout",
					Duration.ofSeconds(2), GracefulPhases.RABBIT_LISTENERS)));
	}

	@Test
	void aWebApplicationWithRabbitMqTakesTwentySevenSecondsOfTheBudgetOnKubernetes() {
		WebApplicationContextRunner kubernetes = new WebApplicationContextRunner()
			.withConfiguration(CoreAutoConfigurations.CORE)
			.withConfiguration(
					AutoConfigurations.of(RabbitAutoConfiguration.class, RabbitShutdownAutoConfiguration.class))
			.withPropertyValues("spring.main.cloud-platform=kubernetes");
		kubernetes.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(Bounds.of(context)).extracting(ShutdownBound::step, ShutdownBound::duration)
				.containsExactlyInAnyOrder(tuple("withdraw", Duration.ofSeconds(10)),
						tuple("rabbitmq-listeners", Duration.ofSeconds(2)), tuple("web-drain", Duration.ofSeconds(7)),
						tuple("background-work", Duration.ofSeconds(3)),
						tuple("rabbitmq-flush", Duration.ofSeconds(2)));
		});
		// 24s of steps, 1s for the other phases, 2s of safety margin
		kubernetes.withPropertyValues("graceful.grace-period=27s").run((context) -> assertThat(context).hasNotFailed());
		kubernetes.withPropertyValues("graceful.grace-period=26s")
			.run((context) -> assertThat(context.getStartupFailure())
				.isInstanceOf(ShutdownBudgetExceededException.class));
	}

	@Test
	void listenerContainerFactoryIsMovedOutOfTheWithdrawPhase() {
		this.runner.run((context) -> assertThat(
				new DirectFieldAccessor(context.getBean(SimpleRabbitListenerContainerFactory.class))
					.getPropertyValue("phase"))
			.isEqualTo(GracefulPhases.RABBIT_LISTENERS));
	}

	@Test
	void listenerBoundCountsInTheShutdownBudget() {
		this.runner.withPropertyValues("graceful.grace-period=10s", "graceful.rabbitmq-listeners.timeout=9s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(ShutdownBudgetExceededException.class);
				assertThat(((ShutdownBudgetExceededException) context.getStartupFailure()).getBudget().describe())
					.contains("rabbitmq-listeners", "graceful.rabbitmq-listeners.timeout");
			});
	}

	@Test
	void listenerTimeoutMustBePositive() {
		this.runner.withPropertyValues("graceful.rabbitmq-listeners.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.rabbitmq-listeners.timeout");
		});
	}

	@Test
	void flushBoundDefaultsToTwoSecondsInTheFlushPhase() {
		this.runner.run((context) -> assertThat(context.getBean("rabbitFlushShutdownBound", ShutdownBound.class))
			.isEqualTo(ShutdownBound.of("rabbitmq-flush", "graceful.rabbitmq-flush.timeout", Duration.ofSeconds(2),
					GracefulPhases.RABBITMQ_FLUSH)));
	}

	@Test
	void flushTimeoutMustBePositive() {
		this.runner.withPropertyValues("graceful.rabbitmq-flush.timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.rabbitmq-flush.timeout");
		});
	}

	@Test
	void connectionFactoryCountsConfirmsAndGuardsNewConnections() {
		this.runner.withPropertyValues("spring.rabbitmq.publisher-confirm-type=correlated").run((context) -> {
			CachingConnectionFactory connectionFactory = context.getBean(CachingConnectionFactory.class);
			PublisherCallbackChannelFactory channels = (PublisherCallbackChannelFactory) new DirectFieldAccessor(
					connectionFactory)
				.getPropertyValue("publisherChannelFactory");
			assertThat(channels.createChannel(mock(Channel.class), Executors.newSingleThreadExecutor()))
				.isInstanceOf(ConfirmCountingChannel.class);
			Socket socket = new Socket();
			context.getBean(RabbitConfirmTracker.class).reject();
			assertThatExceptionOfType(RabbitSendRejectedException.class).isThrownBy(
					() -> connectionFactory.getRabbitConnectionFactory().getSocketConfigurator().configure(socket));
			assertThat(socket.isClosed()).isTrue();
		});
	}

	@Test
	void nothingIsConfiguredWhenGracefulIsDisabled() {
		this.runner.withPropertyValues("graceful.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RabbitListenerShutdown.class)
				.doesNotHaveBean(RabbitListenerPhasePostProcessor.class)
				.doesNotHaveBean(RabbitFlushLifecycle.class)
				.doesNotHaveBean(RabbitPublishingPostProcessor.class));
	}

	@Test
	void nothingIsConfiguredAndNothingCountsInTheBudgetWithoutAConnectionFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
					RabbitShutdownAutoConfiguration.class))
			.withPropertyValues("graceful.grace-period=10s", "graceful.rabbitmq-listeners.timeout=9s")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RabbitListenerShutdown.class)
				.doesNotHaveBean(RabbitFlushLifecycle.class)
				.doesNotHaveBean(RabbitListenerPhasePostProcessor.class)
				.doesNotHaveBean("rabbitListenersShutdownBound")
				.doesNotHaveBean("rabbitFlushShutdownBound"));
	}

	@Test
	void anApplicationsOwnConnectionFactoryIsEnough() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
					RabbitShutdownAutoConfiguration.class))
			.withBean(CachingConnectionFactory.class, () -> new CachingConnectionFactory("localhost", 1))
			.run((context) -> assertThat(context).hasSingleBean(RabbitListenerShutdown.class)
				.hasSingleBean(RabbitFlushLifecycle.class)
				.hasBean("rabbitListenersShutdownBound")
				.hasBean("rabbitFlushShutdownBound"));
	}

	@Test
	void nothingIsConfiguredWithoutSpringAmqp() {
		this.runner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RabbitListenerShutdown.class)
				.doesNotHaveBean("rabbitListenersShutdownBound"));
	}

}
