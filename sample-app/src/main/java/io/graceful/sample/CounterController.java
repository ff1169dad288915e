package io.graceful.sample;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /counter/increment?delayMs=N}: accepts at once (202) and increments the
 * counter later, in the background.
 */
@RestController
class CounterController {

	private final CounterIncrements increments;

	CounterController(CounterIncrements increments) {
		this.increments = increments;
	}

	@PostMapping("/counter/increment")
	ResponseEntity<Map<String, Object>> increment(@RequestParam(required = false) Long delayMs) {
		long delay = Validation.millis(delayMs, "delayMs", 2000);
		this.increments.incrementLater(delay);
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("delayMs", delay));
	}

}
