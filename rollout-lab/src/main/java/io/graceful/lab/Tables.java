package io.graceful.lab;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sample app's tables in the lab's PostgreSQL: reset before a run, counted after it
 * against what the load generator saw acknowledged.
 */
final class Tables {

	private Tables() {
	}

	/** Drops the sample app's tables; the instances recreate them at startup. */
	static void reset(Infra infra) {
		try (Connection connection = infra.connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS orders, order_events, counter");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot reset the sample app's tables", ex);
		}
	}

	/**
	 * Counts what the acknowledged requests left in PostgreSQL (rows, consumed events,
	 * the counter) once the consumer and the background increments caught up, or the wait
	 * gave up ({@code --catch-up}, {@code --catch-up-quiet}). Only ids with
	 * {@code idPrefix} (the measured requests of one run) count.
	 */
	static RunResult.Verification verify(Infra infra, Settings settings, String idPrefix,
			List<LoadGenerator.Request> requests) {
		Set<String> acknowledged = new HashSet<>();
		long incrementsAcknowledged = 0;
		for (LoadGenerator.Request request : requests) {
			if (request.ok()) {
				if (request.kind().startsWith("order") || request.grpc()) {
					acknowledged.add(request.id());
				}
				else if (request.kind().startsWith("increment")) {
					incrementsAcknowledged++;
				}
			}
		}
		double start = LabClock.now();
		double lastChange = start;
		String lastSeen = "";
		while (true) {
			Snapshot snapshot = snapshot(infra, idPrefix);
			long missingOrders = acknowledged.stream().filter((id) -> !snapshot.orders.contains(id)).count();
			long missingEvents = acknowledged.stream().filter((id) -> !snapshot.events.contains(id)).count();
			double now = LabClock.now();
			boolean done = missingEvents == 0 && snapshot.counter >= incrementsAcknowledged;
			String seen = snapshot.events.size() + "/" + snapshot.counter;
			if (!seen.equals(lastSeen)) {
				lastSeen = seen;
				lastChange = now;
			}
			String catchUp = null;
			if (done) {
				catchUp = String.format("caught up in %.1fs", (now - start) / 1000);
			}
			else if (now - start > settings.catchUp.toMillis()) {
				catchUp = String.format("TIMEOUT: not caught up within %ds", settings.catchUp.toSeconds());
			}
			else if (now - lastChange > settings.catchUpQuiet.toMillis()) {
				catchUp = String.format("gave up after %.1fs: nothing changed for %ds", (now - start) / 1000,
						settings.catchUpQuiet.toSeconds());
			}
			if (catchUp != null) {
				return new RunResult.Verification(acknowledged.size(), snapshot.orders.size(), missingOrders,
						snapshot.events.size(), missingEvents, incrementsAcknowledged, snapshot.counter, done, catchUp,
						duplicateDeliveries(infra, settings, idPrefix));
			}
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	private record Snapshot(Set<String> orders, Set<String> events, long counter) {
	}

	/**
	 * RabbitMQ: deliveries beyond the first over the measured orders (the sample app's
	 * listener counts each in {@code order_events.deliveries}); Kafka's listener does not
	 * count them.
	 */
	private static long duplicateDeliveries(Infra infra, Settings settings, String idPrefix) {
		if (settings.broker != Settings.Broker.RABBITMQ) {
			return RunResult.Verification.NOT_COUNTED;
		}
		try (Connection connection = infra.connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT coalesce(sum(deliveries - 1), 0) FROM order_events"
						+ " WHERE id LIKE '" + idPrefix + "-%'")) {
			return rows.next() ? rows.getLong(1) : 0;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count duplicate deliveries in order_events", ex);
		}
	}

	private static Snapshot snapshot(Infra infra, String idPrefix) {
		try (Connection connection = infra.connect(); Statement statement = connection.createStatement()) {
			String measured = " WHERE id LIKE '" + idPrefix + "-%'";
			return new Snapshot(ids(statement, "SELECT id FROM orders" + measured),
					ids(statement, "SELECT id FROM order_events" + measured), counter(statement));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the sample app's tables", ex);
		}
	}

	private static Set<String> ids(Statement statement, String sql) throws SQLException {
		Set<String> ids = new HashSet<>();
		try (ResultSet rows = statement.executeQuery(sql)) {
			while (rows.next()) {
				ids.add(rows.getString(1));
			}
		}
		return ids;
	}

	private static long counter(Statement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery("SELECT value FROM counter WHERE name = 'increments'")) {
			return rows.next() ? rows.getLong(1) : 0;
		}
	}

}
