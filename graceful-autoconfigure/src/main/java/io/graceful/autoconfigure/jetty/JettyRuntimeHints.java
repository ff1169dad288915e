package io.graceful.autoconfigure.jetty;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Native-image hints for the reflective reads of Jetty's TLS buffers: the private
 * {@code SslConnection._encryptedInput} and {@code _decryptedInput} fields that
 * {@link JettyConnections} reads to tell whether a TLS connection holds a request. They
 * apply only where {@link JettyConnections} is reachable.
 */
class JettyRuntimeHints implements RuntimeHintsRegistrar {

	static final String SSL_CONNECTION = "org.eclipse.jetty.io.ssl.SslConnection";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(SSL_CONNECTION),
					(type) -> type.onReachableType(JettyConnections.class)
						.withField(JettyConnections.ENCRYPTED_INPUT_FIELD)
						.withField(JettyConnections.DECRYPTED_INPUT_FIELD));
	}

}
