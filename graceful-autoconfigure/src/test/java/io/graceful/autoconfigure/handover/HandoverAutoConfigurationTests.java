package io.graceful.autoconfigure.handover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.AcceptGate;
import io.graceful.autoconfigure.withdraw.WithdrawLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@code graceful.handover.enabled} turns on, and the startup checks that refuse a
 * hand-over that cannot work.
 */
@ExtendWith(OutputCaptureExtension.class)
class HandoverAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class, HandoverAutoConfiguration.class,
				io.graceful.autoconfigure.tomcat.TomcatGracefulAutoConfiguration.class));

	@Test
	void handoverIsOffByDefault() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(HandoverStartupCheck.class).doesNotHaveBean(AcceptGate.class);
			assertThat(context.getBean(WithdrawLifecycle.class).getDelay()).isZero();
		});
	}

	@Test
	void handoverOnChecksStartupHoldsTheAcceptorAndReplacesTheWithdrawDelayWithTheMovePeriod() {
		this.runner.withPropertyValues("graceful.handover.enabled=true", "server.port=8123").run((context) -> {
			assertThat(context).hasSingleBean(HandoverStartupCheck.class).hasSingleBean(AcceptGate.class);
			assertThat(context.getBean(WithdrawLifecycle.class).getDelay()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void movePeriodReplacesAWithdrawDelaySetForABalancer() {
		this.runner
			.withPropertyValues("graceful.handover.enabled=true", "server.port=8123", "graceful.withdraw.delay=10s",
					"graceful.handover.move-period=300ms")
			.run((context) -> assertThat(context.getBean(WithdrawLifecycle.class).getDelay())
				.isEqualTo(Duration.ofMillis(300)));
	}

	@Test
	void aNegativeMovePeriodFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("graceful.handover.enabled=true", "server.port=8123",
					"graceful.handover.move-period=-1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.handover.move-period"));
	}

	@Test
	void theSighupTriggerIsOptIn() {
		this.runner.withPropertyValues("graceful.handover.enabled=true", "server.port=8123")
			.run((context) -> assertThat(context).doesNotHaveBean(SignalHandover.class)
				.hasSingleBean(SuccessorReadiness.class));
		this.runner
			.withPropertyValues("graceful.handover.enabled=true", "server.port=8123", "graceful.handover.signal=HUP")
			.run((context) -> assertThat(context).hasSingleBean(SignalHandover.class));
	}

	@Test
	void aSignalOtherThanHupFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("graceful.handover.enabled=true", "server.port=8123", "graceful.handover.signal=TERM")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.handover.signal"));
	}

	@Test
	void theSuccessorGetsTheSameCommandLineWithAFreeManagementPort() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.port", "8080")
			.withProperty("management.server.port", "8081");
		List<String> command = new SignalHandover(environment, Duration.ofSeconds(1)).successorCommand();
		assertThat(command.get(0)).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
		assertThat(command).endsWith("--management.server.port=0");
	}

	@Test
	void serverPortZeroFailsStartupBecauseASuccessorCouldNotFindThePort() {
		this.runner.withPropertyValues("graceful.handover.enabled=true", "server.port=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("server.port");
					assertThat(ex.getReason()).contains("graceful.handover.enabled=true needs a fixed port");
				}));
	}

	@Test
	void anOperatingSystemOtherThanLinuxFailsStartupWithAnExplanation(@TempDir Path directory) throws Exception {
		Path migrateReq = Files.writeString(directory.resolve("tcp_migrate_req"), "1\n");
		HandoverStartupCheck check = new HandoverStartupCheck(new MockEnvironment(), "Mac OS X", migrateReq);
		HandoverNotSupportedException failure = catchFailure(check);
		FailureAnalysis analysis = new HandoverFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("this operating system (Mac OS X) is not Linux")
			.contains("SO_REUSEPORT");
		assertThat(analysis.getAction()).contains("graceful.handover.enabled=false");
	}

	@Test
	void tcpMigrateReqZeroIsAWarningNamingTheSysctlAndItsCost(@TempDir Path directory, CapturedOutput output)
			throws Exception {
		Path migrateReq = Files.writeString(directory.resolve("tcp_migrate_req"), "0\n");
		new HandoverStartupCheck(new MockEnvironment(), "Linux", migrateReq).afterPropertiesSet();
		assertThat(output).contains("net.ipv4.tcp_migrate_req is 0")
			.contains("are reset instead of moving to the successor")
			.contains("sysctl -w net.ipv4.tcp_migrate_req=1");
	}

	@Test
	void tcpMigrateReqOneLogsNothing(@TempDir Path directory, CapturedOutput output) throws Exception {
		Path migrateReq = Files.writeString(directory.resolve("tcp_migrate_req"), "1\n");
		new HandoverStartupCheck(new MockEnvironment(), "Linux", migrateReq).afterPropertiesSet();
		assertThat(output).doesNotContain("tcp_migrate_req");
	}

	@Test
	void theFailureAnalyzerIsRegistered() throws Exception {
		String factories = new String(getClass().getResourceAsStream("/META-INF/spring.factories").readAllBytes());
		assertThat(factories).contains(HandoverFailureAnalyzer.class.getName());
	}

	private static HandoverNotSupportedException catchFailure(HandoverStartupCheck check) {
		HandoverNotSupportedException[] failure = new HandoverNotSupportedException[1];
		assertThatExceptionOfType(HandoverNotSupportedException.class).isThrownBy(check::afterPropertiesSet)
			.satisfies((ex) -> failure[0] = ex);
		return failure[0];
	}

}
