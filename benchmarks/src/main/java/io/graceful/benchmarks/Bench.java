package io.graceful.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import io.graceful.benchmarks.BenchJvm.Variant;

/**
 * What the starter costs, measured with and without it in one run, alternating so that
 * drift in the machine's load hits both alike. Not a test: it prints numbers and the
 * goals next to them.
 * <ul>
 * <li>{@code throughput}: requests per second of a trivial endpoint, both applications
 * running, load from keep-alive sockets in this JVM (goal: ratio with/without at least
 * 0.99);</li>
 * <li>{@code close}: how long closing the context takes with no traffic and a withdraw
 * delay of 0 (goal: at most 100 ms more);</li>
 * <li>{@code startup}: time to ApplicationReadyEvent (goal: at most 50 ms more), with the
 * facts that explain it (main-thread CPU and allocation, classes loaded, GC pauses);</li>
 * <li>{@code warm}: start and close repeated in one warmed-up JVM, the starter switched
 * on and off: the work the starter adds without first-time class loading.</li>
 * </ul>
 * Options (system properties): {@code bench.rounds} (throughput rounds per variant, 6),
 * {@code bench.round-seconds} (3), {@code bench.threads} (client threads, 4),
 * {@code bench.runs} (process runs per variant for close and startup, 8),
 * {@code bench.aot} (each side from its own AOT-processed classes, started with
 * {@code -Dspring.aot.enabled=true}; {@code ./bench} builds them with {@code -Pbench-aot}
 * when this is set).
 */
public final class Bench {

	// 512 MB: with 256 MB the starter's few MB of allocation at startup happened to cross
	// one more young collection just
	// before ready, a threshold effect worth one pause (~45 ms here); the GC column shows
	// collections either way
	private static final List<String> JVM = List.of("-Xms512m", "-Xmx512m", "-XX:+UseSerialGC");

