package io.graceful.autoconfigure.jdbc;

import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

/**
 * Drains one HikariCP pool on its own thread: wait until no connection is in use (or the
 * deadline), soft-evict what is idle, close. Closing a pool that still has connections in
 * use aborts them (HikariCP's own shutdown); Spring's later {@code close()} at bean
 * destruction then returns at once. Never {@code suspendPool()}: it throws unless pool
 * suspension is allowed and then blocks {@code getConnection()} without a timeout. Kept
 * apart from {@link DataSourceDrainLifecycle} so HikariCP stays optional.
 */
final class HikariPoolDrain {

	/**
	 * HikariCP signals nothing when a connection is returned, so the active count is
	 * sampled at this interval.
	 */
	private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final String beanName;

	private final HikariDataSource dataSource;

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile int inUseAtStart;

	private volatile int aborted = -1;

	private HikariPoolDrain(String beanName, HikariDataSource dataSource) {
		this.beanName = beanName;
		this.dataSource = dataSource;
	}

	/**
	 * The HikariCP pool behind a DataSource, also behind wrappers and proxies.
	 * @param beanName the bean name
	 * @param dataSource the DataSource
	 * @return the drain, or {@code null} if it is not a HikariCP pool
	 */
	static @Nullable HikariPoolDrain of(String beanName, DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			return new HikariPoolDrain(beanName, hikari);
		}
		try {
			if (dataSource.isWrapperFor(HikariDataSource.class)) {
				return new HikariPoolDrain(beanName, dataSource.unwrap(HikariDataSource.class));
			}
		}
		catch (SQLException | RuntimeException ex) {
			// a wrapper that cannot tell: not drainable
		}
		return null;
	}

	Object pool() {
		return this.dataSource;
	}

	String describe(int inUse) {
		String pool = this.dataSource.getPoolName();
		return "pool '" + pool + "' (" + (this.beanName.equals(pool) ? "" : "bean '" + this.beanName + "', ") + inUse
				+ " in use)";
	}

	boolean isClosed() {
		return this.dataSource.isClosed();
	}

	int inUse() {
		HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
		return (pool != null) ? pool.getActiveConnections() : 0;
	}

	int inUseAtStart() {
		return this.inUseAtStart;
	}

	/**
	 * Connections that were still in use when the pool closed, or -1 while it has not.
	 * @return the connections aborted
	 */
	int aborted() {
		return this.aborted;
	}

	boolean awaitClosed(long deadlineNanos) throws InterruptedException {
		return this.closed.await(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
	}

	void start(long deadlineNanos) {
		this.inUseAtStart = inUse();
		Thread thread = new Thread(() -> drain(deadlineNanos), "graceful-datasource-drain-" + this.beanName);
		thread.setDaemon(true);
		thread.start();
	}

	private void drain(long deadlineNanos) {
		try {
			int inUse = inUse();
			while (inUse > 0 && deadlineNanos - System.nanoTime() > 0) {
				LockSupport.parkNanos(Math.min(SAMPLE_NANOS, deadlineNanos - System.nanoTime()));
				inUse = inUse();
			}
			HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
			if (pool != null) {
				pool.softEvictConnections();
			}
			this.aborted = inUse();
			this.dataSource.close();
		}
		finally {
			this.closed.countDown();
		}
	}

}
