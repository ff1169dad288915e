package io.graceful.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.graceful.testsupport.ChildJvm;

/**
 * One run of a main class of this module in a JVM of its own ({@link ChildJvm}), with or
 * without the graceful auto-configuration on its classpath, and the {@code BENCH-} lines
 * it prints. Output goes to {@code benchmarks/target/runs}. With {@code bench.aot=true}
 * each side starts from its own AOT-processed classes
 * ({@code benchmarks/target/aot/<side>}, built by the {@code bench-aot} profile) with
 * {@code -Dspring.aot.enabled=true}.
 */
final class BenchJvm implements AutoCloseable {

	private static final Path RUNS = Path.of("benchmarks", "target", "runs");

	private static final String CLASSES = "benchmarks/target/classes";

	static final String AOT_INITIALIZER = BenchApplication.class.getName() + "__ApplicationContextInitializer";

	private final ChildJvm jvm;

	private final Variant variant;

	private BenchJvm(ChildJvm jvm, Variant variant) {
		this.jvm = jvm;
		this.variant = variant;
	}

	/**
	 * Start {@link BenchApplication}; {@link #close()} stops it with SIGTERM (SIGKILL
	 * after 30 s).
	 * @param variant with or without the starter
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@code main}
	 * @return the running application
	 */
	static BenchJvm start(Variant variant, List<String> jvmOptions, List<String> args) throws IOException {
		ChildJvm jvm = jvm(variant, BenchApplication.class, jvmOptions, args).stopOnClose(Duration.ofSeconds(30))
			.start();
		return new BenchJvm(jvm, variant);
	}

	/**
	 * Run a main class of this module in a JVM of its own, with the starter on the
	 * classpath, and wait for it to end.
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@code main}
	 * @param timeout how long at most
	 * @return what it printed
	 */
	static List<String> runToEnd(Class<?> mainClass, List<String> jvmOptions, List<String> args, Duration timeout)
			throws IOException, InterruptedException {
		return runToEnd(Variant.WITH, mainClass, jvmOptions, args, timeout);
	}

	/**
	 * Run a main class of this module in a JVM of its own, with or without the starter,
	 * and wait for it to end.
	 * @param variant with or without the starter
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@code main}
	 * @param timeout how long at most
	 * @return what it printed
	 */
	static List<String> runToEnd(Variant variant, Class<?> mainClass, List<String> jvmOptions, List<String> args,
			Duration timeout) throws IOException, InterruptedException {
		return jvm(variant, mainClass, jvmOptions, args).runToEnd(timeout);
	}

	private static ChildJvm.Builder jvm(Variant variant, Class<?> mainClass, List<String> jvmOptions,
			List<String> args) {
		return ChildJvm.of(mainClass)
			.classpath(variant.classpath(aot()))
			.directory(RUNS)
			.jvmOptions(jvmOptions)
			.jvmOptions(aot() ? List.of("-Dspring.aot.enabled=true") : List.of())
			.arguments(args);
	}

	/**
	 * Whether the benchmark runs in AOT mode ({@code bench.aot=true}).
	 * @return whether each side starts from its AOT-processed classes
	 */
	static boolean aot() {
		return Boolean.getBoolean("bench.aot");
	}

	/**
	 * Wait for a {@code BENCH-<name>=<value>} marker.
	 * @param name the marker name
	 * @param timeout how long at most
	 * @return the value
	 */
	String await(String name, Duration timeout) {
		return this.jvm.awaitLine("^BENCH-" + Pattern.quote(name) + "=(.*)$", timeout).trim();
	}

	/**
	 * Check that the run is the variant it claims to be: a benchmark that compares the
	 * same thing twice must fail, not print a ratio of 1.
	 */
	void verifyVariant() {
		String graceful = await("GRACEFUL", Duration.ofSeconds(120));
		String aot = await("AOT", Duration.ofSeconds(5));
		String started = this.jvm.awaitLine("Starting (?:AOT-processed )?BenchApplication", Duration.ofSeconds(5));
		verify(this.variant, graceful, aot, started);
	}

