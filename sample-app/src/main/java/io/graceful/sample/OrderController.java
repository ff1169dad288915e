package io.graceful.sample;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders}: simulates work, stores the order, and publishes its event without
 * waiting for the broker (a Kafka record by default, a RabbitMQ message with the
 * {@code rabbitmq} profile).
 */
@RestController
class OrderController {

	static final String TOPIC = "orders";

	private final JdbcTemplate jdbc;

	private final OrderPublisher publisher;

	OrderController(JdbcTemplate jdbc, OrderPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
	}

	@PostMapping("/orders")
	ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) throws InterruptedException {
		String id = (body.get("id") instanceof String text) ? text : null;
		if (id == null || id.isEmpty() || id.length() > 64) {
			throw new InvalidFieldException("id", "must be a string of 1 to 64 characters");
		}
		long workMs = Validation.millis(body.get("workMs"), "workMs", 0);
		Thread.sleep(workMs);
		this.jdbc.update("INSERT INTO orders (id, work_ms) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", id, workMs);
		this.publisher.publish(id, "{\"id\":\"" + id + "\",\"workMs\":" + workMs + "}");
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id));
	}

}
