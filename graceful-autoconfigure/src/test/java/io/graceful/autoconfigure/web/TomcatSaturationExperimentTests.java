package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;

import static org.awaitility.Awaitility.await;

class TomcatSaturationExperimentTests extends AbstractWebServerShutdownTests {

	@Override
	protected Class<?> application() {
		return ScenarioMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration");
	}

	@ParameterizedTest
	@ValueSource(strings = { "true", "false" })
	void experiment(String closeIdle, CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=1500ms", "graceful.web.drain-timeout=10s", "server.tomcat.threads.max=2",
				"server.tomcat.threads.min-spare=1", "graceful.withdraw.close-idle-connections=" + closeIdle);
		WorkerGate gate = this.context.getBean(WorkerGate.class);
		RawHttpConnection keptAlive = RawHttpConnection.open(port());
		System.out.println("EXP first " + keptAlive.get("/hello").status());
		CompletableFuture<?> h1 = getAsync("/held");
		CompletableFuture<?> h2 = getAsync("/held");
		gate.awaitHeld(2, Duration.ofSeconds(10));
		CompletableFuture<Duration> closing = closeInBackground();
		this.moments.closeStarted.await(10, TimeUnit.SECONDS);
		keptAlive.send("/hello", "*/*");
		long sent = System.nanoTime();
		this.moments.withdrawEnded.await(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.moments.drainStartedNanos != 0);
		Thread.sleep(300);
		gate.open();
		try {
			RawHttpConnection.Response r = keptAlive.readResponse();
			System.out.println("EXP queued got " + r.status() + " " + r.headers() + " after " + (System.nanoTime() - sent) / 1000000 + "ms");
		}
		catch (Exception ex) {
			System.out.println("EXP queued failed " + ex + " after " + (System.nanoTime() - sent) / 1000000 + "ms");
		}
		System.out.println("EXP held " + h1.get(10, TimeUnit.SECONDS) + " " + h2.get(10, TimeUnit.SECONDS));
		closing.get(20, TimeUnit.SECONDS);
	}

}
