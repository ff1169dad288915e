package io.graceful.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ./lab} command: {@code infra} and {@code demo}.
 */
public final class Lab {

	private Lab() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			System.out.print(Settings.usage());
			return;
		}
		List<String> rest = Arrays.asList(args).subList(1, args.length);
		try {
			switch (args[0]) {
				case "infra" -> infra();
				case "demo" -> System.exit(demo(Settings.parse(rest)));
				default -> {
					System.err.println("Unknown command '" + args[0] + "'\n");
					System.err.print(Settings.usage());
					System.exit(2);
				}
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage() + "\n");
			System.err.print(Settings.usage());
			System.exit(2);
		}
	}

	private static void infra() throws Exception {
		Path dir = Files.createTempDirectory("graceful-lab-infra");
		System.err.println("Starting PostgreSQL and Kafka (work folder " + dir + ")");
		Infra infra = Infra.start(dir);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			System.err.println("Stopping Kafka and PostgreSQL");
			infra.close();
			System.err.println("Stopped");
			stopped.countDown();
		}, "lab-infra-stop"));
		infra.appArguments().forEach(System.out::println);
		System.out.flush();
		System.err
			.println("Ready. Start an instance with: java -jar sample-app/target/sample-app.jar --server.port=8080 "
					+ "<the lines above>; stop with Ctrl+C");
		stopped.await();
	}

	static int demo(Settings settings) throws Exception {
		Path runDir = settings.out
			.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))
			.toAbsolutePath();
		Files.createDirectories(runDir);
		if (!Files.isRegularFile(settings.jar)) {
			System.err.println("Cannot find " + settings.jar + "; build it first: ./mvnw -B -DskipTests install");
			return 2;
		}
		String haproxy = HaProxy.locate(true, runDir.resolve("apt-get.log"));
		if (haproxy == null) {
			System.err.println("HAProxy is not installed and cannot be installed here (needs root and apt-get). "
					+ "Install the Debian/Ubuntu package 'haproxy' (or put haproxy in /usr/sbin) and run again.");
			return 2;
		}
		String header = header(settings);
		System.out.print(header);
		System.out.println("Run folder: " + runDir);
		System.out.println("Starting PostgreSQL and Kafka");
		List<RunResult> runs = new ArrayList<>();
		try (Infra infra = Infra.start(runDir.resolve("infra"))) {
			for (HaProxy.Mode mode : settings.modes) {
				if (!settings.baselineOnly) {
					runs.add(runOne(infra, haproxy, settings, mode, true, runDir));
				}
				if (settings.baseline || settings.baselineOnly) {
					runs.add(runOne(infra, haproxy, settings, mode, false, runDir));
				}
			}
		}
		Report.writeSummary(runDir, settings, header, runs);
		System.out.println();
		System.out.print(Report.table(runs));
		System.out.println();
		System.out.println("Run folder: " + runDir + " (summary.txt, summary.json, index.html, <mode>/requests.csv, "
				+ "<mode>/timeline.png, <mode>/app-*.log)");
		boolean gracefulLostSomething = runs.stream().anyMatch((r) -> r.graceful() && !r.lostNothing());
		return gracefulLostSomething ? 1 : 0;
	}

	static RunResult runOne(Infra infra, String haproxy, Settings settings, HaProxy.Mode mode, boolean graceful,
			Path runDir) {
		RunResult run = new ScenarioRun(infra, haproxy, settings, mode, graceful, runDir).run();
		Report.writeRun(run);
		System.out.printf(
				"[%s] done: sent %d, failed %d, missing rows %d, missing events %d, missing increments %d; %s%n",
				run.label(), run.sent(), run.failed(), run.verification().missingOrders(),
				run.verification().missingEvents(), run.verification().missingIncrements(),
				run.verification().catchUp());
		return run;
	}

	static String header(Settings s) {
		return String.format(Locale.ROOT,
				"""
						graceful rollout lab: %d instances behind HAProxy (%s), %d roll(s) each, %s req/s open-model load
						  mix: %.0f%% counter increments (delayMs %d) + %d queued straight on each instance before its SIGTERM, orders with workMs 0..%d (%.0f%% long: %d..%d)
						  HAProxy readiness check GET %s every %dms, fall %d, rise %d (DOWN after %dms); retries 0, no redispatch
						  graceful.withdraw.delay %dms = check inter x fall (%dms) + %dms margin%s
						  pre-warm %ss (unmeasured), warm-up %ss, settle %ss, tail %ss; SIGKILL after %ss; seed %d
						""",
				s.instances, s.modes.stream().map(Enum::name).reduce((a, b) -> a + ", " + b).orElse(""), s.rounds,
				s.rate, s.incrementShare * 100, s.incrementDelayMs, s.burst, s.shortMaxMs, s.longShare * 100,
				s.longMinMs, s.longMaxMs, HaProxy.READINESS_PATH, s.checkInterMs, s.checkFall, s.checkRise,
				s.healthCheck().detectionMs(), s.withdrawDelay.toMillis(), s.healthCheck().detectionMs(),
				s.withdrawMarginMs(), (s.withdrawMarginMs() < 1000) ? "  WARNING: margin under 1s" : "",
				s.prewarm.toMillis() / 1000.0, s.warmup.toMillis() / 1000.0, s.settle.toMillis() / 1000.0,
				s.tail.toMillis() / 1000.0, s.gracePeriod.toSeconds(), s.seed);
	}

}
