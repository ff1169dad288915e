package io.graceful.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts and closes {@link BenchApplication} again and again in one JVM, alternating
 * {@code graceful.enabled=true} and {@code false} (ABBA), after a warm-up. Classes are
 * loaded and the JIT has compiled the hot code, so what differs between the two is the
 * work the starter makes Spring do (conditions, bean definitions, beans, binding,
 * callbacks), without first-time class loading. Prints
 * {@code WARM <variant> <start ns> <main-thread
 * allocated bytes> <close ns>} per measured run; {@link Bench} reads them.
 */
public final class WarmStartup {

	private WarmStartup() {
	}

	public static void main(String[] args) {
		int warmups = Integer.getInteger("bench.warm.warmups", 15);
		int runs = Integer.getInteger("bench.warm.runs", 20);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		for (int run = 0; run < warmups + runs; run++) {
			boolean[] order = (run % 2 == 0) ? new boolean[] { true, false } : new boolean[] { false, true };
			for (boolean enabled : order) {
				List<String> appArgs = new ArrayList<>(List.of(args));
				appArgs.add("--graceful.enabled=" + enabled);
				long allocated = threads.getCurrentThreadAllocatedBytes();
				long start = System.nanoTime();
				ConfigurableApplicationContext context = SpringApplication.run(BenchApplication.class,
						appArgs.toArray(String[]::new));
				long started = System.nanoTime() - start;
				allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
				if (context.containsBean("shutdownReport") != enabled) {
					throw new IllegalStateException("graceful.enabled=" + enabled + " but the shutdown report bean is "
							+ (enabled ? "missing" : "present"));
				}
				long closeStart = System.nanoTime();
				context.close();
				long closed = System.nanoTime() - closeStart;
				if (run >= warmups) {
					System.out.printf(Locale.ROOT, "WARM %s %d %d %d%n", enabled ? "with" : "without", started,
							allocated, closed);
				}
			}
		}
	}

}
