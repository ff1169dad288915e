package io.graceful.autoconfigure.r2dbc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.r2dbc.pool.ConnectionPool;
import org.aopalliance.intercept.MethodInterceptor;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Keeps every R2DBC {@link ConnectionPool} bean behind a class proxy (so it keeps its
 * type) whose {@code create()} fails fast with {@link R2dbcPoolClosedException} once the
 * drain closed the pool, instead of reactor-pool's own error; such requests are counted.
 */
final class GuardedPools implements BeanPostProcessor {

	private final Map<String, ConnectionPool> pools = new ConcurrentHashMap<>();

	private final Map<String, Boolean> closed = new ConcurrentHashMap<>();

	private final AtomicLong refused = new AtomicLong();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ConnectionPool pool) {
			this.pools.put(beanName, pool);
			ProxyFactory proxy = new ProxyFactory(pool);
			proxy.setProxyTargetClass(true);
			proxy.addAdvice((MethodInterceptor) (invocation) -> {
				if (invocation.getMethod().getName().equals("create") && invocation.getArguments().length == 0
						&& this.closed.containsKey(beanName)) {
					this.refused.incrementAndGet();
					return Mono.error(new R2dbcPoolClosedException(beanName));
				}
				return invocation.proceed();
			});
			return proxy.getProxy(pool.getClass().getClassLoader());
		}
		return bean;
	}

	Map<String, ConnectionPool> pools() {
		return this.pools;
	}

	List<String> names() {
		return List.copyOf(this.pools.keySet());
	}

	void closed(String name) {
		this.closed.put(name, Boolean.TRUE);
	}

	void reopen() {
		this.closed.clear();
	}

	long refused() {
		return this.refused.get();
	}

}
