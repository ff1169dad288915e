package io.graceful.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code --broker}, and how the summary shows duplicate deliveries: counted on their own
 * line when the broker's consumer counts them (RabbitMQ), never as a loss, and absent
 * when no run counted them (Kafka).
 */
class BrokerSettingsAndDuplicatesTests {

	@Test
	void theBrokerIsKafkaUnlessRabbitMqIsAskedFor() {
		assertThat(Settings.parse(List.of()).broker).isEqualTo(Settings.Broker.KAFKA);
		assertThat(Settings.parse(List.of("--broker", "rabbitmq")).broker).isEqualTo(Settings.Broker.RABBITMQ);
		assertThat(Settings.parse(List.of("--broker=RabbitMQ")).broker).isEqualTo(Settings.Broker.RABBITMQ);
		assertThatIllegalArgumentException().isThrownBy(() -> Settings.parse(List.of("--broker", "nats")))
			.withMessageContaining("--broker must be kafka or rabbitmq");
	}

	@Test
	void theBrokerDownFaultStopsKafkaSoItIsRefusedWithRabbitMq() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Settings.parse(List.of("--broker", "rabbitmq", "--fault", "broker-down")))
			.withMessageContaining("does not apply to --broker rabbitmq");
	}

	@Test
	void theBrokerDownFaultWaitsPastTheStoppedMembersSessionTimeoutUnlessTheWaitIsGiven() {
		Settings plain = Settings.parse(List.of());
		assertThat(plain.catchUpQuiet).hasSeconds(10);
		Settings brokerDown = Settings.parse(List.of("--fault", "broker-down"));
		assertThat(brokerDown.catchUp).isEqualTo(Settings.BROKER_DOWN_CATCH_UP);
		// the Kafka consumer's session.timeout.ms is 45 s
		assertThat(brokerDown.catchUpQuiet).isGreaterThan(Duration.ofSeconds(45));
		Settings given = Settings.parse(List.of("--fault", "broker-down", "--catch-up-quiet", "20s"));
		assertThat(given.catchUpQuiet).hasSeconds(20);
		assertThat(ScenarioRun.BROKER_DOWN_PRODUCER)
			.containsExactly("--spring.kafka.producer.properties.metadata.recovery.strategy=none");
	}

	@Test
	void duplicateDeliveriesHaveTheirOwnLineAndAreNoLoss() {
		RunResult rabbit = run(new RunResult.Verification(100, 100, 0, 100, 0, 10, 10, true, "caught up in 0.0s", 3));
		assertThat(rabbit.lostNothing()).isTrue();
		String table = Report.table(List.of(rabbit));
		assertThat(table).containsPattern("(?m)^  duplicate deliveries +\\| 3 *$");
		assertThat(table).contains("LOST NOTHING");
		assertThat(Report.json(Settings.parse(List.of("--broker", "rabbitmq")), List.of(rabbit)))
			.contains("\"duplicateDeliveries\": 3")
			.contains("\"broker\": \"rabbitmq\"");
	}

	@Test
	void withoutACountingConsumerThereIsNoDuplicatesLine() {
		RunResult kafka = run(new RunResult.Verification(100, 100, 0, 100, 0, 10, 10, true, "caught up in 0.0s"));
		assertThat(kafka.verification().duplicatesCounted()).isFalse();
		assertThat(Report.table(List.of(kafka))).doesNotContain("duplicate");
		assertThat(Report.json(Settings.parse(List.of()), List.of(kafka))).contains("\"duplicateDeliveries\": null");
	}

	private static RunResult run(RunResult.Verification verification) {
		return new RunResult("L4 health-check graceful", HaProxy.Mode.L4, Column.Balancer.HEALTH_CHECK,
				Column.App.GRACEFUL, Path.of("."), List.of(), List.of(), List.of(), verification, 0, 30_000, 3000, 1000,
				30_000, 0, 0, 8, 2000);
	}

}
