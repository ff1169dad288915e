package io.graceful.autoconfigure.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.testsupport.ShutdownTestApp;
import io.graceful.autoconfigure.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The DataSource drain against real PostgreSQL with two HikariCP pools.
 */
@ExtendWith(OutputCaptureExtension.class)
class DataSourceDrainTests {

	/**
	 * One pool has a connection that is returned 300 ms into the drain, the other one
	 * that is never returned in time: both wait in parallel within one bound of 2.5 s, so
	 * close takes about one bound, not the sum; the returned connection is not aborted.
	 * Carry-over is off so that the bound is exactly the drain's own.
	 */
	@Test
	void poolsDrainInParallelWithinOneTotalBound(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { TwoPools.class },
				"graceful.datasource-drain.timeout=2500ms", "graceful.carry-over=false");
		HikariDataSource quick = context.getBean("quickPool", HikariDataSource.class);
		HikariDataSource slow = context.getBean("slowPool", HikariDataSource.class);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		CountDownLatch holding = new CountDownLatch(2);
		CountDownLatch returnQuick = new CountDownLatch(1);
		CompletableFuture<Void> quickWork = hold(quick, holding, returnQuick, "select 1");
		CompletableFuture<Void> slowWork = hold(slow, holding, new CountDownLatch(0), "select pg_sleep(30)");
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture.runAsync(() -> {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> DataSourceDrainLifecycle.STEP.equals(report.getCurrentStep()));
			sleep(300);
			returnQuick.countDown();
		});
		Duration closed = ShutdownTestApp.close(context);
		assertThat(closed).isGreaterThanOrEqualTo(Duration.ofMillis(2500)).isLessThan(Duration.ofMillis(4500));
		assertThat(quickWork).succeedsWithin(Duration.ofSeconds(1));
		assertThat(slowWork).failsWithin(Duration.ofSeconds(5));
		assertThat(output).contains("DataSource drain started: 2 HikariCP pools, 2 connections in use")
			.contains("DataSource drain hit its 2.5s bound; 1 connections still in use will be aborted "
					+ "(their statements fail): pool 'slow' (bean 'slowPool', 1 in use); shutdown continues");
		assertThat(output).doesNotContain("pool 'quick' (");
		// Spring's own close at bean destruction finds the pools closed and returns at
		// once
		assertThat(output.getOut().split("quick - Shutdown initiated", -1)).hasSize(2);
		assertThat(output.getOut().split("slow - Shutdown initiated", -1)).hasSize(2);
	}

	/**
	 * A pool with no connection in use whose HikariCP shutdown is still running at the
	 * bound (here a connection's close to PostgreSQL that does not return): the step says
	 * it hit its bound with the pool still closing, not that the pool closed.
	 */
	@Test
	void aPoolStillClosingAtTheBoundIsReportedAsStillClosingNotClosed(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { SlowClosingPool.class },
				"graceful.datasource-drain.timeout=1s", "graceful.carry-over=false");
		try {
			new JdbcTemplate(context.getBean(HikariDataSource.class)).execute("select 1");
			ShutdownTestApp.close(context);
			assertThat(SlowClosingPool.closing.getCount()).as("the connection's close had begun, and is held").isZero();
			assertThat(SlowClosingPool.release.getCount()).isOne();
			assertThat(output).contains("DataSource drain started: 1 HikariCP pools, 0 connections in use")
				.contains(
						"DataSource drain hit its 1s bound; 0 pools closed, 1 still closing with no connection in use")
				.contains("pool 'slowClose' (bean 'dataSource', 0 in use)")
				.contains("nothing was cut; HikariCP finishes closing in the background")
				.doesNotContain("1 pools closed");
		}
		finally {
			SlowClosingPool.release.countDown();
		}
	}

	/**
	 * Take a connection, wait for the release, then run the SQL on it and return it.
	 */
	private static CompletableFuture<Void> hold(HikariDataSource pool, CountDownLatch holding, CountDownLatch release,
			String sql) {
		return CompletableFuture.runAsync(() -> new JdbcTemplate(pool).execute((Connection connection) -> {
			holding.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
			return null;
		}));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowClosingPool {

		static final CountDownLatch closing = new CountDownLatch(1);

		static final CountDownLatch release = new CountDownLatch(1);

		@Bean
		HikariDataSource dataSource() {
			HikariDataSource pool = new HikariDataSource();
			pool.setPoolName("slowClose");
			pool.setDataSource(
					slowClosing(new DriverManagerDataSource(TestPostgres.jdbcUrl(), "postgres", "postgres")));
			pool.setMaximumPoolSize(1);
			return pool;
		}

		/** Real PostgreSQL connections whose close waits for the test to release it. */
		private static DataSource slowClosing(DataSource target) {
			return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
					new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
						Object result = invoke(target, method, args);
						return (result instanceof Connection connection) ? slowClosing(connection) : result;
					});
		}

		private static Connection slowClosing(Connection target) {
			return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						if (method.getName().equals("close")) {
							closing.countDown();
							release.await(30, TimeUnit.SECONDS);
						}
						return invoke(target, method, args);
					});
		}

		private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPools {

		@Bean
		@Primary
		HikariDataSource quickPool() {
			return pool("quick");
		}

		@Bean
		HikariDataSource slowPool() {
			return pool("slow");
		}

		private static HikariDataSource pool(String name) {
			HikariDataSource pool = new HikariDataSource();
			pool.setPoolName(name);
			pool.setJdbcUrl(TestPostgres.jdbcUrl());
			pool.setUsername("postgres");
			pool.setPassword("postgres");
			pool.setMaximumPoolSize(2);
			return pool;
		}

	}

}
