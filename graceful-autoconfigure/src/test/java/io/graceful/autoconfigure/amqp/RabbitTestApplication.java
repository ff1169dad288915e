package io.graceful.autoconfigure.amqp;

import java.util.ArrayList;
import java.util.List;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.TestRabbit;
import io.graceful.testsupport.RabbitProcess;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A small RabbitMQ application as a user would write it: Spring Boot's RabbitMQ and
 * lifecycle auto-configuration with graceful's ({@link #run}) or without it
 * ({@link #runPlain}, the negative control), plus the user's own beans.
 */
final class RabbitTestApplication {

	private RabbitTestApplication() {
	}

	static ConfigurableApplicationContext run(Class<?> userConfiguration, String... properties) {
		return run(WithGraceful.class, userConfiguration, properties);
	}

	static ConfigurableApplicationContext runPlain(Class<?> userConfiguration, String... properties) {
		return run(Plain.class, userConfiguration, properties);
	}

	static ConfigurableApplicationContext run(RabbitProcess broker, Class<?> userConfiguration, String... properties) {
		return run(WithGraceful.class, broker.springProperties(), userConfiguration, properties);
	}

	static ConfigurableApplicationContext runPlain(RabbitProcess broker, Class<?> userConfiguration,
			String... properties) {
		return run(Plain.class, broker.springProperties(), userConfiguration, properties);
	}

	private static ConfigurableApplicationContext run(Class<?> autoConfiguration, Class<?> userConfiguration,
			String... properties) {
		return run(autoConfiguration, TestRabbit.springProperties(), userConfiguration, properties);
	}

	private static ConfigurableApplicationContext run(Class<?> autoConfiguration, String[] brokerProperties,
			Class<?> userConfiguration, String... properties) {
		List<String> args = new ArrayList<>();
		for (String property : brokerProperties) {
			args.add("--" + property);
		}
		for (String property : properties) {
			args.add("--" + property);
		}
		return new SpringApplicationBuilder(autoConfiguration, userConfiguration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.registerShutdownHook(false)
			.run(args.toArray(String[]::new));
	}

	static StepResult step(ShutdownReport report, String step) {
		return report.getResults()
			.stream()
			.filter((result) -> result.step().equals(step))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No result for step " + step + " in " + report.getResults()));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, RabbitAutoConfiguration.class,
			GracefulAutoConfiguration.class, RabbitShutdownAutoConfiguration.class })
	static class WithGraceful {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, RabbitAutoConfiguration.class })
	static class Plain {

	}

}
