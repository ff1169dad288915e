package io.graceful.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference in docs/configuration.md is generated from the
 * configuration metadata of the current build; this test fails when the page is stale or
 * a property lacks a description or default. Regenerate with
 * {@code ./mvnw -B -pl docs -am verify -Dgraceful.docs.update=true}.
 */
class ConfigurationReferenceTests {

	private static final Path PAGE = Path.of("configuration.md");

	@Test
	void referencePageMatchesTheMetadataOfThisBuild() throws IOException {
		String expected = render(properties());
		if (Boolean.getBoolean("graceful.docs.update")) {
			Files.writeString(PAGE, expected);
		}
		assertThat(Files.readString(PAGE))
			.as("docs/configuration.md is stale; regenerate it with "
					+ "./mvnw -B -pl docs -am verify -Dgraceful.docs.update=true")
			.isEqualTo(expected);
	}

	@Test
	void everyPropertyHasADescriptionAndADefault() throws IOException {
		List<JsonNode> properties = properties();
		assertThat(properties).extracting((property) -> property.path("name").asText())
			.contains("graceful.enabled", "graceful.grace-period", "graceful.withdraw.delay",
					"graceful.web-drain.timeout");
		for (JsonNode property : properties) {
			String name = property.path("name").asText();
			assertThat(property.path("description").asText()).as("description of %s", name).isNotBlank();
			// a property that is off until set says so instead of carrying a made-up
			// default
			if (!property.path("description").asText().contains("Off when not set")) {
				assertThat(property.has("defaultValue")).as("default of %s", name).isTrue();
			}
		}
	}

	static List<JsonNode> properties() throws IOException {
		List<JsonNode> properties = new ArrayList<>();
		try (InputStream in = ConfigurationReferenceTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("configuration metadata of graceful-spring-boot-autoconfigure").isNotNull();
			JsonNode root = new ObjectMapper().readTree(in);
			root.path("properties").forEach((property) -> {
				if (property.path("name").asText().startsWith("graceful.")) {
					properties.add(property);
				}
			});
		}
		properties.sort(Comparator.comparing((JsonNode property) -> property.path("name").asText()));
		return properties;
	}

	static String render(List<JsonNode> properties) {
		StringBuilder page = new StringBuilder();
		page.append("# Configuration reference\n\n");
		page.append("Every `graceful.*` property, generated from the configuration metadata of the build ")
			.append("(`ConfigurationReferenceTests` fails when this page is stale).\n\n");
		page.append("| Property | Type | Default | Description |\n");
		page.append("|---|---|---|---|\n");
		for (JsonNode property : properties) {
			if (property.has("deprecation")) {
				continue;
			}
			page.append("| `")
				.append(property.path("name").asText())
				.append("` | `")
				.append(simpleType(property.path("type").asText()))
				.append("` | ")
				.append(defaultValue(property))
				.append(" | ")
				.append(property.path("description").asText().replace("\n", " ").replace("|", "\\|"))
				.append(" |\n");
		}
		page.append("\n## Renamed in 0.2\n\n");
		page.append(
				"Every step's bound is now `graceful.<step>.timeout`, named like the step in the logs, the report, ")
			.append("the endpoint and the metrics. The 0.1 names still bind, with one startup warning each; when both ")
			.append("names are set, the new one wins and the warning says so. They go away in 1.0.\n\n");
		page.append("| 0.1 name | New name |\n");
		page.append("|---|---|\n");
		for (JsonNode property : properties) {
			if (property.has("deprecation")) {
				page.append("| `")
					.append(property.path("name").asText())
					.append("` | `")
					.append(property.path("deprecation").path("replacement").asText())
					.append("` |\n");
			}
		}
		return page.toString();
	}

	private static String simpleType(String type) {
		String simple = type.substring(type.lastIndexOf('.') + 1);
		return simple.replace('$', '.');
	}

	private static String defaultValue(JsonNode property) {
		if (!property.has("defaultValue")) {
			return "(not set)";
		}
		JsonNode value = property.path("defaultValue");
		return "`" + (value.isTextual() ? value.asText() : value.toString()) + "`";
	}

}
