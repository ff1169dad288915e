package io.graceful.autoconfigure;

import java.time.Duration;

import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.web.OpenStreams;
import io.graceful.autoconfigure.web.WebDrainProperties;
import io.graceful.autoconfigure.withdraw.WithdrawLifecycle;
import io.graceful.autoconfigure.withdraw.WithdrawProperties;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame of the starter as a user meets it through properties: defaults, the
 * Kubernetes default, rejected values, switching it off and replacing its beans.
 */
class GracefulAutoConfigurationTests {

	// spring.main.cloud-platform=none: a CI runner on Kubernetes must not turn the 10s
	// default on here
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(CoreAutoConfigurations.CORE)
		.withPropertyValues("spring.main.cloud-platform=none");

	private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
		.withConfiguration(CoreAutoConfigurations.CORE)
		.withPropertyValues("spring.main.cloud-platform=none");

	@Test
	void defaultsAreTheDocumentedOnes() {
		this.webRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			GracefulProperties graceful = context.getBean(GracefulProperties.class);
			assertThat(graceful.isEnabled()).isTrue();
			assertThat(graceful.getGracePeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(graceful.getSafetyMargin()).isEqualTo(Duration.ofSeconds(2));
			assertThat(graceful.getOtherPhasesTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(graceful.getBudgetCheck()).isEqualTo(GracefulProperties.BudgetCheck.FAIL);
			WithdrawProperties withdraw = graceful.getWithdraw();
			assertThat(withdraw.getDelay()).isNull();
			assertThat(withdraw.getMinDelay()).isNull();
			assertThat(withdraw.getQuietPeriod()).isNull();
			assertThat(withdraw.isConnectionClose()).isTrue();
			assertThat(withdraw.isCloseIdleConnections()).isTrue();
			WebDrainProperties web = graceful.getWebDrain();
			assertThat(web.getTimeout()).isEqualTo(Duration.ofSeconds(7));
			assertThat(web.isCompleteStreams()).isTrue();
			assertThat(context).hasSingleBean(ShutdownReport.class)
				.hasSingleBean(WithdrawLifecycle.class)
				.hasSingleBean(InFlightRequests.class)
				.hasSingleBean(OpenStreams.class)
				.hasBean("gracefulRequestTrackingFilter");
		});
	}

	@Test
	void withdrawDelayDefaultsToTenSecondsOnKubernetes() {
		this.runner.withPropertyValues("spring.main.cloud-platform=kubernetes")
			.run((context) -> assertThat(context.getBean(WithdrawLifecycle.class).getDelay())
				.isEqualTo(Duration.ofSeconds(10)));
	}

	@Test
	void withdrawDelayDefaultsToZeroElsewhere() {
		this.runner.run((context) -> assertThat(context.getBean(WithdrawLifecycle.class).getDelay()).isZero());
	}

