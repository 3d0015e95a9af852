/** How a stored item got its label: enough to repeat every step after a crash with the same answer. */
export interface ItemLabelState {
  label: string | null;
  /** recordedAt of the label event the label came from; null while it is the item's own category (or none). */
  labelRecordedAt: number | null;
  /** The event credited with making the item labeled (it counts one labeled row); null while unlabeled. */
  labeledBy: string | null;
  /** The event that stored the item. */
  insertedBy: string;
}

/** The latest label given to an item, kept whether or not the item has arrived. */
export interface LatestLabel {
  label: string;
  recordedAt: number;
}

/**
 * The label an item should carry given the latest label event for it: the latest label
 * wins over the item's own category and over older labels (by the time it was given, so
 * a late-arriving old correction cannot undo a newer one). When this labels an unlabeled
 * item, the credit goes to an event of the batch at hand: the item's own insert if it is
 * in the batch (the label came first), else the batch's label event for it. The caller
 * writes the result only if the item is unchanged since it was read, so of two processes
 * racing to label one item exactly one gets the credit. Null: nothing to change.
 */
export function labelItem(
  item: ItemLabelState,
  latest: LatestLabel | null,
  batch: { eventIds: ReadonlySet<string>; labelEventId: string | null },
): ItemLabelState | null {
  if (latest === null) return null;
  if (item.labelRecordedAt !== null && item.labelRecordedAt > latest.recordedAt) return null;
  if (item.label === latest.label && item.labelRecordedAt === latest.recordedAt) return null;
  let labeledBy = item.labeledBy;
  if (labeledBy === null) {
    if (batch.eventIds.has(item.insertedBy)) labeledBy = item.insertedBy;
    else if (batch.labelEventId !== null) labeledBy = batch.labelEventId;
    else labeledBy = item.insertedBy;
  }
  return { ...item, label: latest.label, labelRecordedAt: latest.recordedAt, labeledBy };
}
