package io.graceful.autoconfigure.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Run in its own JVM by {@link KafkaSendAfterCloseProcessTests}: sends one record, closes
 * the context, sends another (as a thread that outlives the context would) and exits at
 * once, as a process does after SIGTERM. Prints what the caller of each send saw.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaSendAfterCloseApplication {

	public static void main(String[] args) throws Exception {
		String bootstrapServers = args[0];
		String topic = args[1];
		String enabled = args[2];
		ConfigurableApplicationContext context = KafkaTestApplication.run(bootstrapServers,
				KafkaSendAfterCloseApplication.class, "graceful.enabled=" + enabled,
				"spring.kafka.producer.properties.linger.ms=30000");
		@SuppressWarnings("unchecked")
		KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
		CompletableFuture<?> beforeClose = template.send(topic, "before close");
		template.flush();
		beforeClose.get(30, TimeUnit.SECONDS);
		System.out.println("RESULT before-close acknowledged");
		context.close();
		try {
			template.send(topic, "after close");
			System.out.println("RESULT after-close accepted");
		}
		catch (RuntimeException ex) {
			System.out.println("RESULT after-close rejected: " + ex.getClass().getName() + ": " + ex.getMessage());
		}
		System.out.flush();
		System.exit(0);
	}

}
