package io.graceful.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * Background work on Spring Boot's {@code applicationTaskExecutor}: wait, then increment
 * the counter row. A task that is cancelled or interrupted does not increment, so the
 * counter shows every lost task.
 */
@Component
class CounterIncrements {

	private static final Log logger = LogFactory.getLog(CounterIncrements.class);

	private final JdbcTemplate jdbc;

	CounterIncrements(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Async("applicationTaskExecutor")
	public void incrementLater(long delayMs) {
		try {
			Thread.sleep(delayMs);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Counter increment interrupted after accepting it; it is lost");
			return;
		}
		this.jdbc.update("UPDATE counter SET value = value + 1 WHERE name = 'increments'");
	}

}
