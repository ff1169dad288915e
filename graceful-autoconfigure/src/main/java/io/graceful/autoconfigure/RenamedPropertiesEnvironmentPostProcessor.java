package io.graceful.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the 0.1 names of renamed properties working, the way Spring Boot's properties
 * migrator does: a value set under an old name (in any form the binder accepts,
 * environment variables included) is also offered under its new name, with one warning
 * that names the replacement. When both are set, the new name wins and the warning says
 * so. The configuration metadata marks each old name deprecated with its replacement.
 */
class RenamedPropertiesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "gracefulRenamedProperties";

	/**
	 * Old name to new name: every step's bound is now {@code graceful.<step>.timeout}.
	 */
	static final Map<String, String> RENAMED = Map.of("graceful.web.drain-timeout", "graceful.web-drain.timeout",
			"graceful.web.complete-streams", "graceful.web-drain.complete-streams", "graceful.tasks.timeout",
			"graceful.background-work.timeout", "graceful.datasource.await-timeout",
			"graceful.datasource-drain.timeout", "graceful.kafka.listener-timeout", "graceful.kafka-listeners.timeout",
			"graceful.kafka.flush-timeout", "graceful.kafka-flush.timeout", "graceful.kafka.close-timeout",
			"graceful.kafka-producers-close.timeout");

	private final Log logger;

	RenamedPropertiesEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(RenamedPropertiesEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		Map<String, Object> renamed = new LinkedHashMap<>();
		RENAMED.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((rename) -> {
			String oldName = rename.getKey();
			String newName = rename.getValue();
			BindResult<String> oldValue = binder.bind(oldName, String.class);
			if (!oldValue.isBound()) {
				return;
			}
			if (binder.bind(newName, String.class).isBound()) {
				this.logger.warn(String.format("Both '%s' and its replacement '%s' are set; '%s' wins and '%s' "
						+ "(deprecated since 0.2) is ignored: remove it", oldName, newName, newName, oldName));
				return;
			}
			renamed.put(newName, oldValue.get());
			this.logger.warn(String.format("Property '%s' is deprecated since 0.2: rename it to '%s' "
					+ "(the old name still works until 1.0)", oldName, newName));
		});
		if (!renamed.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, renamed));
		}
	}

}
