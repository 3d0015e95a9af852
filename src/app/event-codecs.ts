import type { TopicNames } from '../contract/topic-definitions.js';
import type { Decision } from '../domain/decision.js';
import type { ModelUpdated, SheetAnalysed, TrainingRequested } from '../domain/events.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { ModelVersion } from '../ports/model-registry.js';

/** Decision → the TrainingRequested event it is published as. */
export function trainingRequestOf(decision: Decision): TrainingRequested {
  return {
    requestId: decision.decisionId,
    scope: decision.scope,
    modelKind: decision.kind,
    reason: decision.reason,
    counts: Object.fromEntries(Object.entries(decision.counts).map(([name, value]) => [name, Math.round(value)])),
    metric: decision.metric,
    requestedAt: decision.decidedAt,
    priority: decision.priority,
    mode: decision.mode,
    lookbackDays: decision.lookbackDays,
    force: decision.force,
    hyperparameters: decision.hyperparameters ?? null,
  };
}

/** A stored version → the ModelUpdated event that announces it. */
export function modelUpdatedOf(version: ModelVersion, announce: { requestId: string; promoted?: boolean; decision?: string; previousVersion?: number | null }): ModelUpdated {
  return {
    modelId: version.modelId,
    scope: version.scope,
    modelKind: version.kind,
    version: version.version,
    previousVersion: announce.previousVersion === undefined ? version.previousVersion : announce.previousVersion,
    promoted: announce.promoted ?? version.promoted,
    decision: announce.decision ?? version.decision,
    metrics: version.metrics,
    championMetrics: version.championMetrics,
    trainedOn: version.trainedOn,
    requestId: announce.requestId,
    trainedAt: version.trainedAt,
  };
}

/** Typed encode/decode for the events relearn itself publishes. */
export class OutputCodecs {
  constructor(
    private readonly codec: AvroCodec,
    private readonly topics: TopicNames,
  ) {}

  encodeTrainingRequest(request: TrainingRequested): Promise<Buffer> {
    return this.codec.encode(this.topics['training-requests'], request);
  }

  encodeModelUpdated(event: ModelUpdated): Promise<Buffer> {
    return this.codec.encode(this.topics['model-updates'], event);
  }

  encodeSheetAnalysed(event: SheetAnalysed): Promise<Buffer> {
    return this.codec.encode(this.topics['sheet-analyses'], event);
  }

  async decodeTrainingRequest(bytes: Buffer): Promise<TrainingRequested> {
    return { ...(await this.codec.decode(bytes)) as TrainingRequested };
  }
}
