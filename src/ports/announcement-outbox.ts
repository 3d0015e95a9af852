import type { Announcement } from '../domain/announcement.js';

export type { Announcement };

/** The announcements of the model registry that are not on the topic yet. */
export interface AnnouncementOutbox {
  /** Oldest first, at most `limit`. */
  unannounced(limit: number): Promise<Announcement[]>;
  /**
   * Takes it for sending until `now + leaseMs`, `logMark` being where its key's partition
   * ends now (kept only by the first claim). Returns it as claimed, or null when another
   * relay holds it or it is gone. A claim with `attempts > 1` may follow a send that landed.
   */
  claimAnnouncement(announcement: Announcement, logMark: string, now: number, leaseMs: number): Promise<Announcement | null>;
  /** Lets the claim lapse at once (the send failed), keeping its log mark: whoever sends next checks the log first. */
  releaseAnnouncement(announcement: Announcement): Promise<void>;
  /** It is on the topic: removes it. */
  markAnnounced(announcement: Announcement): Promise<void>;
}
