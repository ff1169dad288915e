package io.graceful.lab;

import java.util.Locale;

/**
 * What one run compares: the balancer's model of removal, and what the application does
 * about it.
 */
final class Column {

	/** How the balancer learns that an instance goes away. */
	enum Balancer {

		/**
		 * HAProxy's readiness health check takes the instance out once it answers 503 (as
		 * HAProxy or a cloud load balancer's target health check does).
		 */
		HEALTH_CHECK("health-check"),

		/**
		 * Kubernetes: the endpoint is removed when the pod is deleted, whatever its
		 * readiness says, and the balancer applies that after a propagation delay, while
		 * SIGTERM (after preStop) arrives at once.
		 */
		ENDPOINTS("endpoints");

		final String label;

		Balancer(String label) {
			this.label = label;
		}

		static Balancer parse(String value) {
			for (Balancer balancer : values()) {
				if (balancer.label.equals(value.toLowerCase(Locale.ROOT))) {
					return balancer;
				}
			}
			throw new IllegalArgumentException("--lb must be health-check, endpoints or both, not '" + value + "'");
		}

	}

	/** What runs in the instances. */
	enum App {

		/**
		 * The sample app with the starter (in the endpoints model: its Kubernetes
		 * defaults).
		 */
		GRACEFUL("graceful", "g"),

		/**
		 * The same app with {@code graceful.enabled=false}: plain Spring Boot shutdown.
		 */
		PLAIN("plain Boot", "p"),

		/**
		 * Plain Spring Boot with the fix its documentation recommends: a preStop sleep
		 * before SIGTERM.
		 */
		PRESTOP("plain+preStop", "s");

		final String label;

		final String code;

		App(String label, String code) {
			this.label = label;
			this.code = code;
		}

	}

	private Column() {
	}

}
