package io.graceful.sample;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The RabbitMQ path (profile {@code rabbitmq}): the durable {@code orders} exchange and
 * queue, bound with the routing key {@code order}, declared by the application when it
 * first connects (several instances may declare them; the declarations are the same).
 */
@Configuration(proxyBeanMethods = false)
@Profile("rabbitmq")
class RabbitOrders {

	static final String EXCHANGE = "orders";

	static final String QUEUE = "orders";

	static final String ROUTING_KEY = "order";

	@Bean
	DirectExchange ordersExchange() {
		return new DirectExchange(EXCHANGE);
	}

	@Bean
	Queue ordersQueue() {
		return QueueBuilder.durable(QUEUE).build();
	}

	@Bean
	Binding ordersBinding(Queue ordersQueue, DirectExchange ordersExchange) {
		return BindingBuilder.bind(ordersQueue).to(ordersExchange).with(ROUTING_KEY);
	}

}
