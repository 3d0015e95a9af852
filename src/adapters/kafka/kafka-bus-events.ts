/**
 * Everything a Kafka subscription goes through, in one list: fed to logs by the adapter and
 * to whoever passes `onEvent` (metrics, the status API, tests that wait for a group to settle).
 */
export type KafkaBusEvent =
  | {
      type: 'group-joined';
      groupId: string;
      memberId: string;
      isLeader: boolean;
      /** Partitions this member now owns, by topic. */
      assignment: Readonly<Record<string, readonly number[]>>;
    }
  | { type: 'rebalancing'; groupId: string; memberId: string }
  | {
      type: 'committed';
      groupId: string;
      topic: string;
      partition: number;
      /** The next offset the group will read, as Kafka stores it. */
      offset: string;
      records: number;
    }
  | {
      type: 'handler-failed';
      groupId: string;
      topic: string;
      partition: number;
      /** The batch's first offset: where the partition resumes. */
      firstOffset: string;
      /** Failures in a row on this partition, this one included. */
      attempt: number;
      retryInMs: number;
      error: unknown;
    }
  | { type: 'crashed'; groupId: string; error: Error; restart: boolean }
  | { type: 'stopped'; groupId: string };

export type KafkaBusEventListener = (event: KafkaBusEvent) => void;
