"""A Kafka client relearn did not write: confluent-kafka (librdkafka) with the
Confluent AvroSerializer / AvroDeserializer against the same schema registry.

  produce  --topic T --schema FILE --user U --count N   labeled transactions for user U
  consume  --topic T --expect N [--timeout S]          prints each decoded value as a JSON line

Called by test/integration/python-interop.test.ts with the stack's variables in the
environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL).
"""
import argparse
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

DAY_MS = 86_400_000
CATEGORIES = ["groceries", "transport", "dining"]
MERCHANTS = {"groceries": "Fresh Market", "transport": "City Metro", "dining": "Corner Bistro"}


def registry() -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": os.environ["SCHEMA_REGISTRY_URL"]})


def produce(args: argparse.Namespace) -> None:
    with open(args.schema, encoding="utf-8") as handle:
        schema = handle.read()
    # The app registers nothing of its own: it writes with the version relearn registered.
    serializer = AvroSerializer(registry(), schema, conf={"auto.register.schemas": False, "use.latest.version": True})
    producer = Producer({"bootstrap.servers": os.environ["KAFKA_BROKERS"], "enable.idempotence": True, "acks": "all"})
    start = 1_767_571_200_000  # 2026-01-05T00:00:00Z
    for index in range(args.count):
        category = CATEGORIES[index % len(CATEGORIES)]
        value = {
            "eventId": f"py-{args.user}-{index}",
            "userId": args.user,
            "transactionId": f"py-tx-{args.user}-{index}",
            "occurredAt": start + index * DAY_MS,
            "amount": -round(5 + (index % 11) * 2.5, 2),
            "currency": "EUR",
            "merchant": MERCHANTS[category],
            "description": f"{MERCHANTS[category].lower()} card payment",
            "category": category,
        }
        context = SerializationContext(args.topic, MessageField.VALUE)
        producer.produce(args.topic, key=args.user.encode(), value=serializer(value, context))
    remaining = producer.flush(30)
    if remaining:
        sys.exit(f"{remaining} records not delivered")
    print(json.dumps({"produced": args.count}))


def consume(args: argparse.Namespace) -> None:
    deserializer = AvroDeserializer(registry())
    consumer = Consumer({
        "bootstrap.servers": os.environ["KAFKA_BROKERS"],
        "group.id": f"py-interop-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    seen = 0
    deadline = time.monotonic() + args.timeout
    try:
        while seen < args.expect and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                sys.exit(f"consume error: {message.error()}")
            value = deserializer(message.value(), SerializationContext(args.topic, MessageField.VALUE))
            print(json.dumps(value, default=str), flush=True)
            seen += 1
    finally:
        consumer.close()
    if seen < args.expect:
        sys.exit(f"saw {seen} of {args.expect} records on {args.topic} within {args.timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("produce")
    p.add_argument("--topic", required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--count", type=int, required=True)
    p.set_defaults(run=produce)
    c = commands.add_parser("consume")
    c.add_argument("--topic", required=True)
    c.add_argument("--expect", type=int, required=True)
    c.add_argument("--timeout", type=float, default=60)
    c.set_defaults(run=consume)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
