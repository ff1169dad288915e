package io.graceful.autoconfigure.withdraw;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.HandoverProperties;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.requests.InFlightRequests;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Withdraw from load balancing at the very start of a shutdown.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WithdrawProperties.class)
public final class WithdrawAutoConfiguration {

	@Bean
	WithdrawSettings withdrawSettings(WithdrawProperties properties, HandoverProperties handover,
			Environment environment) {
		return WithdrawSettings.resolve(properties, handover, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	WithdrawLifecycle withdrawLifecycle(ApplicationContext context, WithdrawSettings settings, ShutdownReport report,
			ObjectProvider<InFlightRequests> inFlightRequests, ObjectProvider<IdleConnectionCloser> closers,
			ObjectProvider<Http2GoAwaySender> goAwaySenders, ObjectProvider<ListeningSocketCloser> listeners,
			ObjectProvider<OpenConnections> openConnections) {
		return new WithdrawLifecycle(context, settings, report, inFlightRequests.getIfAvailable(),
				closers.orderedStream().toList(), goAwaySenders.orderedStream().toList(),
				listeners.orderedStream().toList(), openConnections.orderedStream().toList());
	}

	@Bean
	ShutdownBound withdrawShutdownBound(WithdrawSettings settings) {
		return ShutdownBound.of(GracefulStep.WITHDRAW, settings.delay(), GracefulPhases.WITHDRAW);
	}

}
