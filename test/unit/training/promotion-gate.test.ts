import { describe, expect, it } from 'vitest';
import { promotionVerdict } from '../../../src/training/promotion-gate.js';

const ACCURACY = { name: 'accuracy', higherIsBetter: true };
const MAE = { name: 'mae', higherIsBetter: false };

describe('promotionVerdict', () => {
  it('promotes the first model', () => {
    expect(promotionVerdict(ACCURACY, { accuracy: 0.1 }, null)).toEqual({ promoted: true, decision: 'first model' });
  });

  it('promotes a challenger that does exactly as well as the champion', () => {
    expect(promotionVerdict(ACCURACY, { accuracy: 0.8 }, { accuracy: 0.8 }).promoted).toBe(true);
    expect(promotionVerdict(MAE, { mae: 12 }, { mae: 12 }).promoted).toBe(true);
  });

  it('keeps the champion when the challenger was scored on no held-out data, but promotes a first model', () => {
    expect(promotionVerdict(MAE, { mae: 0, heldOutWeeks: 0 }, { mae: 0, heldOutWeeks: 0 })).toEqual({ promoted: false, decision: 'no held-out data to compare on' });
    expect(promotionVerdict(ACCURACY, { accuracy: 1, heldOut: 0 }, { accuracy: 0.5, heldOut: 0 }).promoted).toBe(false);
    expect(promotionVerdict(MAE, { mae: 0, heldOutWeeks: 0 }, null).promoted).toBe(true);
    expect(promotionVerdict(MAE, { mae: 3, heldOutWeeks: 2 }, { mae: 4, heldOutWeeks: 2 }).promoted).toBe(true);
  });

  it('promotes a better challenger in the metric direction', () => {
    expect(promotionVerdict(ACCURACY, { accuracy: 0.81 }, { accuracy: 0.8 }).promoted).toBe(true);
    expect(promotionVerdict(MAE, { mae: 11 }, { mae: 12 }).promoted).toBe(true);
  });

  it('refuses a worse challenger and says by how much', () => {
    const verdict = promotionVerdict(ACCURACY, { accuracy: 0.79 }, { accuracy: 0.8 });
    expect(verdict).toEqual({ promoted: false, decision: 'accuracy 0.7900 < champion 0.8000' });
    expect(promotionVerdict(MAE, { mae: 13 }, { mae: 12 }).promoted).toBe(false);
  });

  it('refuses a challenger without the metric, and replaces a champion without it', () => {
    expect(promotionVerdict(ACCURACY, { accuracy: Number.NaN }, { accuracy: 0.5 }).promoted).toBe(false);
    expect(promotionVerdict(ACCURACY, {}, { accuracy: 0.5 }).promoted).toBe(false);
    expect(promotionVerdict(ACCURACY, { accuracy: 0.5 }, {}).promoted).toBe(true);
  });
});
