package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.jetty.JettyGracefulAutoConfiguration;
import io.graceful.autoconfigure.netty.NettyGracefulAutoConfiguration;
import io.graceful.autoconfigure.tomcat.TomcatGracefulAutoConfiguration;
import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.JettyServerCustomizer;
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
			WebDrainAutoConfiguration.class, TomcatGracefulAutoConfiguration.class,
			JettyGracefulAutoConfiguration.class, NettyGracefulAutoConfiguration.class);

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(this.configurations);

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(this.configurations);

	@Test
	void servletApplicationGetsTomcatAndJettyClosersButNotNetty() {
		this.servlet.run((context) -> assertThat(context).hasNotFailed()
			.hasBean("tomcatConnections")
			.hasBean("gracefulTomcatStopBoundCustomizer")
			.hasBean("jettyIdleConnectionCloser")
			.hasBean("jettyHttp2GoAwaySender")
			.hasBean("gracefulJettyStopTimeoutCustomizer")
			.doesNotHaveBean("nettyIdleConnectionCloser")
			.doesNotHaveBean("nettyHttp2GoAwaySender"));
	}

	@Test
	void reactiveApplicationGetsTheNettyCloserAndShutdownBounds() {
		this.reactive.run((context) -> assertThat(context).hasNotFailed()
			.hasBean("nettyIdleConnectionCloser")
			.hasBean("nettyHttp2GoAwaySender")
			.hasBean("gracefulNettyLifecycleTimeoutCustomizer")
			.hasBean("gracefulReactorResourceFactoryPostProcessor"));
	}

	@Test
	void closersWithoutAWebServerCloseNothing() {
		this.servlet.run((context) -> {
			assertThat(context.getBean("tomcatConnections", IdleConnectionCloser.class).closeIdleConnections())
				.isZero();
			assertThat(context.getBean("jettyIdleConnectionCloser", IdleConnectionCloser.class).closeIdleConnections())
				.isZero();
		});
		this.reactive.run((context) -> assertThat(
				context.getBean("nettyIdleConnectionCloser", IdleConnectionCloser.class).closeIdleConnections())
			.isZero());
	}

	@Test
	void goAwaySendersWithoutAWebServerSendNothing() {
		this.servlet.run((context) -> {
			assertThat(context.getBean("tomcatConnections", Http2GoAwaySender.class).sendGoAway()).isZero();
			assertThat(context.getBean("jettyHttp2GoAwaySender", Http2GoAwaySender.class).sendGoAway()).isZero();
		});
		this.reactive.run(
				(context) -> assertThat(context.getBean("nettyHttp2GoAwaySender", Http2GoAwaySender.class).sendGoAway())
					.isZero());
	}

	@Test
	void withoutJettysHttp2ThereIsNoJettyGoAwaySender() {
		this.servlet.withClassLoader(new FilteredClassLoader(HTTP2Connection.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("jettyIdleConnectionCloser")
				.doesNotHaveBean("jettyHttp2GoAwaySender"));
	}

	@Test
	void withoutJettyThereIsNoJettyCloser() {
		this.servlet.withClassLoader(new FilteredClassLoader(Server.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("jettyIdleConnectionCloser")
				.doesNotHaveBean("jettyHttp2GoAwaySender")
				.doesNotHaveBean("gracefulJettyStopTimeoutCustomizer"));
	}

	@Test
	void withoutReactorNettyThereIsNoNettyCloser() {
		this.reactive.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("nettyIdleConnectionCloser")
				.doesNotHaveBean("nettyHttp2GoAwaySender"));
	}

	@Test
	void disabledStarterConfiguresNoServerParts() {
		this.servlet.withPropertyValues("graceful.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("tomcatConnections")
				.doesNotHaveBean("jettyIdleConnectionCloser")
				.doesNotHaveBean(Http2GoAwaySender.class));
	}

	@Test
	void jettyStopTimeoutIsCappedAtHalfTheOtherPhasesTimeout() {
		this.servlet.withPropertyValues("graceful.other-phases-timeout=2s").run((context) -> {
			Server server = new Server(new QueuedThreadPool());
			context.getBean("gracefulJettyStopTimeoutCustomizer", JettyServerCustomizer.class).customize(server);
			assertThat(((QueuedThreadPool) server.getThreadPool()).getStopTimeout()).isEqualTo(1000);
		});
	}

	@Test
	void jettyStopTimeoutBelowTheCapIsKept() {
		this.servlet.run((context) -> {
			QueuedThreadPool threadPool = new QueuedThreadPool();
			threadPool.setStopTimeout(100);
			context.getBean("gracefulJettyStopTimeoutCustomizer", JettyServerCustomizer.class)
				.customize(new Server(threadPool));
			assertThat(threadPool.getStopTimeout()).isEqualTo(100);
		});
	}

}
