package io.graceful.autoconfigure.jetty;

import org.eclipse.jetty.io.ssl.SslConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every handle into Jetty's internals resolves on the Jetty version this build uses, and
 * a missing one degrades to a warning that names what is lost.
 */
@ExtendWith(OutputCaptureExtension.class)
class JettyInternalsTests {

	@Test
	void tlsInputBuffersResolveOnThisJetty(CapturedOutput output) {
		assertThat(JettyConnections.findInputBuffer(SslConnection.class, "_encryptedInput")).isNotNull();
		assertThat(JettyConnections.findInputBuffer(SslConnection.class, "_decryptedInput")).isNotNull();
		assertThat(output).doesNotContain("This Jetty version has no");
	}

	@Test
	void aMissingBufferIsAWarningNamingWhatIsLost(CapturedOutput output) {
		assertThat(JettyConnections.findInputBuffer(SslConnection.class, "_renamedInput")).isNull();
		assertThat(output).contains("This Jetty version has no SslConnection._renamedInput buffer: idle TLS "
				+ "connections will not be closed at the end of withdraw");
	}

}
