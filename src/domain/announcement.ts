import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';

/**
 * A ModelUpdated waiting for its topic. It is written in the same step as the version or
 * the rollback it announces (one document write), so a crash at any point leaves either
 * both or neither; the relay publishes it and removes it.
 */
export interface Announcement {
  announcementId: string;
  scope: Scope;
  kind: ModelKind;
  /** The version announced: the new version, or the one a rollback made champion. */
  version: number;
  /** The training request that produced it, or the rollback's own id. */
  requestId: string;
  promoted: boolean;
  decision: string;
  previousVersion: number | null;
  recordedAt: number;
  /**
   * Set when a relay took it for sending: until when that relay holds it, where the key's
   * partition ended before the first send, and how many claims there were. A relay whose
   * claim is not the first reads the log from `logMark` before sending, so a send whose
   * acknowledgement was lost to a crash is not repeated.
   */
  claim: { until: number; logMark: string; attempts: number } | null;
}
