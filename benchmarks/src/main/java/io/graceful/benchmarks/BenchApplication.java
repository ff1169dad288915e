package io.graceful.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import jakarta.servlet.Filter;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application measured: a trivial endpoint on Tomcat with Spring Boot Actuator. The
 * benchmark runs it with and without the graceful auto-configuration on the classpath; it
 * prints {@code BENCH-*} marker lines the benchmark reads.
 */
@SpringBootApplication
public class BenchApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(BenchApplication.class, args);
		if (context.getEnvironment().getProperty("bench.close-when-ready", Boolean.class, false)) {
			long cpu = processCpuNanos();
			long start = System.nanoTime();
			context.close();
			long wall = System.nanoTime() - start;
			System.out.println("BENCH-CLOSE-CPU-NANOS=" + (processCpuNanos() - cpu));
			System.out.println("BENCH-CLOSE-NANOS=" + wall);
		}
	}

	/**
	 * CPU time of the whole process (all threads, JIT and GC included). On a busy machine
	 * it says more than wall-clock time, which then mostly measures waiting for a core.
	 * @return nanoseconds of CPU used since the JVM started
	 */
	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	@EventListener
	void onWebServer(WebServerInitializedEvent event) {
		System.out.println("BENCH-PORT=" + event.getWebServer().getPort());
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		if (event.getApplicationContext().getEnvironment().getProperty("bench.footprint", Boolean.class, false)) {
			// the footprint counts the classes loaded up to this one: what the
			// application
			// needed to be ready, not what its shutdown loads later
			ReadyMarker.touch();
		}
		long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
		System.out.println(
				"BENCH-GRACEFUL=" + ClassUtils.isPresent("io.graceful.autoconfigure.GracefulAutoConfiguration", null)
						+ ":" + event.getApplicationContext().containsBean("shutdownReport"));
		System.out.println("BENCH-AOT=" + AotDetector.useGeneratedArtifacts() + ":"
				+ ClassUtils.isPresent(BenchApplication.class.getName() + "__ApplicationContextInitializer", null));
		System.out.println("BENCH-READY-NANOS=" + event.getTimeTaken().toNanos());
		System.out.println("BENCH-READY-SINCE-JVM-START-MILLIS=" + sinceJvmStart);
		System.out.println("BENCH-READY-CPU-NANOS=" + processCpuNanos());
		System.out.println("BENCH-READY-FACTS=" + readyFacts());
		if (event.getApplicationContext().getEnvironment().getProperty("bench.footprint", Boolean.class, false)) {
			System.out
				.println("BENCH-BEANS=" + String.join(",", event.getApplicationContext().getBeanDefinitionNames()));
		}
	}

	/**
	 * Facts about the start that vary far less than its duration: CPU time and bytes
	 * allocated by the main thread (which does the whole refresh), classes loaded, and
	 * the garbage collections so far (a start that crosses one more collection pays its
	 * pause).
	 * @return {@code mainCpuNanos:allocatedBytes:classes:gcCount:gcMillis}
	 */
	static String readyFacts() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long gcCount = 0;
		long gcMillis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			gcCount += Math.max(0, collector.getCollectionCount());
			gcMillis += Math.max(0, collector.getCollectionTime());
		}
		return threads.getCurrentThreadCpuTime() + ":" + threads.getCurrentThreadAllocatedBytes() + ":"
				+ ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() + ":" + gcCount + ":" + gcMillis;
	}

	/**
	 * A filter that does nothing, first in the chain like graceful's: with
	 * {@code bench.noop-filter=true} on the side without the starter, a throughput run
	 * separates the cost of one more filter in the chain from the cost of what graceful's
	 * filter does.
	 * @return the registration
	 */
	@Bean
	@ConditionalOnBooleanProperty("bench.noop-filter")
	FilterRegistrationBean<Filter> benchNoopFilter() {
		FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(
				(request, response, chain) -> chain.doFilter(request, response));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@RestController
	static class Hello {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