	private static final List<String> APP = List.of("--server.port=0", "--server.address=127.0.0.1",
			"--spring.main.cloud-platform=none", "--spring.main.banner-mode=off", "--graceful.withdraw.delay=0s",
			"--logging.level.root=warn", "--logging.level.io.graceful=info");

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "all";
		switch (mode) {
			case "throughput" -> throughput(Integer.getInteger("bench.rounds", 6),
					Duration.ofSeconds(Integer.getInteger("bench.round-seconds", 3)),
					Integer.getInteger("bench.threads", 4));
			case "close" -> lifecycle(Integer.getInteger("bench.runs", 8), true, false);
			case "startup" -> lifecycle(Integer.getInteger("bench.runs", 8), false, true);
			case "lifecycle" -> lifecycle(Integer.getInteger("bench.runs", 8), true, true);
			case "footprint" -> footprint();
			case "warm" ->
				warm(Integer.getInteger("bench.warm.warmups", 15), Integer.getInteger("bench.warm.runs", 20));
			case "all" -> {
				throughput(Integer.getInteger("bench.rounds", 6),
						Duration.ofSeconds(Integer.getInteger("bench.round-seconds", 3)),
						Integer.getInteger("bench.threads", 4));
				lifecycle(Integer.getInteger("bench.runs", 8), true, true);
			}
			case "smoke" -> {
				// proves the benchmarks still run, in seconds, in JVM and in AOT mode
				// (./bench
				// builds the AOT side for smoke); its numbers mean nothing
				throughput(1, Duration.ofMillis(500), 2);
				lifecycle(1, true, true);
				warm(1, 1);
				System.setProperty("bench.aot", "true");
				lifecycle(1, true, true);
				warm(1, 1);
				footprint();
			}
			default -> throw new IllegalArgumentException("Unknown benchmark '" + mode
					+ "'; use throughput, close, startup, footprint, lifecycle (close and startup), warm, all or smoke");
		}
	}

	// ---- footprint ----

	/**
	 * What the starter adds to the application by the time it is ready, counted rather
	 * than timed: bean definitions (from the context) and loaded classes (from
	 * {@code -Xlog:class+load} of each JVM, up to the marker class the application loads
	 * when it is ready), the side with the starter minus the side without. Lambdas and
	 * other hidden classes count by their host class.
	 */
	private static final String READY_MARKER = "io.graceful.benchmarks.ReadyMarker ";

	static void footprint() throws Exception {
		System.out.printf(Locale.ROOT, "%nFootprint, %s%n", mode());
		Map<Variant, List<String>> beans = new EnumMap<>(Variant.class);
		Map<Variant, Map<String, Integer>> classes = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			Path classLog = Files.createTempFile(Files.createDirectories(Path.of("benchmarks", "target", "runs")),
					"classes-" + variant.name(), ".log");
			List<String> jvm = new ArrayList<>(JVM);
			jvm.add("-Xlog:class+load=info:file=" + classLog + ":none");
			List<String> args = new ArrayList<>(APP);
			// what a user's own Duration property loads (Spring Boot's Duration
			// conversion) is not the starter's; the delay is 0 off Kubernetes anyway
			args.remove("--graceful.withdraw.delay=0s");
			args.add("--bench.footprint=true");
			args.add("--bench.close-when-ready=true");
			List<String> output = BenchJvm.runToEnd(variant, BenchApplication.class, jvm, args, Duration.ofMinutes(3));
			BenchJvm.verifyVariant(variant, output);
			beans.put(variant, List.of(BenchJvm.marker(variant, output, "BEANS").split(",")));
			Map<String, Integer> loaded = new TreeMap<>();
			for (String line : Files.readAllLines(classLog, StandardCharsets.UTF_8)) {
				if (line.startsWith(READY_MARKER)) {
					// what the shutdown loads afterwards does not count
					break;
				}
				int end = line.indexOf(" source:");
				if (end > 0) {
					loaded.merge(line.substring(0, end).replaceAll("\\$\\$Lambda.*|/0x.*", "\\$\\$Lambda"), 1,
							Integer::sum);
				}
				else if (!line.isBlank()) {
					loaded.merge(line.trim(), 1, Integer::sum);
				}
			}
			classes.put(variant, loaded);
		}
		List<String> addedBeans = new ArrayList<>(beans.get(Variant.WITH));
		addedBeans.removeAll(beans.get(Variant.WITHOUT));
		Collections.sort(addedBeans);
		Map<String, Integer> addedClasses = new TreeMap<>();
		classes.get(Variant.WITH).forEach((name, count) -> {
			int added = count - classes.get(Variant.WITHOUT).getOrDefault(name, 0);
			if (added > 0) {
				addedClasses.put(name, added);
			}
		});
		int classCount = addedClasses.values().stream().mapToInt(Integer::intValue).sum();
		long own = addedClasses.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith("io.graceful."))
			.mapToInt(Map.Entry::getValue)
			.sum();
		System.out.printf(Locale.ROOT, "Footprint at ApplicationReadyEvent (BenchApplication: Tomcat, actuator)%n");
		System.out.printf(Locale.ROOT, "  bean definitions: %d with, %d without: +%d (goal <= 15)%n",
				beans.get(Variant.WITH).size(), beans.get(Variant.WITHOUT).size(), addedBeans.size());
		System.out.printf(Locale.ROOT,
				"  classes loaded:   %d with, %d without: +%d, %d of them graceful's (goal <= 50)%n",
				total(classes.get(Variant.WITH)), total(classes.get(Variant.WITHOUT)), classCount, own);
		System.out.println("  beans added: " + String.join(", ", addedBeans));
		System.out.println("  classes added:");
		addedClasses.forEach((name, count) -> System.out.println("    " + name + ((count > 1) ? " x" + count : "")));
	}

	private static int total(Map<String, Integer> classes) {
		return classes.values().stream().mapToInt(Integer::intValue).sum();
	}

	// ---- throughput ----

	static void throughput(int rounds, Duration roundLength, int threads) throws Exception {
		System.out
			.printf(Locale.ROOT,
					"%nThroughput of GET /hello (Tomcat, keep-alive), %s, %d connections, %d rounds of %ss per "
							+ "variant, alternating (ABBA)%n",
					mode(), threads, rounds, roundLength.toMillis() / 1000.0);
		// bench.control=true runs the starter on both sides: the ratio then shows the
		// noise floor
		boolean control = Boolean.getBoolean("bench.control");
		if (control) {
			System.out.println("CONTROL RUN: both sides have the starter; 'without starter' rows are a second copy");
		}
		// the side started first tends to be faster on a busy machine: give that to the
		// side without the starter
		// bench.noop-filter=true adds a do-nothing filter to the side without the starter
		List<String> withoutArgs = new ArrayList<>(APP);
		if (Boolean.getBoolean("bench.noop-filter")) {
			requireJvmMode("bench.noop-filter", "its bean is conditional on a property");
			System.out.println("'without starter' has a no-op filter first in its chain");
			withoutArgs.add("--bench.noop-filter=true");
		}
		try (BenchJvm without = BenchJvm.start(control ? Variant.WITH : Variant.WITHOUT, JVM, withoutArgs);
				BenchJvm with = BenchJvm.start(Variant.WITH, JVM, APP)) {
			Map<Variant, Integer> ports = new EnumMap<>(Variant.class);
			for (BenchJvm child : List.of(with, without)) {
				child.verifyVariant();
			}
			ports.put(Variant.WITH, Integer.parseInt(with.await("PORT", Duration.ofSeconds(5))));
			ports.put(Variant.WITHOUT, Integer.parseInt(without.await("PORT", Duration.ofSeconds(5))));
			// warm-up: JIT of both servers and of the load generator, until each side's
			// rate
			// settles (two rounds in a row within 3 %), at least 3 and at most 12 rounds
			// per side
			Map<Variant, Double> lastRate = new EnumMap<>(Variant.class);
			for (int i = 0; i < 12; i++) {
				boolean settled = i >= 2;
				for (Variant variant : Variant.values()) {
					Duration length = roundLength.multipliedBy(2).plusSeconds(1);
					long start = System.nanoTime();
					long requests = RawHttpLoad.run(ports.get(variant), "/hello", threads, length);
					double rate = requests / ((System.nanoTime() - start) / 1e9);
					Double previous = lastRate.put(variant, rate);
					settled &= previous != null && Math.abs(rate / previous - 1) < 0.03;
					System.out.printf(Locale.ROOT, "warm-up %-2d %-16s %12.0f req/s%n", i + 1, variant, rate);
				}
				if (settled) {
					break;
				}
			}
			System.out.printf(Locale.ROOT, "%-6s %-16s %10s %12s%n", "round", "variant", "requests", "req/s");
			Map<Variant, double[]> totals = new EnumMap<>(Variant.class);
			List<Double> ratios = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				Variant[] order = (round % 2 == 0) ? new Variant[] { Variant.WITH, Variant.WITHOUT }
						: new Variant[] { Variant.WITHOUT, Variant.WITH };
				Map<Variant, Double> rates = new EnumMap<>(Variant.class);
				for (Variant variant : order) {
					long start = System.nanoTime();
					long requests = RawHttpLoad.run(ports.get(variant), "/hello", threads, roundLength);
					double seconds = (System.nanoTime() - start) / 1e9;
					double rate = requests / seconds;
					rates.put(variant, rate);
					double[] total = totals.computeIfAbsent(variant, (v) -> new double[2]);
					total[0] += requests;
					total[1] += seconds;
					System.out.printf(Locale.ROOT, "%-6d %-16s %10d %12.0f%n", round + 1, variant, requests, rate);
				}
				ratios.add(rates.get(Variant.WITH) / rates.get(Variant.WITHOUT));
			}
			double withRate = totals.get(Variant.WITH)[0] / totals.get(Variant.WITH)[1];
			double withoutRate = totals.get(Variant.WITHOUT)[0] / totals.get(Variant.WITHOUT)[1];
			System.out.printf(Locale.ROOT, "%nwith starter     %10.0f req/s%nwithout starter  %10.0f req/s%n", withRate,
					withoutRate);
			System.out.printf(Locale.ROOT,
					"ratio with/without: %.3f overall, %.3f median of rounds " + "(min %.3f, max %.3f); goal >= 0.99%n",
					withRate / withoutRate, median(ratios),
					ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
					ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
		}
	}

	// ---- close and startup ----

	static void lifecycle(int runs, boolean printClose, boolean printStartup) throws Exception {
		System.out.printf(Locale.ROOT, "%nStartup and close, %s, %d JVM runs per variant after one warm-up run each, "
				+ "alternating; no traffic; graceful.withdraw.delay=0s%n", mode(), runs);
		if (!System.getProperty("bench.with-args", "").isBlank()) {
			requireJvmMode("bench.with-args", "AOT decides the auto-configurations at build time");
			System.out.println("'with starter' runs with: " + System.getProperty("bench.with-args"));
		}
		Map<Variant, List<Run>> results = new EnumMap<>(Variant.class);
		List<String> args = new ArrayList<>(APP);
		args.add("--bench.close-when-ready=true");
		System.out.printf(Locale.ROOT, "%-5s %-16s %10s %10s %10s %10s %9s %8s %9s %9s %9s%n", "run", "variant",
				"ready ms", "JVM ms", "CPU ms", "main CPU", "alloc MB", "classes", "GCs/ms", "close ms", "close CPU");
		for (int run = 0; run <= runs; run++) {
			Variant[] order = (run % 2 == 0) ? new Variant[] { Variant.WITH, Variant.WITHOUT }
					: new Variant[] { Variant.WITHOUT, Variant.WITH };
			for (Variant variant : order) {
				try (BenchJvm child = BenchJvm.start(variant, JVM, argsOf(variant, args))) {
					child.verifyVariant();
					Run result = new Run(Long.parseLong(child.await("READY-NANOS", Duration.ofSeconds(5))) / 1e6,
							Long.parseLong(child.await("READY-SINCE-JVM-START-MILLIS", Duration.ofSeconds(5))),
							Long.parseLong(child.await("READY-CPU-NANOS", Duration.ofSeconds(5))) / 1e6,
							child.await("READY-FACTS", Duration.ofSeconds(5)).split(":"),
							Long.parseLong(child.await("CLOSE-NANOS", Duration.ofSeconds(60))) / 1e6,
							Long.parseLong(child.await("CLOSE-CPU-NANOS", Duration.ofSeconds(5))) / 1e6);
					if (!child.awaitExit(Duration.ofSeconds(30))) {
						throw new IllegalStateException(variant + " run did not exit after close");
					}
					System.out.printf(Locale.ROOT, "%-5s %-16s %10.0f %10.0f %10.0f %10.0f %9.1f %8d %9s %9.1f %9.1f%n",
							(run == 0) ? "warm" : String.valueOf(run), variant, result.ready, result.sinceJvm,
							result.cpu, result.mainCpu, result.allocatedMb, result.classes,
							result.gcCount + "/" + result.gcMillis, result.close, result.closeCpu);
					if (run > 0) {
						results.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(result);
					}
				}
			}
		}
		List<Run> with = results.get(Variant.WITH);
		List<Run> without = results.get(Variant.WITHOUT);
		System.out.println();
		System.out.printf(Locale.ROOT, "%-38s %11s %11s %11s %11s  %-22s %s%n", "", "with", "without", "difference",
				"paired", "95% CI of paired", "goal");
		if (printStartup) {
			summary("startup, ready (Spring's time taken)", with, without, Run::ready, "ms", "<= 50 ms more");
			summary("startup, ready since JVM start", with, without, Run::sinceJvm, "ms", "<= 50 ms more");
			summary("startup, process CPU until ready", with, without, Run::cpu, "ms", "(all threads)");
			summary("startup, main thread CPU", with, without, Run::mainCpu, "ms", "(the refresh itself)");
			summary("startup, main thread allocated", with, without, Run::allocatedMb, "MB", "");
			summary("startup, classes loaded", with, without, (r) -> r.classes, "", "");
			summary("startup, GC pauses before ready", with, without, (r) -> r.gcMillis, "ms", "");
		}
		if (printClose) {
			summary("close, no traffic, delay 0", with, without, Run::close, "ms", "<= 100 ms more");
			summary("close, process CPU", with, without, Run::closeCpu, "ms", "(all threads)");
		}
		System.out.println("'paired' is the median of the per-run differences (with minus without, runs taken "
				+ "side by side); its 95% CI is a bootstrap over the pairs.");
	}

	private static String mode() {
		return BenchJvm.aot() ? "AOT mode (each side AOT-processed, -Dspring.aot.enabled=true)" : "JVM mode";
	}

	private static void requireJvmMode(String option, String reason) {
		if (BenchJvm.aot()) {
			throw new IllegalArgumentException(option + " does not work with bench.aot=true: " + reason);
		}
	}

	/**
	 * The arguments of one side: {@code bench.with-args} (space-separated) are added to
	 * the side with the starter, e.g. to exclude some of its auto-configurations and
	 * measure the rest.
	 */
	private static List<String> argsOf(Variant variant, List<String> args) {
		String extra = System.getProperty("bench.with-args", "").trim();
		if (variant != Variant.WITH || extra.isEmpty()) {
			return args;
		}
		List<String> withArgs = new ArrayList<>(args);
		withArgs.addAll(List.of(extra.split("\\s+")));
		return withArgs;
	}

	private static void summary(String what, List<Run> with, List<Run> without, ToDoubleFunction<Run> metric,
			String unit, String goal) {
		List<Double> withValues = with.stream().map(metric::applyAsDouble).toList();
		List<Double> withoutValues = without.stream().map(metric::applyAsDouble).toList();
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < Math.min(withValues.size(), withoutValues.size()); i++) {
			differences.add(withValues.get(i) - withoutValues.get(i));
		}
		double[] interval = bootstrapMedianInterval(differences);
		String u = unit.isEmpty() ? "" : " " + unit;
		System.out.printf(Locale.ROOT, "%-38s %11s %11s %11s %11s  %-22s %s%n", what,
				format(median(withValues), u, false), format(median(withoutValues), u, false),
				format(median(withValues) - median(withoutValues), u, true), format(median(differences), u, true),
				"[" + format(interval[0], "", true) + ", " + format(interval[1], "", true) + "]" + u, goal);
	}

	private static String format(double value, String unit, boolean signed) {
		String number = (Math.abs(value) >= 100) ? String.format(Locale.ROOT, signed ? "%+.0f" : "%.0f", value)
				: String.format(Locale.ROOT, signed ? "%+.1f" : "%.1f", value);
		return number + unit;
	}

	/**
	 * A percentile bootstrap of the median, with a fixed seed so that the same runs print
	 * the same interval.
	 * @param values the per-run differences
	 * @return the 2.5th and 97.5th percentile of the resampled medians
	 */
	static double[] bootstrapMedianInterval(List<Double> values) {
		if (values.size() < 2) {
			return new double[] { Double.NaN, Double.NaN };
		}
		Random random = new Random(42);
		int resamples = 4000;
		double[] medians = new double[resamples];
		List<Double> sample = new ArrayList<>(values.size());
		for (int i = 0; i < resamples; i++) {
			sample.clear();
			for (int j = 0; j < values.size(); j++) {
				sample.add(values.get(random.nextInt(values.size())));
			}
			medians[i] = median(sample);
		}
		Arrays.sort(medians);
		return new double[] { medians[(int) (resamples * 0.025)], medians[(int) (resamples * 0.975) - 1] };
	}

	/**
	 * One JVM run of the application: start to ready, then close.
	 */
	private record Run(double ready, double sinceJvm, double cpu, double mainCpu, double allocatedMb, long classes,
			long gcCount, long gcMillis, double close, double closeCpu) {

		Run(double ready, double sinceJvm, double cpu, String[] facts, double close, double closeCpu) {
			this(ready, sinceJvm, cpu, Long.parseLong(facts[0]) / 1e6, Long.parseLong(facts[1]) / 1e6,
					Long.parseLong(facts[2]), Long.parseLong(facts[3]), Long.parseLong(facts[4]), close, closeCpu);
		}

	}

	// ---- warm startup ----

	static void warm(int warmups, int runs) throws Exception {
		boolean aot = BenchJvm.aot();
		System.out.printf(Locale.ROOT,
				"%nWarm start and close in one JVM, %s: %d starts per variant after %d warm-up starts each, "
						+ "alternating %s (ABBA); no traffic; delay 0%n",
				mode(), runs, warmups,
				aot ? "the two sides' AOT-processed applications, each in a class loader of its own"
						: "graceful.enabled=true/false");
		List<String> jvm = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseSerialGC",
				"-Dbench.warm.warmups=" + warmups, "-Dbench.warm.runs=" + runs));
		if (aot) {
			jvm.add("-Dbench.aot=true");
			jvm.add("-D" + WarmStartup.CLASSPATH_WITH + "=" + Variant.WITH.classpath(true));
			jvm.add("-D" + WarmStartup.CLASSPATH_WITHOUT + "=" + Variant.WITHOUT.classpath(true));
		}
		Map<Variant, List<double[]>> results = new EnumMap<>(Variant.class);
		for (String line : BenchJvm.runToEnd(WarmStartup.class, jvm, APP, Duration.ofMinutes(30))) {
			if (line.startsWith("WARM ")) {
				String[] fields = line.split(" ");
				Variant variant = fields[1].equals("with") ? Variant.WITH : Variant.WITHOUT;
				results.computeIfAbsent(variant, (v) -> new ArrayList<>())
					.add(new double[] { Long.parseLong(fields[2]) / 1e6, Long.parseLong(fields[5]) / 1e6,
							Long.parseLong(fields[3]) / 1e6, Long.parseLong(fields[4]) / 1e6 });
			}
		}
		List<double[]> with = results.get(Variant.WITH);
		List<double[]> without = results.get(Variant.WITHOUT);
		System.out.printf(Locale.ROOT, "%-38s %11s %11s %11s %11s  %-22s%n", "", "with", "without", "difference",
				"paired", "95% CI of paired");
		String[] names = { "warm start (SpringApplication.run)", "warm start, main thread CPU",
				"warm start, main thread allocated", "warm close, delay 0" };
		String[] units = { "ms", "ms", "MB", "ms" };
		for (int i = 0; i < names.length; i++) {
			int index = i;
			List<Run> w = with.stream().map((v) -> warmRun(v[index])).toList();
			List<Run> wo = without.stream().map((v) -> warmRun(v[index])).toList();
			summary(names[i], w, wo, Run::ready, units[i], "");
		}
		System.out.println(
				aot ? "'without' is the application AOT-processed and run without the starter's auto-configuration jar."
						: "'without' has the starter's jar but graceful.enabled=false: its auto-configurations are "
								+ "skipped on their conditions, which costs microseconds.");
	}

	private static Run warmRun(double value) {
		return new Run(value, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

}
