package io.graceful.sample;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders}: simulates work, stores the order, and sends a Kafka record
 * without waiting for the broker.
 */
@RestController
class OrderController {

	static final String TOPIC = "orders";

	private static final Log logger = LogFactory.getLog(OrderController.class);

	private final JdbcTemplate jdbc;

	private final KafkaTemplate<String, String> kafka;

	OrderController(JdbcTemplate jdbc, KafkaTemplate<String, String> kafka) {
		this.jdbc = jdbc;
		this.kafka = kafka;
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
		this.kafka.send(TOPIC, id, "{\"id\":\"" + id + "\",\"workMs\":" + workMs + "}").whenComplete((result, ex) -> {
			if (ex != null) {
				logger.warn("Kafka record for order " + id + " was not sent: " + ex.getMessage());
			}
		});
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id));
	}

}
