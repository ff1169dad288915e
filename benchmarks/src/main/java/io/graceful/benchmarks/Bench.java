package io.graceful.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.graceful.benchmarks.Child.Variant;

/**
 * What the starter costs, measured with and without it in one run, alternating so that
 * drift in the machine's load hits both alike. Not a test: it prints numbers and the goals
 * next to them.
 * <ul>
 * <li>{@code throughput}: requests per second of a trivial endpoint, both applications
 * running, load from keep-alive sockets in this JVM (goal: ratio with/without at least 0.99);</li>
 * <li>{@code close}: how long closing the context takes with no traffic and a withdraw
 * delay of 0 (goal: at most 100 ms more);</li>
 * <li>{@code startup}: time to ApplicationReadyEvent (goal: at most 50 ms more).</li>
 * </ul>
 * Options (system properties): {@code bench.rounds} (throughput rounds per variant, 6),
 * {@code bench.round-seconds} (3), {@code bench.threads} (client threads, 4),
 * {@code bench.runs} (process runs per variant for close and startup, 8).
 */
public final class Bench {

	private static final List<String> JVM = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC");

	private static final List<String> APP = List.of("--server.port=0", "--server.address=127.0.0.1",
			"--spring.main.cloud-platform=none", "--spring.main.banner-mode=off", "--graceful.withdraw.delay=0s",
			"--logging.level.root=warn", "--logging.level.io.graceful=info");

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "all";
		switch (mode) {
			case "throughput" -> throughput(Integer.getInteger("bench.rounds", 6),
					Duration.ofSeconds(Integer.getInteger("bench.round-seconds", 3)), Integer.getInteger("bench.threads", 4));
			case "close" -> lifecycle(Integer.getInteger("bench.runs", 8), true, false);
			case "startup" -> lifecycle(Integer.getInteger("bench.runs", 8), false, true);
			case "lifecycle" -> lifecycle(Integer.getInteger("bench.runs", 8), true, true);
			case "all" -> {
				throughput(Integer.getInteger("bench.rounds", 6),
						Duration.ofSeconds(Integer.getInteger("bench.round-seconds", 3)), Integer.getInteger("bench.threads", 4));
				lifecycle(Integer.getInteger("bench.runs", 8), true, true);
			}
			case "smoke" -> {
				// proves the benchmarks still run, in seconds; its numbers mean nothing
				throughput(1, Duration.ofMillis(500), 2);
				lifecycle(1, true, true);
			}
			default -> throw new IllegalArgumentException("Unknown benchmark '" + mode
					+ "'; use throughput, close, startup, lifecycle (close and startup), all or smoke");
		}
	}

	// ---- throughput ----

	static void throughput(int rounds, Duration roundLength, int threads) throws Exception {
		System.out.printf(Locale.ROOT, "%nThroughput of GET /hello (Tomcat, keep-alive), %d connections, %d rounds of %ss per "
				+ "variant, alternating (ABBA)%n", threads, rounds, roundLength.toMillis() / 1000.0);
		// bench.control=true runs the starter on both sides: the ratio then shows the noise floor
		boolean control = Boolean.getBoolean("bench.control");
		if (control) {
			System.out.println("CONTROL RUN: both sides have the starter; 'without starter' rows are a second copy");
		}
		// the side started first tends to be faster on a busy machine: give that to the side without the starter
		// bench.noop-filter=true adds a do-nothing filter to the side without the starter
		List<String> withoutArgs = new ArrayList<>(APP);
		if (Boolean.getBoolean("bench.noop-filter")) {
			System.out.println("'without starter' has a no-op filter first in its chain");
			withoutArgs.add("--bench.noop-filter=true");
		}
		try (Child without = Child.start(control ? Variant.WITH : Variant.WITHOUT, JVM, withoutArgs);
				Child with = Child.start(Variant.WITH, JVM, APP)) {
			Map<Variant, Integer> ports = new EnumMap<>(Variant.class);
			for (Child child : List.of(with, without)) {
				child.verifyVariant();
			}
			ports.put(Variant.WITH, Integer.parseInt(with.await("PORT", Duration.ofSeconds(5))));
			ports.put(Variant.WITHOUT, Integer.parseInt(without.await("PORT", Duration.ofSeconds(5))));
			// warm-up: JIT of both servers and of the load generator
			for (int i = 0; i < 3; i++) {
				for (Variant variant : Variant.values()) {
					RawHttpLoad.run(ports.get(variant), "/hello", threads, roundLength.multipliedBy(2).plusSeconds(1));
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
			System.out.printf(Locale.ROOT, "ratio with/without: %.3f overall, %.3f median of rounds "
					+ "(min %.3f, max %.3f); goal >= 0.99%n", withRate / withoutRate, median(ratios),
					ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
					ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
		}
	}

	// ---- close and startup ----

	static void lifecycle(int runs, boolean printClose, boolean printStartup) throws Exception {
		System.out.printf(Locale.ROOT, "%nStartup and close, %d JVM runs per variant after one warm-up run each, "
				+ "alternating; no traffic; graceful.withdraw.delay=0s%n", runs);
		Map<Variant, List<Double>> ready = new EnumMap<>(Variant.class);
		Map<Variant, List<Double>> sinceJvm = new EnumMap<>(Variant.class);
		Map<Variant, List<Double>> close = new EnumMap<>(Variant.class);
		Map<Variant, List<Double>> readyCpu = new EnumMap<>(Variant.class);
		Map<Variant, List<Double>> closeCpu = new EnumMap<>(Variant.class);
		List<String> args = new ArrayList<>(APP);
		args.add("--bench.close-when-ready=true");
		System.out.printf(Locale.ROOT, "%-5s %-16s %12s %14s %14s %10s %14s%n", "run", "variant", "ready (ms)",
				"ready JVM (ms)", "ready CPU (ms)", "close (ms)", "close CPU (ms)");
		for (int run = 0; run <= runs; run++) {
			Variant[] order = (run % 2 == 0) ? new Variant[] { Variant.WITH, Variant.WITHOUT }
					: new Variant[] { Variant.WITHOUT, Variant.WITH };
			for (Variant variant : order) {
				try (Child child = Child.start(variant, JVM, args)) {
					child.verifyVariant();
					double readyMs = Long.parseLong(child.await("READY-NANOS", Duration.ofSeconds(5))) / 1e6;
					double jvmMs = Long.parseLong(child.await("READY-SINCE-JVM-START-MILLIS", Duration.ofSeconds(5)));
					double readyCpuMs = Long.parseLong(child.await("READY-CPU-NANOS", Duration.ofSeconds(5))) / 1e6;
					double closeMs = Long.parseLong(child.await("CLOSE-NANOS", Duration.ofSeconds(60))) / 1e6;
					double closeCpuMs = Long.parseLong(child.await("CLOSE-CPU-NANOS", Duration.ofSeconds(5))) / 1e6;
					if (!child.awaitExit(Duration.ofSeconds(30))) {
						throw new IllegalStateException(variant + " run did not exit after close");
					}
					String label = (run == 0) ? "warm" : String.valueOf(run);
					System.out.printf(Locale.ROOT, "%-5s %-16s %12.0f %14.0f %14.0f %10.1f %14.1f%n", label, variant,
							readyMs, jvmMs, readyCpuMs, closeMs, closeCpuMs);
					if (run > 0) {
						ready.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(readyMs);
						sinceJvm.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(jvmMs);
						close.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(closeMs);
						readyCpu.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(readyCpuMs);
						closeCpu.computeIfAbsent(variant, (v) -> new ArrayList<>()).add(closeCpuMs);
					}
				}
			}
		}
		System.out.println();
		System.out.printf(Locale.ROOT, "%-36s %12s %12s %12s %s%n", "median", "with", "without", "difference",
				"goal");
		if (printStartup) {
			summary("startup, ready (Spring's time taken)", ready, "<= 50 ms more");
			summary("startup, ready since JVM start", sinceJvm, "<= 50 ms more");
			summary("startup, process CPU until ready", readyCpu, "(CPU, all threads)");
		}
		if (printClose) {
			summary("close, no traffic, delay 0", close, "<= 100 ms more");
			summary("close, process CPU", closeCpu, "(CPU, all threads)");
		}
	}

	private static void summary(String what, Map<Variant, List<Double>> values, String goal) {
		double with = median(values.get(Variant.WITH));
		double without = median(values.get(Variant.WITHOUT));
		System.out.printf(Locale.ROOT, "%-36s %9.1f ms %9.1f ms %+9.1f ms %s%n", what, with, without, with - without,
				goal);
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

}