	/**
	 * Check a run from its output, as {@link #verifyVariant()} does.
	 * @param variant the variant the run claims to be
	 * @param output what it printed
	 */
	static void verifyVariant(Variant variant, List<String> output) {
		verify(variant, marker(variant, output, "GRACEFUL"), marker(variant, output, "AOT"),
				output.stream()
					.filter((line) -> line.contains("Starting BenchApplication")
							|| line.contains("Starting AOT-processed BenchApplication"))
					.findFirst()
					.orElseThrow(() -> new IllegalStateException(variant + ": no 'Starting ...' line")));
	}

	/**
	 * The value of a {@code BENCH-<name>=<value>} line of a run's output.
	 * @param variant the variant of the run
	 * @param output what it printed
	 * @param name the marker name
	 * @return the value
	 */
	static String marker(Variant variant, List<String> output, String name) {
		return output.stream()
			.filter((line) -> line.startsWith("BENCH-" + name + "="))
			.findFirst()
			.map((line) -> line.substring(("BENCH-" + name + "=").length()).trim())
			.orElseThrow(() -> new IllegalStateException(variant + ": no BENCH-" + name + " line"));
	}

	private static void verify(Variant variant, String graceful, String aot, String started) {
		String expected = variant.graceful() + ":" + variant.graceful();
		if (!expected.equals(graceful)) {
			throw new IllegalStateException(variant + " run reports graceful present:active = " + graceful);
		}
		// a side that silently started from its plain classes would measure the JVM mode
		// twice
		String expectedAot = aot() + ":" + aot();
		if (!expectedAot.equals(aot) || started.contains("AOT-processed") != aot()) {
			throw new IllegalStateException(variant + " run reports AOT mode:initializer present = " + aot + " and '"
					+ started + "'; expected AOT " + aot());
		}
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.jvm.awaitExit(timeout);
	}

	@Override
	public void close() {
		this.jvm.close();
	}

	/**
	 * The application with the starter, or without it: the same classpath minus the
	 * graceful auto-configuration; in AOT mode, with the side's AOT-processed classes
	 * instead of {@code benchmarks/target/classes}.
	 */
	enum Variant {

		WITH(true), WITHOUT(false);

		private final boolean graceful;

		Variant(boolean graceful) {
			this.graceful = graceful;
		}

		boolean graceful() {
			return this.graceful;
		}

		String classpath(boolean aot) {
			List<String> kept = new ArrayList<>();
			boolean replaced = false;
			for (String entry : ChildJvm.classpath().split(File.pathSeparator)) {
				String normalized = entry.replace('\\', '/');
				if (!this.graceful && (normalized.contains("graceful-spring-boot-autoconfigure")
						|| normalized.endsWith("graceful-autoconfigure/target/classes"))) {
					continue;
				}
				if (aot && normalized.endsWith(CLASSES)) {
					kept.add(aotClasses(entry.substring(0, entry.length() - "classes".length())).toString());
					replaced = true;
				}
				else {
					kept.add(entry);
				}
			}
			if (aot && !replaced) {
				throw new IllegalStateException("AOT mode needs " + CLASSES + " on the classpath, as ./bench puts it");
			}
			return String.join(File.pathSeparator, kept);
		}

		private Path aotClasses(String target) {
			Path classes = Path.of(target, "aot", this.graceful ? "with" : "without", "classes");
			Path initializer = classes.resolve(AOT_INITIALIZER.replace('.', '/') + ".class");
			if (!Files.isRegularFile(initializer)) {
				throw new IllegalStateException("No AOT-processed classes for the side " + this + " (" + initializer
						+ " is missing): run ./bench with BENCH_OPTS=-Dbench.aot=true, which builds with -Pbench-aot");
			}
			return classes;
		}

		@Override
		public String toString() {
			return name().toLowerCase() + " starter";
		}

	}

}
