package io.graceful.autoconfigure;

import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.ShutdownReport;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
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

	/**
	 * Under Spring AOT the conditions were decided when the application was built, so
	 * {@code graceful.enabled=false} at run time would leave every step in place while
	 * claiming plain Spring Boot behaviour; fail startup and say what to do instead.
	 * @param properties the bound properties
	 */
	GracefulAutoConfiguration(GracefulProperties properties) {
		if (!properties.isEnabled() && AotDetector.useGeneratedArtifacts()) {
			throw new InvalidConfigurationPropertyValueException("graceful.enabled", false,
					"this application was built with Spring AOT and graceful enabled, and AOT decides conditions at "
							+ "build time; build it with graceful.enabled=false (or without the starter), or run it "
							+ "without -Dspring.aot.enabled=true");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownReport shutdownReport(GracefulProperties properties) {
		ShutdownReport report = new ShutdownReport();
		report.setCarryOver(properties.isCarryOver());
		return report;
	}

	@Bean
	LifecyclePhaseTimeout gracefulLifecyclePhaseTimeout(BeanFactory beanFactory) {
		return new LifecyclePhaseTimeout(beanFactory);
	}

}
