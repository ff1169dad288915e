package io.graceful.autoconfigure;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.tasks.BackgroundWorkProperties;
import io.graceful.autoconfigure.web.WebDrainProperties;
import io.graceful.autoconfigure.withdraw.WithdrawProperties;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Settings of graceful shutdown: whether it is on, the budget it must fit, and the core
 * steps every application has (withdraw, web drain, background work, hand-over).
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful")
public class GracefulProperties implements InitializingBean {

	/**
	 * Whether graceful shutdown is enabled. When false, plain Spring Boot behaviour
	 * applies.
	 */
	private boolean enabled = true;

	/**
	 * Time the platform allows between SIGTERM and SIGKILL (Kubernetes
	 * terminationGracePeriodSeconds, systemd TimeoutStopSec, Docker stop timeout). The
	 * sum of all shutdown bounds plus the safety margin must fit in it.
	 */
	private Duration gracePeriod = Duration.ofSeconds(30);

	/**
	 * Time kept free in the grace period for the JVM to exit after the last step
	 * (shutdown hooks, logging, bean destruction).
	 */
	private Duration safetyMargin = Duration.ofSeconds(2);

	/**
	 * Time allowed to each shutdown phase that graceful does not own (for example the web
	 * server stop or your own SmartLifecycle beans). Used as Spring's default timeout per
	 * shutdown phase unless spring.lifecycle.timeout-per-shutdown-phase is set. The
	 * budget check counts it once for each such phase in which a bean stops
	 * asynchronously, and at least once.
	 */
	private Duration otherPhasesTimeout = Duration.ofSeconds(1);

	/**
	 * What to do at startup when the bounds do not fit the grace period: fail startup or
	 * only log a warning.
	 */
	private BudgetCheck budgetCheck = BudgetCheck.FAIL;

	/**
	 * Whether each step gets, on top of its own bound, the time earlier steps of the same
	 * shutdown left unused. Every step keeps at least its own bound and the whole
	 * shutdown still ends within the sum the budget check verified. When false, every
	 * step keeps exactly its own bound.
	 */
	private boolean carryOver = true;

	/**
	 * Withdraw step: how the instance leaves the load balancer before it stops accepting.
	 */
	@NestedConfigurationProperty
	private final WithdrawProperties withdraw = new WithdrawProperties();

	/**
	 * Web drain step: in-flight requests, streams and WebSocket sessions finish.
	 */
	@NestedConfigurationProperty
	private final WebDrainProperties webDrain = new WebDrainProperties();

	/**
	 * Background-work step: executors, schedulers and tracked work finish.
	 */
	@NestedConfigurationProperty
	private final BackgroundWorkProperties backgroundWork = new BackgroundWorkProperties();

	/**
	 * Hand-over of the listening port to a successor on the same host.
	 */
	@NestedConfigurationProperty
	private final HandoverProperties handover = new HandoverProperties();

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive("graceful.grace-period", this.gracePeriod);
		DurationRules.notNegative("graceful.safety-margin", this.safetyMargin);
		DurationRules.notNegative("graceful.other-phases-timeout", this.otherPhasesTimeout);
		this.webDrain.validate();
		this.backgroundWork.validate();
		this.handover.validate();
	}

	public WithdrawProperties getWithdraw() {
		return this.withdraw;
	}

	public WebDrainProperties getWebDrain() {
		return this.webDrain;
	}

	public BackgroundWorkProperties getBackgroundWork() {
		return this.backgroundWork;
	}

	public HandoverProperties getHandover() {
		return this.handover;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
	}

	public Duration getSafetyMargin() {
		return this.safetyMargin;
	}

	public void setSafetyMargin(Duration safetyMargin) {
		this.safetyMargin = safetyMargin;
	}

	public Duration getOtherPhasesTimeout() {
		return this.otherPhasesTimeout;
	}

	public void setOtherPhasesTimeout(Duration otherPhasesTimeout) {
		this.otherPhasesTimeout = otherPhasesTimeout;
	}

	/**
	 * How long stopping the web server may wait for requests the drain cut: half the
	 * bound of the phases graceful does not own, whose budget it shares.
	 * @return the bound
	 */
	public Duration webServerStopBound() {
		return this.otherPhasesTimeout.dividedBy(2);
	}

	public boolean isCarryOver() {
		return this.carryOver;
	}

	public void setCarryOver(boolean carryOver) {
		this.carryOver = carryOver;
	}

	public BudgetCheck getBudgetCheck() {
		return this.budgetCheck;
	}

	public void setBudgetCheck(BudgetCheck budgetCheck) {
		this.budgetCheck = budgetCheck;
	}

	/**
	 * Reaction to a shutdown budget that does not fit the grace period.
	 */
	public enum BudgetCheck {

		/**
		 * Fail startup with a description of every bound.
		 */
		FAIL,

		/**
		 * Log a warning and start anyway.
		 */
		WARN

	}

}
