package io.graceful.benchmarks;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Starts and closes {@link BenchApplication} again and again in one JVM, alternating the
 * side with the starter and the side without it (ABBA), after a warm-up. Classes are
 * loaded and the JIT has compiled the hot code, so what differs between the two is the
 * work the starter makes Spring do (conditions, bean definitions, beans, binding,
 * callbacks), without first-time class loading. Prints
 * {@code WARM <variant> <start ns> <main-thread
 * allocated bytes> <close ns> <start main-thread CPU ns>} per measured run; {@link Bench}
 * reads them.
 * <p>
 * In JVM mode both sides are one application, {@code graceful.enabled=true} and
 * {@code false}. In AOT mode ({@code bench.aot=true}) that switch does nothing (the
 * conditions were decided at build time), and the two sides' AOT-processed classes have
 * the same names, so each side runs in a class loader of its own, from the classpath
 * {@link Bench} gives it: the side with the starter from its AOT-processed classes, the
 * side without from its own, without the starter's auto-configuration jar.
 */
public final class WarmStartup {

	static final String CLASSPATH_WITH = "bench.warm.classpath.with";

	static final String CLASSPATH_WITHOUT = "bench.warm.classpath.without";

	private WarmStartup() {
	}

	public static void main(String[] args) throws Exception {
		int warmups = Integer.getInteger("bench.warm.warmups", 15);
		int runs = Integer.getInteger("bench.warm.runs", 20);
		boolean aot = Boolean.getBoolean("bench.aot");
		ClassLoader with = aot ? isolated(System.getProperty(CLASSPATH_WITH)) : null;
		ClassLoader without = aot ? isolated(System.getProperty(CLASSPATH_WITHOUT)) : null;
		for (int run = 0; run < warmups + runs; run++) {
			boolean[] order = (run % 2 == 0) ? new boolean[] { true, false } : new boolean[] { false, true };
			for (boolean enabled : order) {
				List<String> appArgs = new ArrayList<>(List.of(args));
				if (!aot) {
					appArgs.add("--graceful.enabled=" + enabled);
				}
				long[] measured = aot ? startAndCloseIn(enabled ? with : without, appArgs, enabled)
						: startAndClose(appArgs.toArray(String[]::new), enabled, false);
				if (run >= warmups) {
					System.out.printf(Locale.ROOT, "WARM %s %d %d %d %d%n", enabled ? "with" : "without", measured[0],
							measured[1], measured[2], measured[3]);
				}
			}
		}
	}

	/**
	 * Start the application, check that it is the side it should be, and close it. Called
	 * in the side's own class loader in AOT mode.
	 * @param args the application's arguments
	 * @param graceful whether the starter must be active
	 * @param aot whether the context must come from AOT-generated code
	 * @return nanoseconds to start ({@code SpringApplication.run}), bytes the main thread
	 * allocated in it, nanoseconds to close, and the main thread's CPU nanoseconds of the
	 * start
	 */
	public static long[] startAndClose(String[] args, boolean graceful, boolean aot) {
		if (aot) {
			// Tomcat sets the JVM-wide URL stream handler factory once, from the first
			// class loader that starts it; the other side's Tomcat would fail on
			// "factory already defined". Off in both loaders, so both sides do the same.
			TomcatURLStreamHandlerFactory.disable();
		}
		SpringApplication application = new SpringApplication(BenchApplication.class);
		// AOT mode finds the generated initializer by the main class's name; from this
		// main method Spring would take WarmStartup
		application.setMainApplicationClass(BenchApplication.class);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long allocated = threads.getCurrentThreadAllocatedBytes();
		long cpu = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		ConfigurableApplicationContext context = application.run(args);
		long started = System.nanoTime() - start;
		cpu = threads.getCurrentThreadCpuTime() - cpu;
		allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
		if (context.containsBean("shutdownReport") != graceful) {
			throw new IllegalStateException("the side " + (graceful ? "with" : "without")
					+ " the starter, but the shutdown report bean is " + (graceful ? "missing" : "present"));
		}
		boolean generated = AotDetector.useGeneratedArtifacts()
				&& ClassUtils.isPresent(BenchJvm.AOT_INITIALIZER, BenchApplication.class.getClassLoader());
		if (generated != aot) {
			throw new IllegalStateException("expected AOT mode " + aot + " but AOT-generated code in use is "
					+ generated + " (" + BenchApplication.class.getClassLoader() + ")");
		}
		long closeStart = System.nanoTime();
		context.close();
		return new long[] { started, allocated, System.nanoTime() - closeStart, cpu };
	}

	private static long[] startAndCloseIn(ClassLoader loader, List<String> args, boolean graceful) throws Exception {
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(loader);
		try {
			Method method = Class.forName(WarmStartup.class.getName(), true, loader)
				.getDeclaredMethod("startAndClose", String[].class, boolean.class, boolean.class);
			return (long[]) method.invoke(null, args.toArray(String[]::new), graceful, true);
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	private static ClassLoader isolated(String classpath) throws MalformedURLException {
		if (classpath == null || classpath.isBlank()) {
			throw new IllegalStateException("AOT mode needs " + CLASSPATH_WITH + " and " + CLASSPATH_WITHOUT);
		}
		List<URL> urls = new ArrayList<>();
		for (String entry : classpath.split(File.pathSeparator)) {
			urls.add(new File(entry).toURI().toURL());
		}
		// the platform loader as parent: nothing of Spring or the application is shared
		// between the two sides
		return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
	}

}
