package io.graceful.autoconfigure.core;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidGracefulPropertyException} at startup.
 */
public class InvalidGracefulPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidGracefulPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidGracefulPropertyException cause) {
		String description = "Graceful shutdown is misconfigured: " + cause.getProperty() + " is '" + cause.getValue()
				+ "', but " + cause.getAllowed() + ".";
		String action = "Change " + cause.getProperty() + " in your configuration so that " + cause.getAllowed()
				+ ", or remove it to use the default.";
		return new FailureAnalysis(description, action, cause);
	}

}
