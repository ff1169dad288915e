/**
 * Real parts as processes, shared by the starter's tests, the sample app's tests, the
 * rollout lab and the benchmarks: {@link io.graceful.testsupport.ChildJvm a child JVM},
 * {@link io.graceful.testsupport.ChildProcesses any child process and its tree},
 * {@link io.graceful.testsupport.KafkaProcess a Kafka broker},
 * {@link io.graceful.testsupport.RabbitProcess a RabbitMQ node},
 * {@link io.graceful.testsupport.Ports free ports} and
 * {@link io.graceful.testsupport.GrpcText gRPC methods with text messages}. Not
 * published, never a dependency of the starter.
 */
@NullMarked
package io.graceful.testsupport;

import org.jspecify.annotations.NullMarked;
