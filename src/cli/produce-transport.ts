import type { RelearnSettings } from '../config/relearn-settings.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { EventSink } from '../ports/event-bus.js';

/** Where `relearn produce` sends: a Kafka sink and a registry codec in real mode; memory ones in tests. */
export interface ProduceTransport {
  sink: EventSink;
  codec: AvroCodec;
  close(): Promise<void>;
}

/** Provided by the composition root, which alone knows the Kafka and registry adapters. */
export type ProduceTransportFactory = (settings: RelearnSettings) => Promise<ProduceTransport>;
