package io.graceful.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graceful.autoconfigure.jdbc.DataSourceDrainProperties;
import io.graceful.autoconfigure.kafka.KafkaShutdownProperties;
import io.graceful.autoconfigure.tasks.BackgroundWorkProperties;
import io.graceful.autoconfigure.web.WebDrainProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every 0.1 name of a renamed property still binds, warns once naming its replacement,
 * loses to the new name when both are set, and is marked deprecated in the metadata.
 */
class RenamedPropertiesTests {

	private final List<String> warnings = new ArrayList<>();

	@ParameterizedTest(name = "{0} binds as {1}")
	@CsvSource({ "graceful.web.drain-timeout, graceful.web-drain.timeout, 11s",
			"graceful.web.complete-streams, graceful.web-drain.complete-streams, false",
			"graceful.tasks.timeout, graceful.background-work.timeout, 12s",
			"graceful.datasource.await-timeout, graceful.datasource-drain.timeout, 13s",
			"graceful.kafka.listener-timeout, graceful.kafka-listeners.timeout, 14s",
			"graceful.kafka.flush-timeout, graceful.kafka-flush.timeout, 15s",
			"graceful.kafka.close-timeout, graceful.kafka-producers-close.timeout, 16s" })
	void oldNameBindsToTheNewPropertyWithAWarning(String oldName, String newName, String value) {
		StandardEnvironment environment = environment(Map.of(oldName, value));
		assertThat(boundValue(environment, newName)).isEqualTo(value);
		assertThat(this.warnings).containsExactly("Property '" + oldName + "' is deprecated since 0.2: rename it to '"
				+ newName + "' (the old name still works until 1.0)");
	}

	@Test
	void oldNamesReachThePropertiesClassesAsTheApplicationBindsThem() {
		StandardEnvironment environment = environment(Map.of("graceful.web.drain-timeout", "11s",
				"graceful.tasks.timeout", "12s", "graceful.datasource.await-timeout", "13s",
				"graceful.kafka.listener-timeout", "14s", "graceful.kafka.flush-timeout", "15s",
				"graceful.kafka.close-timeout", "16s", "graceful.web.complete-streams", "false"));
		Binder binder = Binder.get(environment);
		WebDrainProperties web = binder.bind("graceful.web-drain", WebDrainProperties.class).get();
		assertThat(web.getTimeout()).isEqualTo(Duration.ofSeconds(11));
		assertThat(web.isCompleteStreams()).isFalse();
		assertThat(binder.bind("graceful.background-work", BackgroundWorkProperties.class).get().getTimeout())
			.isEqualTo(Duration.ofSeconds(12));
		assertThat(binder.bind("graceful.datasource-drain", DataSourceDrainProperties.class).get().getTimeout())
			.isEqualTo(Duration.ofSeconds(13));
		KafkaShutdownProperties kafka = binder.bind("graceful", KafkaShutdownProperties.class).get();
		assertThat(kafka.getKafkaListeners().getTimeout()).isEqualTo(Duration.ofSeconds(14));
		assertThat(kafka.getKafkaFlush().getTimeout()).isEqualTo(Duration.ofSeconds(15));
		assertThat(kafka.getKafkaProducersClose().getTimeout()).isEqualTo(Duration.ofSeconds(16));
		assertThat(this.warnings).hasSize(7);
	}

	@Test
	void oldNameAsEnvironmentVariableBinds() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("GRACEFUL_WEB_DRAINTIMEOUT", "9s")));
		process(environment);
		assertThat(boundValue(environment, "graceful.web-drain.timeout")).isEqualTo("9s");
		assertThat(this.warnings).singleElement().asString().contains("'graceful.web.drain-timeout' is deprecated");
	}

	@Test
	void whenBothAreSetTheNewNameWinsAndTheWarningSaysSo() {
		StandardEnvironment environment = environment(
				Map.of("graceful.web.drain-timeout", "11s", "graceful.web-drain.timeout", "4s"));
		assertThat(boundValue(environment, "graceful.web-drain.timeout")).isEqualTo("4s");
		assertThat(this.warnings).containsExactly("Both 'graceful.web.drain-timeout' and its replacement "
				+ "'graceful.web-drain.timeout' are set; 'graceful.web-drain.timeout' wins and "
				+ "'graceful.web.drain-timeout' (deprecated since 0.2) is ignored: remove it");
	}

	@Test
	void newNamesAloneWarnNothing() {
		environment(Map.of("graceful.web-drain.timeout", "4s"));
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void metadataMarksEveryOldNameDeprecatedWithItsReplacement() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new ObjectMapper().readTree(in);
		}
		RenamedPropertiesEnvironmentPostProcessor.RENAMED.forEach((oldName, newName) -> {
			JsonNode property = null;
			JsonNode replacement = null;
			for (JsonNode candidate : metadata.get("properties")) {
				if (candidate.get("name").asText().equals(oldName)) {
					property = candidate;
				}
				if (candidate.get("name").asText().equals(newName)) {
					replacement = candidate;
				}
			}
			assertThat(property).as(oldName).isNotNull();
			assertThat(property.at("/deprecation/replacement").asText()).isEqualTo(newName);
			assertThat(property.at("/deprecation/level").asText()).isEqualTo("warning");
			assertThat(replacement).as(newName + " in the metadata").isNotNull();
		});
	}

	private StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		process(environment);
		return environment;
	}

	private void process(StandardEnvironment environment) {
		new RenamedPropertiesEnvironmentPostProcessor((destination) -> new CapturingLog(this.warnings))
			.postProcessEnvironment(environment, new SpringApplication());
	}

	private static String boundValue(StandardEnvironment environment, String name) {
		return Binder.get(environment).bind(name, String.class).orElse(null);
	}

	private static final class CapturingLog extends NoOpLog {

		private final List<String> warnings;

		CapturingLog(List<String> warnings) {
			this.warnings = warnings;
		}

		@Override
		public void warn(Object message) {
			this.warnings.add(String.valueOf(message));
		}

	}

}
