package io.graceful.autoconfigure.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Kafka for tests: one real broker shared by every test in the JVM and started on first
 * use (a Testcontainers Apache Kafka container when a Docker engine is available,
 * otherwise {@link EmbeddedKafkaKraftBroker}, a KRaft broker from Kafka's own test kit in
 * this JVM), plus small client helpers to create topics and count what is on the broker.
 * Outage scenarios use {@link KafkaProcess} instead, a broker in its own process that a
 * test can stop. The log says which one ran.
 */
public final class TestKafka {

	private static final Log logger = LogFactory.getLog(TestKafka.class);

	private static String bootstrapServers;

	private TestKafka() {
	}

	/**
	 * The shared broker's bootstrap servers, starting it on first use.
	 * @return host:port
	 */
	public static synchronized String bootstrapServers() {
		if (bootstrapServers == null) {
			long start = System.nanoTime();
			String engine;
			if (dockerAvailable()) {
				KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0");
				container.start();
				Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-stop"));
				bootstrapServers = container.getBootstrapServers();
				engine = "Testcontainers (Docker)";
			}
			else {
				EmbeddedKafkaKraftBroker embedded = new EmbeddedKafkaKraftBroker(1, 1);
				embedded.brokerProperty("group.initial.rebalance.delay.ms", "0");
				embedded.brokerProperty("offsets.topic.replication.factor", "1");
				embedded.brokerProperty("transaction.state.log.replication.factor", "1");
				embedded.brokerProperty("transaction.state.log.min.isr", "1");
				embedded.brokerProperty("offsets.topic.num.partitions", "1");
				embedded.brokerProperty("transaction.state.log.num.partitions", "1");
				embedded.afterPropertiesSet();
				Runtime.getRuntime().addShutdownHook(new Thread(embedded::destroy, "test-kafka-stop"));
				bootstrapServers = embedded.getBrokersAsString();
				engine = "embedded KRaft broker in this JVM";
			}
			logger.info(String.format("Kafka for tests: %s at %s (started in %d ms)", engine, bootstrapServers,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
		}
		return bootstrapServers;
	}

	private static boolean dockerAvailable() {
		if (!Boolean.parseBoolean(System.getProperty("graceful.tests.docker", "true"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * A new topic with one partition and a unique name.
	 * @param bootstrapServers the broker
	 * @param prefix the start of the name
	 * @return the name
	 */
	public static String createTopic(String bootstrapServers, String prefix) {
		String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
		try (Admin admin = admin(bootstrapServers)) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create topic " + topic, ex);
		}
		return topic;
	}

	/**
	 * Send records and wait until the broker acknowledged each.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @param values the record values
	 */
	public static void produce(String bootstrapServers, String topic, List<String> values) {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 100),
				new StringSerializer(), new StringSerializer())) {
			List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
			values.forEach((value) -> sent.add(producer.send(new ProducerRecord<>(topic, value))));
			for (java.util.concurrent.Future<?> future : sent) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not produce to " + topic, ex);
		}
	}

	/**
	 * Every value on partition 0 of a topic, read to its end offset.
	 * @param bootstrapServers the broker
	 * @param topic the topic
	 * @param readCommitted whether to skip records of aborted or open transactions
	 * @return the values in offset order
	 */
	public static List<String> values(String bootstrapServers, String topic, boolean readCommitted) {
		TopicPartition partition = new TopicPartition(topic, 0);
		try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers, null,
				readCommitted ? "read_committed" : "read_uncommitted")) {
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			long end = consumer.endOffsets(List.of(partition)).get(partition);
			List<String> values = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (consumer.position(partition) < end && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
					values.add(record.value());
				}
			}
			return values;
		}
	}

	/**
	 * The offset a new consumer of a group starts at on partition 0 of a topic.
	 * @param bootstrapServers the broker
	 * @param group the consumer group
	 * @param topic the topic
	 * @return the committed offset, or -1 when the group committed none
	 */
	public static long committedOffset(String bootstrapServers, String group, String topic) {
		TopicPartition partition = new TopicPartition(topic, 0);
		try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers, group, "read_uncommitted")) {
			OffsetAndMetadata committed = consumer.committed(java.util.Set.of(partition), Duration.ofSeconds(30))
				.get(partition);
			return (committed != null) ? committed.offset() : -1;
		}
	}

	private static KafkaConsumer<String, String> consumer(String bootstrapServers, String group, String isolation) {
		Map<String, Object> config = new java.util.HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		if (group != null) {
			config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		}
		return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
	}

	private static Admin admin(String bootstrapServers) {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
	}

}
