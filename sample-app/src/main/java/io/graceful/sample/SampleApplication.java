package io.graceful.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A small service whose every kind of work can be lost in a careless restart: HTTP
 * requests, PostgreSQL writes, Kafka records sent asynchronously, and background tasks
 * queued on Spring's executor. The rollout lab counts all of them.
 */
@SpringBootApplication
@EnableAsync
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
