package io.graceful.autoconfigure.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.jdbc.DataSourceDrainAutoConfiguration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A small, real, non-web application with Spring Boot's task, scheduling and JDBC
 * auto-configuration plus graceful's, started with {@link SpringApplicationBuilder} so
 * logging and the lifecycle processor are those of a real application, and closed by the
 * test to measure the shutdown.
 */
public final class ShutdownTestApp {

	private ShutdownTestApp() {
	}

	/**
	 * Start an application.
	 * @param sources the test's configuration classes
	 * @param properties extra properties
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(Class<?>[] sources, String... properties) {
		return run(AutoConfigurations.class, sources, properties);
	}

	/**
	 * Start an application without JDBC.
	 * @param sources the test's configuration classes
	 * @param properties extra properties
	 * @return the running context
	 */
	public static ConfigurableApplicationContext runWithoutDataSource(Class<?>[] sources, String... properties) {
		return run(TaskAutoConfigurations.class, sources, properties);
	}

	private static ConfigurableApplicationContext run(Class<?> autoConfigurations, Class<?>[] sources,
			String... properties) {
		List<Class<?>> all = new ArrayList<>(Arrays.asList(sources));
		all.add(autoConfigurations);
		return new SpringApplicationBuilder(all.toArray(new Class<?>[0])).web(WebApplicationType.NONE)
			.properties("spring.main.register-shutdown-hook=false", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	/**
	 * Close a context and measure how long it took.
	 * @param context the context
	 * @return the duration of {@code close()}
	 */
	public static Duration close(ConfigurableApplicationContext context) {
		long start = System.nanoTime();
		context.close();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
			TaskSchedulingAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, GracefulAutoConfiguration.class,
			DataSourceDrainAutoConfiguration.class })
	static class AutoConfigurations {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
			TaskSchedulingAutoConfiguration.class, GracefulAutoConfiguration.class })
	static class TaskAutoConfigurations {

	}

}
