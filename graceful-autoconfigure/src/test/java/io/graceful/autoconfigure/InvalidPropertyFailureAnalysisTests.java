package io.graceful.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A bad value stops startup with Spring Boot's own failure analysis, which names the
 * property, the value, where it came from (file and line) and the allowed range.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertyFailureAnalysisTests {

	@Test
	void invalidValueIsReportedWithItsOrigin(@TempDir Path directory, CapturedOutput output) throws Exception {
		Path file = directory.resolve("application.properties");
		Files.writeString(file, "spring.main.banner-mode=off\ngraceful.grace-period=0s\n");
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
				.properties("spring.config.location=" + file.toUri())
				.run());
		assertThat(output).contains("Invalid value '0s' for configuration property 'graceful.grace-period'")
			.contains(file.getFileName().toString() + "] - 2:23")
			.contains("it must be more than 0 (for example 5s)");
	}

	@SpringBootConfiguration
	// no R2DBC URL and no RabbitMQ broker here: r2dbc-postgresql and spring-rabbit are on
	// the test class path
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
	static class Application {

	}

}
