package io.graceful.docs;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No cluster exists here, so the manifests are held to the Kubernetes schema (fabric8's
 * typed model: an unknown or misspelled field ends up in "additional properties" and
 * fails this test) and to the sample app's configuration.
 */
class KubernetesManifestsTests {

	private static final Path MANIFEST = Path.of("kubernetes/sample-app.yaml");

	private static final Path SAMPLE_CONFIG = Path.of("../sample-app/src/main/resources/application.yml");

	@Test
	void manifestsParseIntoTheKubernetesModelWithoutUnknownFields() throws IOException {
		List<HasMetadata> resources = resources();
		assertThat(resources).extracting(HasMetadata::getKind)
			.containsExactly("Deployment", "Service", "PodDisruptionBudget");
		for (HasMetadata resource : resources) {
			assertThat(unknownFields(resource, "", new IdentityHashMap<>()))
				.as("fields the Kubernetes model does not know in %s", resource.getKind())
				.isEmpty();
		}
	}

	@Test
	void gracePeriodAgreesWithTheApplication() throws IOException {
		Deployment deployment = resource(Deployment.class);
		long terminationGracePeriod = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
		Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
		String fromEnv = container.getEnv()
			.stream()
			.filter((env) -> env.getName().equals("GRACEFUL_GRACE_PERIOD"))
			.map(EnvVar::getValue)
			.findFirst()
			.orElse(null);
		String fromConfig = sampleConfig().getProperty("graceful.grace-period", "30s");
		Duration gracePeriod = DurationStyle.detectAndParse((fromEnv != null) ? fromEnv : fromConfig);
		assertThat(gracePeriod.toSeconds()).isEqualTo(terminationGracePeriod);
	}

	@Test
	void rollingUpdateNeverGoesBelowTheDesiredCount() throws IOException {
		Deployment deployment = resource(Deployment.class);
		assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
		assertThat(resource(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isPositive();
		assertThat(resource(Service.class).getSpec().getSelector())
			.isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
	}

	@Test
	void probesUseTheActuatorHealthGroupsOfTheApplication() throws IOException {
		Properties config = sampleConfig();
		assertThat(config.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
		String basePath = config.getProperty("management.endpoints.web.base-path", "/actuator");
		Container container = resource(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo(basePath + "/health/readiness");
		assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo(basePath + "/health/liveness");
		String port = config.getProperty("management.server.port", config.getProperty("server.port", "8080"));
		assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(Integer.valueOf(port));
	}

	private static List<HasMetadata> resources() throws IOException {
		KubernetesSerialization serialization = new KubernetesSerialization();
		List<HasMetadata> resources = new ArrayList<>();
		for (String document : Files.readString(MANIFEST).split("(?m)^---$")) {
			if (!document.replaceAll("(?m)^#.*$", "").isBlank()) {
				resources.add(serialization.unmarshal(document, HasMetadata.class));
			}
		}
		return resources;
	}

	private static <T extends HasMetadata> T resource(Class<T> type) throws IOException {
		return resources().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
	}

	private static Properties sampleConfig() {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new FileSystemResource(SAMPLE_CONFIG));
		return yaml.getObject();
	}

	/**
	 * Walks the model and collects every non-empty "additionalProperties" map: that is
	 * where fabric8 puts fields the schema does not define.
	 */
	private static List<String> unknownFields(Object node, String path, Map<Object, Boolean> seen) {
		List<String> unknown = new ArrayList<>();
		if (node == null || seen.put(node, Boolean.TRUE) != null) {
			return unknown;
		}
		if (node instanceof Collection<?> collection) {
			int i = 0;
			for (Object item : collection) {
				unknown.addAll(unknownFields(item, path + "[" + i++ + "]", seen));
			}
			return unknown;
		}
		if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
			return unknown;
		}
		for (Method method : node.getClass().getMethods()) {
			if (method.getParameterCount() != 0 || !method.getName().startsWith("get")
					|| method.getDeclaringClass() == Object.class) {
				continue;
			}
			try {
				Object value = method.invoke(node);
				if (method.getName().equals("getAdditionalProperties")) {
					if (value instanceof Map<?, ?> map && !map.isEmpty()) {
						unknown.add(path + ": " + map.keySet());
					}
				}
				else {
					unknown.addAll(unknownFields(value, path + "." + method.getName().substring(3), seen));
				}
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return unknown;
	}

}
