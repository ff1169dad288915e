package io.graceful.sample;

import java.util.Map;

import io.graceful.autoconfigure.tasks.ShutdownUnsafeTaskRejectedException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Turns invalid input into {@code 400 {"field": ..., "error": ...}}.
 */
@RestControllerAdvice
class ErrorHandler {

	@ExceptionHandler
	ResponseEntity<Map<String, String>> invalidField(InvalidFieldException ex) {
		return ResponseEntity.badRequest().body(Map.of("field", ex.getField(), "error", ex.getMessage()));
	}

	@ExceptionHandler
	ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException ex) {
		return ResponseEntity.badRequest().body(Map.of("field", "body", "error", "body must be a JSON object"));
	}

	@ExceptionHandler
	ResponseEntity<Map<String, String>> typeMismatch(MethodArgumentTypeMismatchException ex) {
		return ResponseEntity.badRequest()
			.body(Map.of("field", ex.getName(), "error", ex.getName() + " must be a whole number"));
	}

	/**
	 * An increment the executor refused because it could not have finished before a
	 * shutdown cut it: the client retries (elsewhere, behind a balancer) instead of
	 * getting an acknowledgement for work that would be lost.
	 */
	@ExceptionHandler
	ResponseEntity<Map<String, String>> shutdownUnsafe(ShutdownUnsafeTaskRejectedException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.body(Map.of("error", "busy: the increment could not finish before a shutdown would cut it; retry"));
	}

}
