package io.graceful.autoconfigure;

import io.graceful.autoconfigure.core.ShutdownReport;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The frame of graceful shutdown: its general properties and the report every step writes
 * to. The steps are configured by their own auto-configurations, the budget check by
 * {@code ShutdownBudgetAutoConfiguration}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LifecycleAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ GracefulProperties.class, HandoverProperties.class })
public final class GracefulAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ShutdownReport shutdownReport(GracefulProperties properties) {
		ShutdownReport report = new ShutdownReport();
		report.setCarryOver(properties.isCarryOver());
		return report;
	}

}
