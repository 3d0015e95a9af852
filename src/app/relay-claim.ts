/**
 * How long a relay (decisions, announcements) holds a record it is sending. Longer than a
 * send may take (the Kafka adapter's delivery timeout, 20 s), so a live relay's send is
 * never overtaken by another relay's read-back; a dead relay's record waits this long
 * before another relay reads the topic back and sends it if it is not there.
 */
export const RELAY_CLAIM_MS = 30_000;
