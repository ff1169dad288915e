package io.graceful.sample;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the tables at startup. Several instances may start at once: a
 * transaction-scoped advisory lock serialises them, because concurrent
 * {@code CREATE TABLE IF NOT EXISTS} can still fail on PostgreSQL's catalog unique index.
 */
@Component
class Schema implements InitializingBean {

	private static final long LOCK_KEY = 0x6772616365L; // "grace"

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	Schema(JdbcTemplate jdbc, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.transaction = transaction;
	}

	@Override
	public void afterPropertiesSet() {
		this.transaction.executeWithoutResult((status) -> {
			this.jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", LOCK_KEY);
			this.jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY, work_ms INTEGER NOT NULL,"
					+ " created_at TIMESTAMPTZ NOT NULL DEFAULT now())");
			this.jdbc.execute("CREATE TABLE IF NOT EXISTS order_events (id VARCHAR(64) PRIMARY KEY,"
					+ " received_at TIMESTAMPTZ NOT NULL DEFAULT now())");
			// how often the order's event was consumed: the RabbitMQ listener counts
			// duplicates here
			this.jdbc
				.execute("ALTER TABLE order_events ADD COLUMN IF NOT EXISTS deliveries INTEGER NOT NULL DEFAULT 1");
			this.jdbc
				.execute("CREATE TABLE IF NOT EXISTS counter (name VARCHAR(32) PRIMARY KEY, value BIGINT NOT NULL)");
			this.jdbc
				.update("INSERT INTO counter (name, value) VALUES ('increments', 0) ON CONFLICT (name) DO NOTHING");
		});
	}

}
