package io.graceful.autoconfigure;

import java.lang.StackWalker.StackFrame;
import java.lang.reflect.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import org.springframework.aot.agent.RecordedInvocation;
import org.springframework.aot.agent.RecordedInvocationsListener;
import org.springframework.aot.agent.RecordedInvocationsPublisher;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.test.agent.EnabledIfRuntimeHintsAgent;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Native readiness: every reflective call the starter really makes while the server
 * scenarios run is covered by the hints it registers in
 * {@code META-INF/spring/aot.factories}.
 * <p>
 * Spring's runtime-hints agent ({@code spring-core-test}, surefire execution
 * {@code runtime-hints}) rewrites the reflective call sites of {@code io.graceful} and
 * Spring classes to report each call with its stack. The scenario tests of every server
 * (plain and TLS connections, HTTP/2) and of the background-work step run here under a
 * JUnit launcher, unchanged. A call is the starter's when the first frame above the JDK
 * and Spring's reflection utilities belongs to the starter's main classes: a call Spring
 * makes for itself (binding, bean creation) is Spring's, and AOT replaces it. The list of
 * calls comes from the run, not from the registrars, so a new reflective access that no
 * hint covers fails here.
 */
@EnabledIfRuntimeHintsAgent
@Tag("runtime-hints")
class RuntimeHintsCoverageTests {

	/**
	 * One scenario per server that reaches the starter's reflective accesses (Tomcat's
	 * connection set; Jetty's TLS connections, over HTTP/2 and TLS; Reactor Netty), the
	 * WebSocket close of each server, and the executors with their decorators. The other
	 * scenario classes use the same code paths.
	 */
	private static final List<String> SCENARIOS = List.of(
			"io.graceful.autoconfigure.web.TomcatShutdownTests#readinessRefusesAtOnceWhileLivenessAndRequestsAreServedAndKeepAliveConnectionsGetConnectionClose(org.springframework.boot.test.system.CapturedOutput)",
			"io.graceful.autoconfigure.web.JettyHttp2GoAwayTests",
			"io.graceful.autoconfigure.web.NettyHttp2GoAwayTests",
			"io.graceful.autoconfigure.web.TomcatWebSocketShutdownTests",
			"io.graceful.autoconfigure.web.JettyWebSocketShutdownTests",
			"io.graceful.autoconfigure.web.NettyWebSocketShutdownTests",
			// not the whole class: under the agent its stubborn-task test saw no
			// interrupt at
			// the executor's destruction in two CI runs (unexplained; it passes without
			// the
			// agent), and these three reach every tracked executor type
			"io.graceful.autoconfigure.tasks.BackgroundWorkTests#periodicAndFarFutureScheduledTasksAreCancelledAndReportedNotAwaitedToTheBound(org.springframework.boot.test.system.CapturedOutput)",
			"io.graceful.autoconfigure.tasks.BackgroundWorkTests#workSubmittedWhileTheStepWaitsRunsAndWorkSubmittedAfterItIsRejected(org.springframework.boot.test.system.CapturedOutput)",
			"io.graceful.autoconfigure.tasks.BackgroundWorkTests#runningTasksOfASimpleAsyncTaskExecutorAreAwaitedAndItsOwnDecoratorStillApplies(org.springframework.boot.test.system.CapturedOutput)",
			"io.graceful.autoconfigure.grpc.GrpcShutdownTests#aClientOnALongLivedChannelMovesToTheOtherServerDuringTheDelayWithoutAFailedCall(org.springframework.boot.test.system.CapturedOutput)");

	/** Frames that pass a call on: the JDK, and Spring's reflection utilities. */
	private static final List<String> PASS_THROUGH = List.of("java.", "jdk.", "sun.", "org.springframework.util.",
			"org.springframework.aot.agent.");

	private static final Path TEST_CLASSES = Path.of("target", "test-classes");

	@Test
	void everyReflectiveCallTheStarterMakesWhileTheScenariosRunIsCoveredByItsRuntimeHints() {
		Queue<RecordedInvocation> starters = new ConcurrentLinkedQueue<>();
		AtomicLong recorded = new AtomicLong();
		RecordedInvocationsListener listener = (invocation) -> {
			recorded.incrementAndGet();
			if (callerOf(invocation).filter(RuntimeHintsCoverageTests::isStarterClass).isPresent()) {
				starters.add(invocation);
			}
		};
		RecordedInvocationsPublisher.addListener(listener);
		TestExecutionSummary summary;
		try {
			summary = runScenarios();
		}
		finally {
			RecordedInvocationsPublisher.removeListener(listener);
		}
		assertThat(summary.getTestsFoundCount()).as("scenario tests found").isGreaterThan(8);

		RuntimeHints hints = registeredHints();
		starters.forEach((invocation) -> addBeanHints(hints, invocation));
		List<String> uncovered = starters.stream()
			.filter((invocation) -> !invocation.matches(hints))
			.map(RuntimeHintsCoverageTests::describe)
			.distinct()
			.toList();
		Set<String> calls = starters.stream()
			.map(RuntimeHintsCoverageTests::describe)
			.collect(Collectors.toCollection(java.util.TreeSet::new));
		System.out.println("Reflective calls of the starter recorded while " + summary.getTestsSucceededCount()
				+ " scenario tests ran (" + recorded.get() + " recorded in all):\n  " + String.join("\n  ", calls));

		assertThat(uncovered).as("reflective calls of the starter that no runtime hint covers").isEmpty();
		// the scenarios did reach each access the starter has today (a guard against a
		// recorder that saw nothing)
		assertThat(calls).anyMatch((call) -> call.contains("getEndpoint"))
			.anyMatch((call) -> call.contains("taskDecorator"))
			.anyMatch((call) -> call.contains("_encryptedInput"));
		// last, so that a scenario failing on timing still shows whether the hints cover
		// the calls
		assertThat(summary.getTotalFailureCount()).as("scenario failures: %s", failures(summary)).isZero();
	}

