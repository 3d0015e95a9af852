import { Kafka, logLevel, type Producer } from 'kafkajs';

/**
 * A kafkajs client of the bench. Only errors are logged (kafkajs's retries on a fresh broker
 * are not failures); `quiet` logs nothing, for the warm-up, whose retries kafkajs reports as errors.
 */
export function benchKafka(brokers: readonly string[], clientId: string, quiet = false): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: quiet ? logLevel.NOTHING : logLevel.ERROR });
}

/** An idempotent producer (acks -1, one request in flight), connected. */
export async function idempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}
