package io.graceful.autoconfigure.r2dbc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.TestPostgres;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An R2DBC pool (r2dbc-postgresql on r2dbc-pool, real PostgreSQL) at close: with graceful
 * a query in flight completes, the pool closes after it, and a request for a connection
 * after the drain fails at once with graceful's message; at the bound the connection
 * still acquired is named. Without graceful the query in flight also completes
 * (reactor-pool destroys acquired connections only on release), and a later request fails
 * with reactor-pool's own error.
 */
@ExtendWith(OutputCaptureExtension.class)
class R2dbcDrainTests {

	@Test
	void queryInFlightAtCloseCompletesAndLaterRequestsFailFastWithTheStartersMessage(CapturedOutput output)
			throws Exception {
		ConfigurableApplicationContext context = run(WithGraceful.class, "graceful.r2dbc-drain.timeout=10s");
		ConnectionFactory pool = context.getBean(ConnectionFactory.class);
		assertThat(pool).isInstanceOf(ConnectionPool.class);
		CompletableFuture<Integer> query = sleepThenOne(pool, 1.5);
		await().atMost(Duration.ofSeconds(10)).until(() -> acquired(pool) == 1);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		context.close();
		assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		StepResult step = step(report);
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.counts()).containsEntry("pools", 1L).containsEntry("connections-acquired", 1L);
		long start = System.nanoTime();
		Throwable late = requestConnection(pool);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
		assertThat(late).isInstanceOf(R2dbcPoolClosedException.class)
			.hasMessageContaining("graceful already drained and closed the pool");
		assertThat(output).contains("R2DBC drain started: 1 pools, 1 connections acquired")
			.contains("R2DBC drain finished in");
	}

	@Test
	void atTheBoundTheConnectionStillAcquiredIsNamedAndItsQueryIsNotCut(CapturedOutput output) throws Exception {
		// without carry-over: background work would leave the drain its 3s
		ConfigurableApplicationContext context = run(WithGraceful.class, "graceful.r2dbc-drain.timeout=500ms",
				"graceful.carry-over=false");
		ConnectionFactory pool = context.getBean(ConnectionFactory.class);
		CompletableFuture<Integer> query = sleepThenOne(pool, 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> acquired(pool) == 1);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		long start = System.nanoTime();
		context.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
		StepResult step = step(report);
		assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(step.cut()).containsEntry("connections", 1L);
		assertThat(step.cutNames()).containsExactly("connectionFactory (1 connections acquired)");
		assertThat(output).contains("R2DBC drain hit its 500ms bound; 1 connections still acquired");
		assertThat(query.get(10, TimeUnit.SECONDS)).as("the query in flight still completes").isEqualTo(1);
	}

	@Test
	void withoutGracefulTheQueryInFlightCompletesAndALaterRequestFailsWithReactorPoolsError() throws Exception {
		ConfigurableApplicationContext context = run(Plain.class);
		ConnectionFactory pool = context.getBean(ConnectionFactory.class);
		CompletableFuture<Integer> query = sleepThenOne(pool, 1.5);
		await().atMost(Duration.ofSeconds(10)).until(() -> acquired(pool) == 1);
		context.close();
		assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(1);
		Throwable late = requestConnection(pool);
		assertThat(late).isNotNull().isNotInstanceOf(R2dbcPoolClosedException.class);
		assertThat(late).hasMessageContaining("shut down");
	}

	private static Throwable requestConnection(ConnectionFactory pool) {
		try {
			Connection connection = Mono.from(pool.create()).block(Duration.ofSeconds(5));
			Mono.from(connection.close()).block();
			return null;
		}
		catch (RuntimeException ex) {
			return (ex.getCause() != null && ex.getClass() == RuntimeException.class) ? ex.getCause() : ex;
		}
	}

	private static CompletableFuture<Integer> sleepThenOne(ConnectionFactory pool, double seconds) {
		return Mono.usingWhen(pool.create(),
				(connection) -> Mono.from(connection.createStatement("SELECT pg_sleep(" + seconds + "), 1").execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(1, Integer.class)))),
				Connection::close)
			.toFuture();
	}

	private static int acquired(ConnectionFactory pool) {
		return ((ConnectionPool) pool).getMetrics().orElseThrow().acquiredSize();
	}

	private static StepResult step(ShutdownReport report) {
		return report.getResults()
			.stream()
			.filter((result) -> result.step().equals(R2dbcDrainLifecycle.STEP))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No result for the R2DBC drain in " + report.getResults()));
	}

	private static ConfigurableApplicationContext run(Class<?> configuration, String... properties) {
		String url = TestPostgres.jdbcUrl().replaceFirst("^jdbc:", "r2dbc:").replaceFirst("\\?.*$", "");
		String[] args = new String[properties.length + 3];
		args[0] = "--spring.r2dbc.url=" + url;
		args[1] = "--spring.r2dbc.username=postgres";
		args[2] = "--spring.r2dbc.password=postgres";
		for (int i = 0; i < properties.length; i++) {
			args[i + 3] = "--" + properties[i];
		}
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.registerShutdownHook(false)
			.run(args);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, R2dbcAutoConfiguration.class,
			GracefulAutoConfiguration.class, R2dbcDrainAutoConfiguration.class })
	static class WithGraceful {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, R2dbcAutoConfiguration.class })
	static class Plain {

	}

}
