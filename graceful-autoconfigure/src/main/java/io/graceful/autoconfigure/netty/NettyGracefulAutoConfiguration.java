package io.graceful.autoconfigure.netty;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.AcceptGate;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * What graceful does on Reactor Netty: close idle keep-alive connections and send HTTP/2
 * GOAWAY at withdraw, and bound the server's own stop and the event loops' shutdown.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, Channel.class, Http2FrameCodec.class, ReactorResourceFactory.class,
		NettyReactiveWebServerFactory.class })
public final class NettyGracefulAutoConfiguration {

	@Bean
	NettyConnections nettyConnections() {
		return new NettyConnections();
	}

	@Bean
	NettyIdleConnectionCloser nettyIdleConnectionCloser(NettyConnections connections) {
		return new NettyIdleConnectionCloser(connections);
	}

	@Bean
	NettyHttp2GoAwaySender nettyHttp2GoAwaySender(NettyConnections connections) {
		return new NettyHttp2GoAwaySender(connections);
	}

	@Bean
	ReactorNettyShutdownBounds.LifecycleTimeoutCustomizer gracefulNettyLifecycleTimeoutCustomizer(
			GracefulProperties properties) {
		return new ReactorNettyShutdownBounds.LifecycleTimeoutCustomizer(properties.webServerStopBound());
	}

	@Bean
	static ReactorNettyShutdownBounds.ResourceFactoryPostProcessor gracefulReactorResourceFactoryPostProcessor(
			Environment environment) {
		return new ReactorNettyShutdownBounds.ResourceFactoryPostProcessor(environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("graceful.handover.enabled")
	static class NettyHandoverConfiguration {

		@Bean
		AcceptGate nettyAcceptGate() {
			return new AcceptGate();
		}

		@Bean
		NettyHandover gracefulNettyHandover(Environment environment, AcceptGate nettyAcceptGate) {
			return new NettyHandover(environment, nettyAcceptGate);
		}

		@Bean
		NettyHandoverDrain gracefulNettyHandoverDrain(NettyConnections connections, NettyHandover handover) {
			return new NettyHandoverDrain(connections, handover);
		}

	}

}
