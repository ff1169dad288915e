package io.graceful.autoconfigure.handover;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link HandoverNotSupportedException}: why the operating system matters, and
 * what to do instead.
 */
class HandoverFailureAnalyzer extends AbstractFailureAnalyzer<HandoverNotSupportedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HandoverNotSupportedException cause) {
		String description = String.format("graceful.handover.enabled=true, but this operating system (%s) is not "
				+ "Linux. A hand-over binds the port with SO_REUSEPORT and relies on Linux spreading new connections "
				+ "over every socket of the port and sending them only to the successor once this instance closes its "
				+ "listener; elsewhere SO_REUSEPORT does not balance (BSD, macOS: the last socket bound takes every "
				+ "connection) or does not exist (Windows).", cause.getOsName());
		String action = "Set graceful.handover.enabled=false here (for example in a profile for local development), "
				+ "or run the hand-over on Linux.";
		return new FailureAnalysis(description, action, cause);
	}

}
