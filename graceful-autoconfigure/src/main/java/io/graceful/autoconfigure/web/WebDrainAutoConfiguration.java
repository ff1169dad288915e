package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownReport;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.server.WebFilter;

/**
 * The web drain: track the requests in flight, the open streams and WebSocket sessions
 * (for the withdraw, which answers them with {@code Connection: close}, the drain, which
 * names stragglers, the endpoint and the metrics); bound and report Spring Boot's
 * graceful web shutdown; and hand requests queued for a worker thread to the application
 * before it pauses the server.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnClass(WebServerApplicationContext.class)
public final class WebDrainAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InFlightRequests inFlightRequests() {
		return new InFlightRequests();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "graceful.web-drain.complete-streams", matchIfMissing = true)
	OpenStreams openStreams() {
		return new OpenStreams();
	}

	@Bean
	WebDrain webDrain(InFlightRequests inFlightRequests, ObjectProvider<OpenStreams> openStreams,
			ObjectProvider<OpenWebSockets> openWebSockets, ObjectProvider<QueuedRequests> queuedRequests,
			ShutdownReport report, GracefulProperties properties, LifecyclePhaseTimeout phaseTimeout) {
		WebDrainProperties webDrain = properties.getWebDrain();
		WebDrain drain = new WebDrain(inFlightRequests, openStreams.getIfAvailable(),
				queuedRequests.orderedStream().toList(), report, webDrain.getTimeout(), phaseTimeout);
		drain.closeWebSockets(openWebSockets.getIfAvailable(), webDrain.getWebSocketCloseTimeout());
		return drain;
	}

	@Bean
	PhaseCallback webDrainEnd(ObjectProvider<WebDrain> webDrain) {
		// a provider, not the drain: Spring stops a lifecycle's dependents before it
		return new PhaseCallback(GracefulPhases.WEB_DRAIN_END, () -> webDrain.getObject().ended());
	}

	static @Nullable String managementBasePath(Environment environment, String contextPathProperty) {
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

		@Bean
		@ConditionalOnClass(name = "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter")
		static StreamTrackingPostProcessor gracefulStreamTrackingPostProcessor(
				ObjectProvider<OpenStreams> openStreams) {
			return new StreamTrackingPostProcessor(openStreams);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.socket.server.support.WebSocketHandlerMapping")
	@ConditionalOnBooleanProperty(name = "graceful.web-drain.close-web-sockets", matchIfMissing = true)
	static class ServletWebSocketTrackingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OpenWebSockets openWebSockets() {
			return new OpenWebSockets();
		}

		@Bean
		static ServletWebSocketTracking gracefulServletWebSocketTracking(
				ObjectProvider<OpenWebSockets> openWebSockets) {
			return new ServletWebSocketTracking(openWebSockets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter")
	@ConditionalOnBooleanProperty(name = "graceful.web-drain.close-web-sockets", matchIfMissing = true)
	static class ReactiveWebSocketTrackingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OpenWebSockets openWebSockets() {
			return new OpenWebSockets();
		}

		@Bean
		static ReactiveWebSocketTracking gracefulReactiveWebSocketTracking(
				ObjectProvider<OpenWebSockets> openWebSockets) {
			return new ReactiveWebSocketTracking(openWebSockets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(WebFilter.class)
	static class ReactiveRequestTrackingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "gracefulRequestTrackingWebFilter")
		RequestTrackingWebFilter gracefulRequestTrackingWebFilter(InFlightRequests inFlightRequests,
				ObjectProvider<OpenStreams> openStreams, Environment environment) {
			return new RequestTrackingWebFilter(inFlightRequests, openStreams.getIfAvailable(),
					managementBasePath(environment, "spring.webflux.base-path"));
		}

	}

}
