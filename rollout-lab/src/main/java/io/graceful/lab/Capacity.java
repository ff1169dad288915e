package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.graceful.testsupport.Ports;

/**
 * {@code ./lab capacity}: the highest rate one sample-app instance sustains on this
 * machine with the lab's mix. The rate steps up (x1.25 from {@link #START_RATE}), each
 * step for a fixed time straight at the instance; a step passes when no request failed
 * and the 99th percentile latency stayed under the bound. The capacity is the last rate
 * that passed; it is written to {@code <out>/capacity.json}, where
 * {@code ./lab demo --load F} reads it.
 */
final class Capacity {

	static final double START_RATE = 20;

	static final double STEP = 1.25;

	private static final Pattern RATE = Pattern.compile("\"capacity\": ([0-9.]+)");

	private Capacity() {
	}

	/** One step: the offered rate, what came back, and the verdict. */
	record Step(double rate, long sent, long failed, double p50Ms, double p99Ms, boolean passed) {
	}

	static double measure(Infra infra, Settings settings, Path runDir) throws IOException {
		Files.createDirectories(runDir);
		int port = Ports.free();
		List<AppInstance.Event> events = AppInstance.newEventList();
		List<String> extra = new ArrayList<>(List.of("--sample.instance=capacity", "--graceful.withdraw.delay=0s"));
		if (settings.threads > 0) {
			extra.add("--server.tomcat.threads.max=" + settings.threads);
		}
		AppInstance instance = new AppInstance("capacity", port,
				AppInstance.command(settings.jar.toAbsolutePath(), port, infra.appArguments(), true, extra),
				runDir.resolve("capacity.log"), events);
		List<Step> steps = new ArrayList<>();
		instance.start();
		try {
			long deadline = System.nanoTime() + 120_000_000_000L;
			while (!instance.ready()) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The instance was not ready within 120s; see " + runDir);
				}
				Thread.sleep(200);
			}
			LoadGenerator.Mix mix = new LoadGenerator.Mix(settings.incrementShare, settings.longShare,
					settings.shortMaxMs, settings.longMinMs, settings.longMaxMs, settings.incrementDelayMs);
			System.out.printf(Locale.ROOT, "Pre-warming one instance at %.0f req/s for %ds%n", START_RATE,
					settings.prewarm.toSeconds());
			run(port, START_RATE, mix, settings, "warm", settings.prewarm.toMillis());
			double rate = START_RATE;
			while (true) {
				List<LoadGenerator.Request> requests = run(port, rate, mix, settings, "cap" + steps.size(),
						settings.capacityStep.toMillis());
				Step step = judge(rate, requests, settings.p99Max.toMillis());
				steps.add(step);
				System.out.printf(Locale.ROOT,
						"  %6.1f req/s for %ds: %d sent, %d failed, p50 %.0fms, p99 %.0fms: %s%n", rate,
						settings.capacityStep.toSeconds(), step.sent(), step.failed(), step.p50Ms(), step.p99Ms(),
						step.passed() ? "sustained" : "NOT sustained");
				if (!step.passed() || rate * STEP > 2000) {
					break;
				}
				rate = Math.round(rate * STEP * 10) / 10.0;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		finally {
			instance.stop(settings.gracePeriod.toMillis());
		}
		double capacity = steps.stream().filter(Step::passed).mapToDouble(Step::rate).max().orElse(0);
		write(settings.out.resolve("capacity.json"), capacity, settings, steps);
		Files.copy(settings.out.resolve("capacity.json"), runDir.resolve("capacity.json"));
		return capacity;
	}

	static Step judge(double rate, List<LoadGenerator.Request> requests, long p99MaxMs) {
		long failed = requests.stream().filter((r) -> !r.ok()).count();
		List<Double> latencies = requests.stream()
			.map((r) -> r.endMs() - r.startMs())
			.sorted(Comparator.naturalOrder())
			.toList();
		double p50 = percentile(latencies, 0.50);
		double p99 = percentile(latencies, 0.99);
		return new Step(rate, requests.size(), failed, p50, p99, failed == 0 && p99 < p99MaxMs && !requests.isEmpty());
	}

	static double percentile(List<Double> sorted, double p) {
		if (sorted.isEmpty()) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(p * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	private static List<LoadGenerator.Request> run(int port, double rate, LoadGenerator.Mix mix, Settings settings,
			String prefix, long durationMs) throws InterruptedException {
		LoadGenerator load = new LoadGenerator(port, rate, mix, settings.seed, prefix, settings.clients,
				settings.requestTimeout);
		load.start();
		Thread.sleep(durationMs);
		return load.stop();
	}

	private static void write(Path file, double capacity, Settings settings, List<Step> steps) throws IOException {
		StringBuilder json = new StringBuilder();
		json.append(String.format(Locale.ROOT,
				"{\n  \"capacity\": %.1f,\n  \"measuredAt\": \"%s\",\n  \"criterion\": \"no failed request and p99 under %dms over %ds per step\",\n"
						+ "  \"mix\": {\"incrementShare\": %s, \"longShare\": %s, \"workMs\": [0, %d, %d, %d]},\n  \"tomcatThreads\": %d,\n  \"steps\": [",
				capacity, LocalDateTime.now(), settings.p99Max.toMillis(), settings.capacityStep.toSeconds(),
				settings.incrementShare, settings.longShare, settings.shortMaxMs, settings.longMinMs,
				settings.longMaxMs, settings.workerThreads()));
		for (int i = 0; i < steps.size(); i++) {
			Step s = steps.get(i);
			json.append((i == 0) ? "\n" : ",\n")
				.append(String.format(Locale.ROOT,
						"    {\"rate\": %.1f, \"sent\": %d, \"failed\": %d, \"p50Ms\": %.0f, \"p99Ms\": %.0f, \"passed\": %s}",
						s.rate(), s.sent(), s.failed(), s.p50Ms(), s.p99Ms(), s.passed()));
		}
		json.append("\n  ]\n}\n");
		Files.createDirectories(file.getParent());
		Files.writeString(file, json);
	}

	/**
	 * The capacity {@code ./lab capacity} last wrote under {@code out}, or NaN when it
	 * never ran.
	 */
	static double read(Path out) {
		Path file = out.resolve("capacity.json");
		if (!Files.isRegularFile(file)) {
			return Double.NaN;
		}
		try {
			Matcher matcher = RATE.matcher(Files.readString(file));
			return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
