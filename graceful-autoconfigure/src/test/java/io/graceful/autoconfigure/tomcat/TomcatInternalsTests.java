package io.graceful.autoconfigure.tomcat;

import java.lang.reflect.Method;
import java.time.Duration;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every handle into Tomcat's internals resolves on the Tomcat version this build uses,
 * and a missing one degrades to a warning that names what is lost instead of a failed
 * startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class TomcatInternalsTests {

	@Test
	void getEndpointResolvesOnThisTomcat() {
		Method method = TomcatConnections.getEndpointMethod();
		assertThat(method).isNotNull();
		assertThat(method.getDeclaringClass()).isEqualTo(AbstractProtocol.class);
		assertThat(AbstractEndpoint.class).isAssignableFrom(method.getReturnType());
	}

	@Test
	void executorTerminationTimeoutIsAPropertyOfThisTomcatsConnector(CapturedOutput output) {
		Connector connector = new Connector("HTTP/1.1");
		new TomcatStopBoundCustomizer(Duration.ofMillis(500)).customize(connector);
		assertThat(endpoint(connector).getExecutorTerminationTimeoutMillis()).isEqualTo(500);
		assertThat(output).doesNotContain("has no connector property");
	}

	@Test
	void aShorterExecutorTerminationTimeoutOfTheUserIsKept() {
		Connector connector = new Connector("HTTP/1.1");
		connector.setProperty("executorTerminationTimeoutMillis", "100");
		new TomcatStopBoundCustomizer(Duration.ofMillis(500)).customize(connector);
		assertThat(endpoint(connector).getExecutorTerminationTimeoutMillis()).isEqualTo(100);
	}

	private static AbstractEndpoint<?, ?> endpoint(Connector connector) {
		return (AbstractEndpoint<?, ?>) ReflectionUtils.invokeMethod(TomcatConnections.getEndpointMethod(),
				connector.getProtocolHandler());
	}

	@Test
	void aMissingEndpointAccessorIsAWarningNamingWhatIsLost(CapturedOutput output) {
		Object resolved = TomcatConnections.resolveGetEndpoint(AbstractProtocol.class, "getRenamedEndpoint");
		assertThat(resolved).isNotInstanceOf(Method.class);
		assertThat(output).contains("This Tomcat version has no AbstractProtocol.getRenamedEndpoint(): "
				+ "idle keep-alive connections will not be closed at the end of withdraw");
	}

}
