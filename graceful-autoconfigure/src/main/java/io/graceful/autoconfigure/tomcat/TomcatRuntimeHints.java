package io.graceful.autoconfigure.tomcat;

import java.util.List;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Native-image hints for the one reflective access to Tomcat: the protected
 * {@code AbstractProtocol.getEndpoint()} that {@link TomcatConnections} invokes to reach
 * the connection set. They apply only where {@link TomcatConnections} is reachable, so an
 * application without Tomcat gets none.
 */
class TomcatRuntimeHints implements RuntimeHintsRegistrar {

	static final String ABSTRACT_PROTOCOL = "org.apache.coyote.AbstractProtocol";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(ABSTRACT_PROTOCOL), (type) -> type.onReachableType(TomcatConnections.class)
				.withMethod(TomcatConnections.GET_ENDPOINT, List.of(), ExecutableMode.INVOKE));
	}

}
