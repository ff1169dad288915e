package io.graceful.autoconfigure;

import io.graceful.autoconfigure.jetty.JettyGracefulAutoConfiguration;
import io.graceful.autoconfigure.netty.NettyGracefulAutoConfiguration;
import io.graceful.autoconfigure.tomcat.TomcatGracefulAutoConfiguration;
import io.graceful.autoconfigure.web.WebDrainAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;

/**
 * The auto-configurations of the core starter (withdraw, web drain, budget) with Spring
 * Boot's lifecycle processor, for context runner tests.
 */
public final class CoreAutoConfigurations {

	public static final AutoConfigurations CORE = AutoConfigurations.of(LifecycleAutoConfiguration.class,
			GracefulAutoConfiguration.class, WebDrainAutoConfiguration.class, TomcatGracefulAutoConfiguration.class,
			JettyGracefulAutoConfiguration.class, NettyGracefulAutoConfiguration.class);

	private CoreAutoConfigurations() {
	}

}
