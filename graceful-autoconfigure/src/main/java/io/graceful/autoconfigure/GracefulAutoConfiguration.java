package io.graceful.autoconfigure;

import io.graceful.autoconfigure.budget.ShutdownBudgetVerifier;
import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecaster;
import io.graceful.autoconfigure.report.ShutdownForecast;
import io.graceful.autoconfigure.report.ShutdownSummaryTrigger;
import io.graceful.autoconfigure.tasks.BackgroundWorkLifecycle;
import io.graceful.autoconfigure.tasks.TaskTrackingPostProcessor;
import io.graceful.autoconfigure.tasks.TrackedWork;
import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import io.graceful.autoconfigure.withdraw.ListeningSocketCloser;
import io.graceful.autoconfigure.withdraw.OpenConnections;
import io.graceful.autoconfigure.withdraw.WithdrawLifecycle;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * Graceful shutdown and the steps every application has: the report every step writes to,
 * the withdraw, background work, the budget check, the forecast and the summary. The web
 * drain, the servers and the libraries are configured by their own auto-configurations,
 * only when present.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LifecycleAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@EnableConfigurationProperties(GracefulProperties.class)
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

	@Bean
	@ConditionalOnMissingBean
	WithdrawLifecycle withdrawLifecycle(ApplicationContext context, GracefulProperties properties,
			ShutdownReport report, ObjectProvider<InFlightRequests> inFlightRequests,
			ObjectProvider<IdleConnectionCloser> closers, ObjectProvider<Http2GoAwaySender> goAwaySenders,
			ObjectProvider<ListeningSocketCloser> listeners, ObjectProvider<OpenConnections> openConnections) {
		return new WithdrawLifecycle(context, properties, report, inFlightRequests.getIfAvailable(),
				closers.orderedStream().toList(), goAwaySenders.orderedStream().toList(),
				listeners.orderedStream().toList(), openConnections.orderedStream().toList());
	}

	@Bean
	static TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor() {
		return new TaskTrackingPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	TrackedWork trackedWork(TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor) {
		return gracefulTaskTrackingPostProcessor.newTrackedWork();
	}

	@Bean
	BackgroundWorkLifecycle backgroundWorkLifecycle(ApplicationContext context,
			TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor, TrackedWork trackedWork,
			ObjectProvider<ScheduledTaskHolder> scheduledTaskHolders, ShutdownReport report,
			GracefulProperties properties) {
		return new BackgroundWorkLifecycle(context, gracefulTaskTrackingPostProcessor, trackedWork,
				scheduledTaskHolders.orderedStream().toList(), report, properties);
	}

	@Bean
	static ShutdownBudgetVerifier shutdownBudgetVerifier(GracefulProperties properties,
			ObjectProvider<ShutdownBound> bounds, ObjectProvider<BoundedStep> steps, Environment environment,
			BeanFactory beanFactory) {
		return new ShutdownBudgetVerifier(properties, bounds, steps, environment, beanFactory);
	}

	@Bean
	ShutdownForecast gracefulShutdownForecast(ObjectProvider<StepForecaster> forecasters, ShutdownReport report) {
		return new ShutdownForecast(forecasters, report);
	}

	@Bean
	static ShutdownSummaryTrigger gracefulShutdownSummaryTrigger() {
		return new ShutdownSummaryTrigger();
	}

	@Bean
	PhaseCallback gracefulStoppingState(ShutdownReport report) {
		return new PhaseCallback(GracefulPhases.WEB_STOP - 1, report::webServerStopped);
	}

}
