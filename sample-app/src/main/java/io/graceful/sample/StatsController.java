package io.graceful.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /stats}: what PostgreSQL holds, counted in SQL.
 */
@RestController
class StatsController {

	private final JdbcTemplate jdbc;

	StatsController(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping("/stats")
	Map<String, Long> stats() {
		Map<String, Long> stats = new LinkedHashMap<>();
		stats.put("orders", this.jdbc.queryForObject("SELECT count(*) FROM orders", Long.class));
		stats.put("events", this.jdbc.queryForObject("SELECT count(*) FROM order_events", Long.class));
		stats.put("counter",
				this.jdbc.queryForObject("SELECT value FROM counter WHERE name = 'increments'", Long.class));
		return stats;
	}

}
