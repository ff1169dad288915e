package io.graceful.autoconfigure.web;

import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import io.graceful.autoconfigure.GracefulAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-server parts of the web drain auto-configuration: which idle connection
 * closers, HTTP/2 GOAWAY senders and server bounds exist for which server and stack.
 */
class WebServerConfigurationTests {

	private final AutoConfigurations configurations = AutoConfigurations.of(GracefulAutoConfiguration.class,
			WebDrainAutoConfiguration.class);

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(this.configurations);

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(this.configurations);

	@Test
	void servletApplicationGetsTomcatAndJettyClosersButNotNetty() {
		this.servlet.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(TomcatIdleConnectionCloser.class)
			.hasSingleBean(TomcatHttp2GoAwaySender.class)
			.hasSingleBean(TomcatStopBoundCustomizer.class)
			.hasSingleBean(JettyIdleConnectionCloser.class)
			.hasSingleBean(JettyHttp2GoAwaySender.class)
			.hasSingleBean(JettyStopTimeoutCustomizer.class)
			.doesNotHaveBean(NettyIdleConnectionCloser.class)
			.doesNotHaveBean(NettyHttp2GoAwaySender.class));
	}

	@Test
	void reactiveApplicationGetsTheNettyCloserAndShutdownBounds() {
		this.reactive.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(NettyIdleConnectionCloser.class)
			.hasSingleBean(NettyHttp2GoAwaySender.class)
			.hasSingleBean(ReactorNettyShutdownBounds.LifecycleTimeoutCustomizer.class)
			.hasSingleBean(ReactorNettyShutdownBounds.ResourceFactoryPostProcessor.class));
	}

	@Test
	void closersWithoutAWebServerCloseNothing() {
		this.servlet.run((context) -> {
			assertThat(context.getBean(TomcatIdleConnectionCloser.class).closeIdleConnections()).isZero();
			assertThat(context.getBean(JettyIdleConnectionCloser.class).closeIdleConnections()).isZero();
		});
		this.reactive
			.run((context) -> assertThat(context.getBean(NettyIdleConnectionCloser.class).closeIdleConnections())
				.isZero());
	}

	@Test
	void goAwaySendersWithoutAWebServerSendNothing() {
		this.servlet.run((context) -> {
			assertThat(context.getBean(TomcatHttp2GoAwaySender.class).sendGoAway()).isZero();
			assertThat(context.getBean(JettyHttp2GoAwaySender.class).sendGoAway()).isZero();
		});
		this.reactive.run((context) -> assertThat(context.getBean(NettyHttp2GoAwaySender.class).sendGoAway()).isZero());
	}

	@Test
	void withoutJettysHttp2ThereIsNoJettyGoAwaySender() {
		this.servlet.withClassLoader(new FilteredClassLoader(HTTP2Connection.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(JettyIdleConnectionCloser.class)
				.doesNotHaveBean(JettyHttp2GoAwaySender.class));
	}

	@Test
	void withoutJettyThereIsNoJettyCloser() {
		this.servlet.withClassLoader(new FilteredClassLoader(Server.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(JettyIdleConnectionCloser.class)
				.doesNotHaveBean(JettyHttp2GoAwaySender.class)
				.doesNotHaveBean(JettyStopTimeoutCustomizer.class));
	}

	@Test
	void withoutReactorNettyThereIsNoNettyCloser() {
		this.reactive.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(NettyIdleConnectionCloser.class)
				.doesNotHaveBean(NettyHttp2GoAwaySender.class));
	}

	@Test
	void disabledStarterConfiguresNoServerParts() {
		this.servlet.withPropertyValues("graceful.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TomcatIdleConnectionCloser.class)
				.doesNotHaveBean(JettyIdleConnectionCloser.class)
				.doesNotHaveBean(Http2GoAwaySender.class));
	}

	@Test
	void jettyStopTimeoutIsCappedAtHalfTheOtherPhasesTimeout() {
		this.servlet.withPropertyValues("graceful.other-phases-timeout=2s").run((context) -> {
			Server server = new Server(new QueuedThreadPool());
			context.getBean(JettyStopTimeoutCustomizer.class).customize(server);
			assertThat(((QueuedThreadPool) server.getThreadPool()).getStopTimeout()).isEqualTo(1000);
		});
	}

	@Test
	void jettyStopTimeoutBelowTheCapIsKept() {
		this.servlet.run((context) -> {
			QueuedThreadPool threadPool = new QueuedThreadPool();
			threadPool.setStopTimeout(100);
			context.getBean(JettyStopTimeoutCustomizer.class).customize(new Server(threadPool));
			assertThat(threadPool.getStopTimeout()).isEqualTo(100);
		});
	}

}
