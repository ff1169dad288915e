package io.graceful.sample;

import java.util.Map;

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

}
