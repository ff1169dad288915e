package io.graceful.autoconfigure.kafka;

import java.util.ArrayList;
import java.util.List;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepResult;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A small Kafka application as a user would write it: Spring Boot's Kafka and lifecycle
 * auto-configuration, and graceful's, with the user's own beans.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, KafkaAutoConfiguration.class,
		GracefulAutoConfiguration.class, KafkaShutdownAutoConfiguration.class })
class KafkaTestApplication {

	static ConfigurableApplicationContext run(String bootstrapServers, Class<?> userConfiguration,
			String... properties) {
		List<String> args = new ArrayList<>();
		args.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
		args.add("--spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer");
		args.add("--spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.StringSerializer");
		for (String property : properties) {
			args.add("--" + property);
		}
		return new SpringApplicationBuilder(KafkaTestApplication.class, userConfiguration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.registerShutdownHook(false)
			.run(args.toArray(String[]::new));
	}

	static StepResult step(ShutdownReport report, String step) {
		return report.getResults()
			.stream()
			.filter((result) -> result.step().equals(step))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No result for step " + step));
	}

}
