package io.graceful.autoconfigure.withdraw;

import java.time.Duration;

import io.graceful.autoconfigure.HandoverProperties;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The withdraw settings each platform and property combination resolves to.
 */
class WithdrawSettingsTests {

	@Test
	void kubernetesDefaultIsAFixedTenSeconds() {
		WithdrawSettings settings = resolve(new WithdrawProperties(), "kubernetes");
		assertThat(settings.delay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.minDelay()).isZero();
		assertThat(settings.quietPeriod()).isNull();
	}

	@Test
	void aQuietPeriodWithTheKubernetesDelayEndsItEarlyNotBeforeTheMinimum() {
		WithdrawProperties properties = new WithdrawProperties();
		properties.setMinDelay(Duration.ofSeconds(5));
		properties.setQuietPeriod(Duration.ofSeconds(1));
		WithdrawSettings settings = resolve(properties, "kubernetes");
		assertThat(settings.delay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.minDelay()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.quietPeriod()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void configuredDelayIsFixedUnlessAQuietPeriodIsSet() {
		WithdrawProperties properties = new WithdrawProperties();
		properties.setDelay(Duration.ofSeconds(10));
		WithdrawSettings settings = resolve(properties, "kubernetes");
		assertThat(settings.delay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.minDelay()).isZero();
		assertThat(settings.quietPeriod()).isNull();
	}

	@Test
	void elsewhereNoDelayAndNoQuietPeriod() {
		WithdrawSettings settings = resolve(new WithdrawProperties(), "none");
		assertThat(settings.delay()).isZero();
		assertThat(settings.minDelay()).isZero();
		assertThat(settings.quietPeriod()).isNull();
	}

	private static WithdrawSettings resolve(WithdrawProperties properties, String platform) {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.main.cloud-platform", platform);
		return WithdrawSettings.resolve(properties, new HandoverProperties(), environment);
	}

}
