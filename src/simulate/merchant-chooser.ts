import type { SeededRandom } from './seeded-random.js';
import { CATEGORY_RHYTHMS, isAdHocCategory, type AdHocCategory } from './transaction-category.js';
import type { RegularMerchant } from './user-profile.js';

/**
 * Picks where a user spends next: merchant preference × the user's category mix × the
 * category's weekday rhythm × the payday boost. Weights are laid out once per user and
 * period half, so the per-transaction cost is one pass over a typed array.
 */
export class MerchantChooser {
  private readonly baseWeights: Float64Array;
  private readonly weekdayFactors: Float64Array;
  private readonly paydayFactors: Float64Array;
  private readonly weights: Float64Array;

  /** `categoryWeight` gives the user's weight for a day-to-day category; other categories are never drawn. */
  constructor(
    private readonly candidates: readonly RegularMerchant[],
    categoryWeight: (category: AdHocCategory) => number,
  ) {
    const count = candidates.length;
    this.baseWeights = new Float64Array(count);
    this.weekdayFactors = new Float64Array(count * 7);
    this.paydayFactors = new Float64Array(count);
    this.weights = new Float64Array(count);
    candidates.forEach((candidate, index) => {
      const category = candidate.merchant.category;
      if (!isAdHocCategory(category)) return;
      const rhythm = CATEGORY_RHYTHMS[category];
      this.baseWeights[index] = candidate.affinity * categoryWeight(category);
      rhythm.weekdayWeights.forEach((factor, weekday) => {
        this.weekdayFactors[index * 7 + weekday] = factor;
      });
      this.paydayFactors[index] = 1 + rhythm.paydayBoost;
    });
  }

  choose(random: SeededRandom, weekday: number, afterPayday: boolean): RegularMerchant | undefined {
    const { baseWeights, weekdayFactors, paydayFactors, weights } = this;
    for (let index = 0; index < weights.length; index++) {
      const weight = (baseWeights[index] ?? 0) * (weekdayFactors[index * 7 + weekday] ?? 0);
      weights[index] = afterPayday ? weight * (paydayFactors[index] ?? 1) : weight;
    }
    return this.candidates[random.weightedIndex(weights)];
  }
}
