import type { HourWindow } from './hour-of-day.js';

/** The categories of a personal-finance app; the categorizer learns them per user. */
export type TransactionCategory =
  | 'groceries'
  | 'dining'
  | 'transport'
  | 'utilities'
  | 'entertainment'
  | 'shopping'
  | 'health'
  | 'travel'
  | 'subscriptions'
  | 'income'
  | 'housing';

/** Categories a user picks day to day (the rest arrive on a monthly schedule). */
export type AdHocCategory = 'groceries' | 'dining' | 'transport' | 'entertainment' | 'shopping' | 'health' | 'travel';

export const AD_HOC_CATEGORIES: readonly AdHocCategory[] = ['groceries', 'dining', 'transport', 'entertainment', 'shopping', 'health', 'travel'];

export function isAdHocCategory(category: TransactionCategory): category is AdHocCategory {
  return (AD_HOC_CATEGORIES as readonly string[]).includes(category);
}


export interface CategoryRhythm {
  /** Relative weight per weekday, Sunday first. */
  weekdayWeights: readonly [number, number, number, number, number, number, number];
  hourWindows: readonly HourWindow[];
  /** Typical share of a user's day-to-day transactions. */
  adHocShare: number;
  /** Extra weight in the days right after payday (discretionary spending). */
  paydayBoost: number;
}

export const CATEGORY_RHYTHMS: Readonly<Record<AdHocCategory, CategoryRhythm>> = {
  groceries: {
    weekdayWeights: [1.2, 0.8, 0.8, 0.9, 1, 1.2, 1.6],
    hourWindows: [{ from: 8, to: 10, weight: 1 }, { from: 10, to: 17, weight: 1.5 }, { from: 12, to: 14, weight: 1 }, { from: 17, to: 21, weight: 3 }],
    adHocShare: 0.27,
    paydayBoost: 0.1,
  },
  dining: {
    weekdayWeights: [1.1, 0.7, 0.8, 0.9, 1, 1.5, 1.5],
    hourWindows: [{ from: 7, to: 10, weight: 2 }, { from: 12, to: 14, weight: 3 }, { from: 18, to: 23, weight: 3 }],
    adHocShare: 0.25,
    paydayBoost: 0.5,
  },
  transport: {
    weekdayWeights: [0.5, 1.2, 1.2, 1.2, 1.2, 1.1, 0.6],
    hourWindows: [{ from: 7, to: 9, weight: 3 }, { from: 9, to: 17, weight: 1 }, { from: 17, to: 19, weight: 3 }, { from: 19, to: 24, weight: 1 }],
    adHocShare: 0.2,
    paydayBoost: 0,
  },
  entertainment: {
    weekdayWeights: [1.3, 0.5, 0.6, 0.8, 0.9, 1.5, 1.8],
    hourWindows: [{ from: 12, to: 18, weight: 1 }, { from: 18, to: 24, weight: 3 }],
    adHocShare: 0.07,
    paydayBoost: 0.6,
  },
  shopping: {
    weekdayWeights: [1.3, 0.8, 0.8, 0.8, 0.9, 1.1, 1.6],
    hourWindows: [{ from: 10, to: 19, weight: 3 }, { from: 19, to: 24, weight: 1 }],
    adHocShare: 0.13,
    paydayBoost: 0.8,
  },
  health: {
    weekdayWeights: [0.4, 1.1, 1.1, 1.1, 1.1, 1, 0.8],
    hourWindows: [{ from: 8, to: 19, weight: 1 }],
    adHocShare: 0.05,
    paydayBoost: 0,
  },
  travel: {
    weekdayWeights: [0.8, 1, 1, 1, 1.1, 1.3, 1],
    hourWindows: [{ from: 6, to: 24, weight: 1 }],
    adHocShare: 0.03,
    paydayBoost: 0.4,
  },
};

/**
 * How users mislabel or re-file a transaction: the plausible wrong category for each
 * (a supermarket meal deal filed as dining, a train ticket as travel, ...).
 */
export const CONFUSABLE_CATEGORIES: Readonly<Record<TransactionCategory, readonly TransactionCategory[]>> = {
  groceries: ['dining', 'shopping'],
  dining: ['groceries', 'entertainment'],
  transport: ['travel'],
  utilities: ['subscriptions', 'housing'],
  entertainment: ['dining', 'subscriptions'],
  shopping: ['groceries', 'health'],
  health: ['shopping'],
  travel: ['transport', 'entertainment'],
  subscriptions: ['entertainment', 'utilities'],
  income: ['shopping'],
  housing: ['utilities'],
};

/**
 * The shift applied from the middle of the period when drift is on: eating out gives way
 * to cooking, saving goes into trips.
 */
export const DRIFTED_CATEGORY_FACTORS: Readonly<Record<AdHocCategory, number>> = {
  groceries: 1.8,
  dining: 0.3,
  transport: 1.3,
  entertainment: 0.6,
  shopping: 1.1,
  health: 1,
  travel: 4,
};
