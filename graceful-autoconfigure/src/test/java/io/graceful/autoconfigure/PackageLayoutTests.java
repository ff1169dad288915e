package io.graceful.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layout of the starter's packages, so that it stays the shutdown's timeline: a core
 * every step stands on, steps that never import each other, one package per web server
 * holding everything that touches that server, and the report and the budget reading the
 * core only. The frame ({@code GracefulAutoConfiguration}) wires what every application
 * has (withdraw, web drain settings, background work, the budget check, the forecast and
 * the summary), one auto-configuration for all of them to keep the startup footprint
 * small; it never touches a server or a library. ArchUnit's core library from plain JUnit
 * tests (its JUnit 5 engine does not run on JUnit Platform 6).
 */
class PackageLayoutTests {

	private static final String BASE = "io.graceful.autoconfigure";

	private static final String[] STEPS = { "withdraw", "web", "tasks", "jdbc", "kafka", "amqp", "r2dbc", "step",
			"handover" };

	private static final String[] SERVERS = { "tomcat", "jetty", "netty", "grpc" };

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(BASE);

	@Test
	void noCyclesBetweenPackages() {
		slices().matching(BASE + ".(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void coreDependsOnNoOtherPackageOfTheStarter() {
		noClasses().that()
			.resideInAPackage(BASE + ".core..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(others("core"))
			.check(classes);
	}

	@Test
	void theFrameDependsOnlyOnTheCoreAndTheStepsEveryApplicationHas() {
		noClasses().that()
			.resideInAPackage(BASE)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(others("core", "withdraw", "web", "tasks", "budget", "report"))
			.check(classes);
	}

	@Test
	void stepsNeverImportEachOtherTheServersTheReportOrTheBudget() {
		for (String step : STEPS) {
			noClasses().that()
				.resideInAPackage(BASE + "." + step + "..")
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(others(step, "core"))
				.allowEmptyShould(true)
				.check(classes);
		}
	}

	@Test
	void serverPackagesNeverImportEachOther() {
		for (String server : SERVERS) {
			String[] otherServers = java.util.Arrays.stream(SERVERS)
				.filter((other) -> !other.equals(server))
				.map((other) -> BASE + "." + other + "..")
				.toArray(String[]::new);
			noClasses().that()
				.resideInAPackage(BASE + "." + server + "..")
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(otherServers)
				.check(classes);
		}
	}

	@Test
	void onlyTheServerPackagesTouchTheServers() {
		noClasses().that()
			.resideOutsideOfPackages(BASE + ".tomcat..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.apache.catalina..", "org.apache.coyote..", "org.apache.tomcat..",
					"org.springframework.boot.tomcat..")
			.check(classes);
		noClasses().that()
			.resideOutsideOfPackages(BASE + ".jetty..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.eclipse.jetty..", "org.springframework.boot.jetty..")
			.check(classes);
		noClasses().that()
			.resideOutsideOfPackages(BASE + ".netty..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.netty..", "reactor.netty..", "org.springframework.boot.reactor.netty..")
			.check(classes);
		noClasses().that()
			.resideOutsideOfPackages(BASE + ".grpc..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.grpc..", "org.springframework.grpc..", "org.springframework.boot.grpc..")
			.check(classes);
	}

	@Test
	void reportAndBudgetAreReadByNobodyButTheFrame() {
		noClasses().that()
			.resideOutsideOfPackages(BASE, BASE + ".report..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(BASE + ".report..")
			.check(classes);
		noClasses().that()
			.resideOutsideOfPackages(BASE, BASE + ".budget..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(BASE + ".budget..")
			.check(classes);
	}

	/**
	 * The starter's packages other than the root and the allowed ones.
	 */
	private static String[] others(String... allowed) {
		java.util.List<String> all = new java.util.ArrayList<>(
				java.util.List.of("core", "budget", "report", "tomcat", "jetty", "netty"));
		all.addAll(java.util.List.of(STEPS));
		all.removeAll(java.util.List.of(allowed));
		return all.stream().map((name) -> BASE + "." + name + "..").toArray(String[]::new);
	}

}