	@Test
	void configuredWithdrawDelayWinsOverTheKubernetesDefault() {
		this.runner.withPropertyValues("spring.main.cloud-platform=kubernetes", "graceful.withdraw.delay=3s")
			.run((context) -> assertThat(context.getBean(WithdrawLifecycle.class).getDelay())
				.isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void withdrawDelayOfZeroIsAllowedOnKubernetes() {
		this.runner.withPropertyValues("spring.main.cloud-platform=kubernetes", "graceful.withdraw.delay=0s")
			.run((context) -> assertThat(context.getBean(WithdrawLifecycle.class).getDelay()).isZero());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					graceful.withdraw.delay=-1s         | graceful.withdraw.delay       | Invalid value '-1s' for graceful.withdraw.delay: it must be 0 or more (for example 0s or 5s)
					graceful.withdraw.min-delay=-1s     | graceful.withdraw.min-delay   | Invalid value '-1s' for graceful.withdraw.min-delay: it must be 0 or more (for example 0s or 5s)
					graceful.web-drain.timeout=0s       | graceful.web-drain.timeout    | Invalid value '0s' for graceful.web-drain.timeout: it must be more than 0 (for example 5s)
					graceful.web-drain.timeout=-2s      | graceful.web-drain.timeout    | Invalid value '-2s' for graceful.web-drain.timeout: it must be more than 0 (for example 5s)
					graceful.grace-period=0s            | graceful.grace-period         | Invalid value '0s' for graceful.grace-period: it must be more than 0 (for example 5s)
					graceful.grace-period=-30s          | graceful.grace-period         | Invalid value '-30s' for graceful.grace-period: it must be more than 0 (for example 5s)
					graceful.safety-margin=-1s          | graceful.safety-margin        | Invalid value '-1s' for graceful.safety-margin: it must be 0 or more (for example 0s or 5s)
					graceful.other-phases-timeout=-1s   | graceful.other-phases-timeout | Invalid value '-1s' for graceful.other-phases-timeout: it must be 0 or more (for example 0s or 5s)
					""")
	void negativeOrZeroWhereInvalidDurationIsRejectedNamingThePropertyAndRange(String property, String name,
			String message) {
		assertRejected(this.webRunner.withPropertyValues(property), name, message);
	}

	@Test
	void quietPeriodLongerThanTheDelayIsRejected() {
		assertRejected(
				this.runner.withPropertyValues("graceful.withdraw.delay=5s", "graceful.withdraw.quiet-period=6s"),
				"graceful.withdraw.quiet-period",
				"Invalid value '6s' for graceful.withdraw.quiet-period: it must not be longer than graceful.withdraw.delay (5s)");
	}

	@Test
	void quietPeriodLongerThanTheKubernetesDefaultDelayIsRejected() {
		assertRejected(
				this.runner.withPropertyValues("spring.main.cloud-platform=kubernetes",
						"graceful.withdraw.quiet-period=11s"),
				"graceful.withdraw.quiet-period",
				"Invalid value '11s' for graceful.withdraw.quiet-period: it must not be longer than graceful.withdraw.delay (10s)");
	}

	@Test
	void zeroQuietPeriodIsRejectedWhenThereIsADelay() {
		assertRejected(
				this.runner.withPropertyValues("graceful.withdraw.delay=5s", "graceful.withdraw.quiet-period=0s"),
				"graceful.withdraw.quiet-period",
				"Invalid value '0s' for graceful.withdraw.quiet-period: it must be more than 0 (for example 5s)");
	}

	@Test
	void minDelayAboveTheDelayIsRejected() {
		assertRejected(this.runner.withPropertyValues("graceful.withdraw.delay=5s", "graceful.withdraw.min-delay=6s"),
				"graceful.withdraw.min-delay",
				"Invalid value '6s' for graceful.withdraw.min-delay: it must be between 0 and graceful.withdraw.delay (5s)");
	}

	@Test
	void quietPeriodAndMinDelayAreNotCheckedAgainstADelayOfZero() {
		this.runner
			.withPropertyValues("graceful.withdraw.delay=0s", "graceful.withdraw.quiet-period=20s",
					"graceful.withdraw.min-delay=20s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(WithdrawLifecycle.class).getDelay()).isZero();
			});
	}

	@Test
	void quietPeriodWithinTheDelayIsAccepted() {
		this.runner
			.withPropertyValues("graceful.withdraw.delay=5s", "graceful.withdraw.quiet-period=5s",
					"graceful.withdraw.min-delay=5s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void disabledGivesNoGracefulBeansAndLeavesSpringsPhaseTimeoutAlone() {
		this.webRunner.withPropertyValues("graceful.enabled=false", "spring.main.cloud-platform=kubernetes")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(GracefulProperties.class)
					.doesNotHaveBean(ShutdownReport.class)
					.doesNotHaveBean(WithdrawLifecycle.class)
					.doesNotHaveBean(InFlightRequests.class)
					.doesNotHaveBean(OpenStreams.class)
					.doesNotHaveBean(ShutdownBound.class)
					.doesNotHaveBean("gracefulRequestTrackingFilter")
					.doesNotHaveBean("shutdownBudgetVerifier");
				assertThat(context.getBeansOfType(Filter.class)).isEmpty();
				assertThat(LifecycleTimeouts.of(context).defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(LifecycleTimeouts.of(context).perPhase()).isEmpty();
			});
	}

	@Test
	void disabledIgnoresInvalidGracefulProperties() {
		this.webRunner
			.withPropertyValues("graceful.enabled=false", "graceful.withdraw.delay=-1s",
					"graceful.web-drain.timeout=0s", "graceful.grace-period=1s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void backsOffFromBeansTheUserDefines() {
		this.webRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(ShutdownReport.class).isSameAs(context.getBean("userReport"));
			assertThat(context).getBean(InFlightRequests.class).isSameAs(context.getBean("userInFlight"));
			assertThat(context).getBean(OpenStreams.class).isSameAs(context.getBean("userStreams"));
			assertThat(context).getBean("gracefulRequestTrackingFilter").isSameAs(UserBeans.FILTER);
			assertThat(context).hasSingleBean(WithdrawLifecycle.class);
		});
	}

	@Test
	void reactiveApplicationGetsTheRequestTrackingWebFilter() {
		new ReactiveWebApplicationContextRunner().withConfiguration(CoreAutoConfigurations.CORE)
			.withPropertyValues("spring.main.cloud-platform=none")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("gracefulRequestTrackingWebFilter");
				assertThat(context.getBeansOfType(WebFilter.class)).hasSize(1);
			});
	}

	@Test
	void reactiveApplicationBacksOffFromAUserRequestTrackingWebFilter() {
		WebFilter userFilter = (exchange, chain) -> chain.filter(exchange);
		new ReactiveWebApplicationContextRunner().withConfiguration(CoreAutoConfigurations.CORE)
			.withPropertyValues("spring.main.cloud-platform=none")
			.withBean("gracefulRequestTrackingWebFilter", WebFilter.class, () -> userFilter)
			.run((context) -> assertThat(context).getBean("gracefulRequestTrackingWebFilter").isSameAs(userFilter));
	}

	static void assertRejected(ApplicationContextRunner runner, String property, String message) {
		runner.run((context) -> assertRejected(context, property, message));
	}

	static void assertRejected(WebApplicationContextRunner runner, String property, String message) {
		runner.run((context) -> assertRejected(context, property, message));
	}

	static void assertRejected(
			org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider<?> context, String property,
			String message) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		assertThat(rootCause(failure)).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		InvalidConfigurationPropertyValueException cause = (InvalidConfigurationPropertyValueException) rootCause(
				failure);
		assertThat(cause.getName()).isEqualTo(property);
		// the message the starter used to write: "Invalid value 'V' for P: R"
		String prefix = "Invalid value '" + cause.getValue() + "' for " + property + ": ";
		assertThat(message).startsWith(prefix);
		assertThat(cause.getReason()).isEqualTo(message.substring(prefix.length()));
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final FilterRegistrationBean<Filter> FILTER = new FilterRegistrationBean<>(
				(request, response, chain) -> chain.doFilter(request, response));

		@Bean
		ShutdownReport userReport() {
			return new ShutdownReport();
		}

		@Bean
		InFlightRequests userInFlight() {
			return new InFlightRequests();
		}

		@Bean
		OpenStreams userStreams() {
			return new OpenStreams();
		}

		@Bean
		FilterRegistrationBean<Filter> gracefulRequestTrackingFilter() {
			return FILTER;
		}

	}

}
