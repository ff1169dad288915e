package io.graceful.autoconfigure.web;

import java.time.Duration;

import io.graceful.autoconfigure.DurationRules;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulPhases;
import io.graceful.autoconfigure.PhaseCallback;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.budget.ShutdownBound;
import io.graceful.autoconfigure.report.ShutdownReport;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Track requests in flight, and bound and report Spring Boot's graceful web shutdown.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnClass(WebServerApplicationContext.class)
@EnableConfigurationProperties(WebDrainProperties.class)
public final class WebDrainAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InFlightRequests inFlightRequests() {
		return new InFlightRequests();
	}

	@Bean
	@ConditionalOnMissingBean
	OpenStreams openStreams() {
		return new OpenStreams();
	}

	@Bean
	WebDrain webDrain(InFlightRequests inFlightRequests, OpenStreams openStreams,
			ObjectProvider<QueuedRequests> queuedRequests, ShutdownReport report, WebDrainProperties properties,
			BeanFactory beanFactory) {
		return new WebDrain(inFlightRequests, properties.isCompleteStreams() ? openStreams : null,
				queuedRequests.orderedStream().toList(), report,
				DurationRules.positive("graceful.web.drain-timeout", properties.getDrainTimeout()),
				new WebDrainPhaseTimeout(beanFactory));
	}

	@Bean
	PhaseCallback webDrainStart(WebDrain webDrain) {
		return new PhaseCallback(GracefulPhases.WEB_DRAIN_START, webDrain::started);
	}

	@Bean
	PhaseCallback webDrainEnd(WebDrain webDrain) {
		return new PhaseCallback(GracefulPhases.WEB_DRAIN_END, webDrain::ended);
	}

	@Bean
	ShutdownBound webDrainShutdownBound(WebDrainProperties properties) {
		return ShutdownBound.ofPhase("web drain", "graceful.web.drain-timeout", properties.getDrainTimeout(),
				GracefulPhases.WEB_DRAIN);
	}

	/**
	 * How long stopping the web server may wait for requests the drain cut: half the
	 * bound of the phases graceful does not own, whose budget it shares.
	 */
	static Duration webStopBound(GracefulProperties properties) {
		return properties.getOtherPhasesTimeout().dividedBy(2);
	}

	static String managementBasePath(Environment environment, String contextPathProperty) {
		String contextPath = environment.getProperty(contextPathProperty, "");
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		return (basePath.isEmpty() || "/".equals(basePath)) ? null : contextPath + basePath;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(Filter.class)
	static class ServletRequestTrackingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "gracefulRequestTrackingFilter")
		FilterRegistrationBean<RequestTrackingFilter> gracefulRequestTrackingFilter(InFlightRequests inFlightRequests,
				Environment environment) {
			FilterRegistrationBean<RequestTrackingFilter> registration = new FilterRegistrationBean<>(
					new RequestTrackingFilter(inFlightRequests,
							managementBasePath(environment, "server.servlet.context-path")));
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			registration.setAsyncSupported(true);
			registration.setDispatcherTypes(DispatcherType.REQUEST);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(RequestMappingHandlerAdapter.class)
	static class MvcStreamTrackingConfiguration {

		@Bean
		static StreamTrackingPostProcessor gracefulStreamTrackingPostProcessor(
				ObjectProvider<OpenStreams> openStreams) {
			return new StreamTrackingPostProcessor(openStreams);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(WebFilter.class)
	static class ReactiveRequestTrackingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "gracefulRequestTrackingWebFilter")
		RequestTrackingWebFilter gracefulRequestTrackingWebFilter(InFlightRequests inFlightRequests,
				OpenStreams openStreams, WebDrainProperties properties, Environment environment) {
			return new RequestTrackingWebFilter(inFlightRequests, properties.isCompleteStreams() ? openStreams : null,
					managementBasePath(environment, "spring.webflux.base-path"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, TomcatWebServer.class, TomcatConnectorCustomizer.class })
	static class TomcatConfiguration {

		@Bean
		TomcatConnections tomcatConnections(ApplicationContext context) {
			return new TomcatConnections(context);
		}

		@Bean
		TomcatIdleConnectionCloser tomcatIdleConnectionCloser(TomcatConnections connections) {
			return new TomcatIdleConnectionCloser(connections);
		}

		@Bean
		TomcatHttp2GoAwaySender tomcatHttp2GoAwaySender(TomcatConnections connections) {
			return new TomcatHttp2GoAwaySender(connections);
		}

		@Bean
		TomcatQueuedRequests tomcatQueuedRequests(TomcatConnections connections) {
			return new TomcatQueuedRequests(connections);
		}

		@Bean
		TomcatStopBoundCustomizer gracefulTomcatStopBoundCustomizer(GracefulProperties properties) {
			return new TomcatStopBoundCustomizer(webStopBound(properties));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Server.class, HttpConnection.class, QueuedThreadPool.class, JettyWebServer.class })
	static class JettyConfiguration {

		@Bean
		JettyIdleConnectionCloser jettyIdleConnectionCloser(ApplicationContext context) {
			return new JettyIdleConnectionCloser(context);
		}

		@Bean
		JettyStopTimeoutCustomizer gracefulJettyStopTimeoutCustomizer(GracefulProperties properties) {
			return new JettyStopTimeoutCustomizer(webStopBound(properties));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Server.class, HTTP2Connection.class, JettyWebServer.class })
	static class JettyHttp2Configuration {

		@Bean
		JettyHttp2GoAwaySender jettyHttp2GoAwaySender(ApplicationContext context) {
			return new JettyHttp2GoAwaySender(context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass({ HttpServer.class, Channel.class, Http2FrameCodec.class, ReactorResourceFactory.class,
			NettyReactiveWebServerFactory.class })
	static class NettyConfiguration {

		@Bean
		NettyIdleConnectionCloser nettyIdleConnectionCloser() {
			return new NettyIdleConnectionCloser();
		}

		@Bean
		NettyHttp2GoAwaySender nettyHttp2GoAwaySender(NettyIdleConnectionCloser connections) {
			return new NettyHttp2GoAwaySender(connections);
		}

		@Bean
		ReactorNettyShutdownBounds.LifecycleTimeoutCustomizer gracefulNettyLifecycleTimeoutCustomizer(
				GracefulProperties properties) {
			return new ReactorNettyShutdownBounds.LifecycleTimeoutCustomizer(webStopBound(properties));
		}

		@Bean
		static ReactorNettyShutdownBounds.ResourceFactoryPostProcessor gracefulReactorResourceFactoryPostProcessor(
				Environment environment) {
			return new ReactorNettyShutdownBounds.ResourceFactoryPostProcessor(environment);
		}

	}

}
