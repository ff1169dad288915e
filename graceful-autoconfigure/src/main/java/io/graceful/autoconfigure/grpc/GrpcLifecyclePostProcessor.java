package io.graceful.autoconfigure.grpc;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * Replaces Spring Boot's gRPC server lifecycle (bean {@code nettyGrpcServerLifecycle} or
 * {@code shadedNettyGrpcServerLifecycle}, phase {@code Integer.MAX_VALUE}, a blocking
 * stop) with a {@link GrpcDrainLifecycle} on the same server factory, before it is
 * started. Replacing the instance rather than defining a bean of that name first keeps
 * Spring Boot's own conditions deciding whether a network gRPC server exists at all.
 */
class GrpcLifecyclePostProcessor implements BeanPostProcessor, ApplicationContextAware {

	private final ObjectProvider<GrpcDrain> drain;

	private @Nullable ApplicationContext context;

	GrpcLifecyclePostProcessor(ObjectProvider<GrpcDrain> drain) {
		this.drain = drain;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof GrpcServerLifecycle lifecycle && !(bean instanceof GrpcDrainLifecycle)
				&& this.context != null) {
			return new GrpcDrainLifecycle(lifecycle.getFactory(), this.context, this.drain.getObject());
		}
		return bean;
	}

}
