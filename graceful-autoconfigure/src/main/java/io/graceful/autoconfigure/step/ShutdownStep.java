package io.graceful.autoconfigure.step;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * A step of your own in the shutdown: declare one as a bean and it runs in its phase,
 * bounded by its timeout, recorded in the shutdown report, shown on the {@code graceful}
 * endpoint and in the metrics, and counted in the budget check at startup.
 * <p>
 * Place it relative to {@link GracefulPhases} (higher phases stop first). For example, to
 * stop a client after the database drain and before Kafka is flushed: <pre class="code">
 * &#64;Bean
 * ShutdownStep stopPricingClient(PricingClient client) {
 *     return ShutdownStep.of("pricing-client", GracefulPhases.DATASOURCE_DRAIN - 10, Duration.ofSeconds(2),
 *             client::stop);
 * }
 * </pre> The action runs on its own thread; at the timeout that thread is interrupted and
 * the shutdown goes on.
 *
 * @since 0.1.0
 */
public interface ShutdownStep {

	/**
	 * The step's name, in logs, the report, the endpoint and metric tags.
	 * @return the name, for example {@code pricing-client}
	 */
	String name();

	/**
	 * The {@code SmartLifecycle} phase the step runs in.
	 * @return the phase, usually relative to a {@link GracefulPhases} constant
	 */
	int phase();

	/**
	 * The step's bound.
	 * @return a positive duration
	 */
	Duration timeout();

	/**
	 * Do the step's work. Called once, on a thread of its own.
	 * @throws Exception when the work failed; the step is then reported as failed
	 */
	void run() throws Exception;

	/**
	 * A step from its parts.
	 * @param name the step's name
	 * @param phase the phase it runs in
	 * @param timeout its bound
	 * @param action its work
	 * @return the step
	 */
	static ShutdownStep of(String name, int phase, Duration timeout, Action action) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.notNull(action, "'action' must not be null");
		return new ShutdownStep() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public int phase() {
				return phase;
			}

			@Override
			public Duration timeout() {
				return timeout;
			}

			@Override
			public void run() throws Exception {
				action.run();
			}

			@Override
			public String toString() {
				return "ShutdownStep '" + name + "'";
			}

		};
	}

	/**
	 * The work of a step.
	 */
	@FunctionalInterface
	interface Action {

		/**
		 * Do the work.
		 * @throws Exception when it failed
		 */
		void run() throws Exception;

	}

}