	private static TestExecutionSummary runScenarios() {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(SCENARIOS.stream()
				.map((name) -> name.contains("#") ? selectMethod(name) : selectClass(name))
				.toList())
			.build();
		SummaryGeneratingListener summary = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, summary);
		return summary.getSummary();
	}

	private static String failures(TestExecutionSummary summary) {
		return summary.getFailures()
			.stream()
			.map((failure) -> failure.getTestIdentifier().getDisplayName() + ": " + failure.getException())
			.collect(Collectors.joining("; "));
	}

	/**
	 * The hints a real AOT build applies: every registrar the starter lists.
	 */
	private static RuntimeHints registeredHints() {
		RuntimeHints hints = new RuntimeHints();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, RuntimeHintsCoverageTests.class.getClassLoader()));
		return hints;
	}

	/**
	 * The hints the starter's AOT processors register for one bean at build time, for the
	 * class a recorded call looked at, as if the bean of that class had been processed:
	 * the budget check asks every lifecycle bean's class for its {@code stop(Runnable)},
	 * and those classes are the application's ({@code LifecycleStopHintsTests} shows that
	 * a real AOT run applies the processor to each bean).
	 */
	private static void addBeanHints(RuntimeHints hints, RecordedInvocation invocation) {
		if (!invocation.getMethodReference().toString().equals("java.lang.Class#getMethod")
				|| !(invocation.getInstance() instanceof Class<?> type)) {
			return;
		}
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(type));
		RegisteredBean bean = RegisteredBean.of(beanFactory, "bean");
		GenerationContext generationContext = new DefaultGenerationContext(new ClassNameGenerator(ClassName.OBJECT),
				new InMemoryGeneratedFiles(), hints);
		for (BeanRegistrationAotProcessor processor : SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(BeanRegistrationAotProcessor.class)) {
			BeanRegistrationAotContribution contribution = processor.processAheadOfTime(bean);
			if (contribution != null) {
				contribution.applyTo(generationContext, null);
			}
		}
	}

	/**
	 * The class whose code asked for the reflective call: the first frame that is not the
	 * JDK or Spring's reflection utilities passing it on.
	 */
	private static Optional<String> callerOf(RecordedInvocation invocation) {
		return invocation.getStackFrames()
			.map(StackFrame::getClassName)
			.filter((name) -> PASS_THROUGH.stream().noneMatch(name::startsWith))
			.findFirst();
	}

	private static boolean isStarterClass(String className) {
		if (!className.startsWith("io.graceful.autoconfigure.")) {
			return false;
		}
		String outer = className.replaceAll("\\$.*", "");
		return !Files.exists(TEST_CLASSES.resolve(outer.replace('.', '/') + ".class"));
	}

	private static String describe(RecordedInvocation invocation) {
		String caller = invocation.getStackFrames()
			.filter((frame) -> isStarterClass(frame.getClassName()))
			.findFirst()
			.map((frame) -> frame.getClassName().replace("io.graceful.autoconfigure.", "") + "."
					+ frame.getMethodName())
			.orElse("?");
		String target = (invocation.isStatic()) ? invocation.getInstanceTypeReference().getName()
				: shortly(invocation.getInstance());
		String arguments = invocation.getArguments()
			.stream()
			.map(RuntimeHintsCoverageTests::shortly)
			.collect(Collectors.joining(", ", "(", ")"));
		return invocation.getMethodReference() + " on " + target + arguments + " from " + caller;
	}

	/**
	 * Names, fields and methods as they are; any other object by its class, so that the
	 * same call on two instances is one line.
	 */
	private static String shortly(@Nullable Object value) {
		if (value instanceof Class<?> type) {
			return type.getName();
		}
		if (value == null || value instanceof String || value instanceof Member) {
			return String.valueOf(value);
		}
		if (value instanceof Object[] array) {
			return Arrays.stream(array)
				.map(RuntimeHintsCoverageTests::shortly)
				.collect(Collectors.joining(", ", "[", "]"));
		}
		return "a " + value.getClass().getName();
	}

}
