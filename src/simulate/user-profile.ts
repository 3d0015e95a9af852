import { CURRENCY_REGIONS, roundToCents, type CurrencyRegion } from './currency-region.js';
import { DRIFT_MERCHANTS, EMPLOYERS, LANDLORDS, MERCHANT_CATALOGUE, type Merchant } from './merchant-catalogue.js';
import type { SeededRandom } from './seeded-random.js';
import { STATEMENT_STYLES, type StatementStyle } from './statement-description.js';
import { AD_HOC_CATEGORIES, CATEGORY_RHYTHMS, type AdHocCategory, type TransactionCategory } from './transaction-category.js';

/**
 * How much a user uses the app. Light users and late joiners stay below the first-model
 * threshold (50 labeled transactions), as real sign-ups do.
 */
export type UserActivity = 'regular' | 'light' | 'late-joiner';

export interface RegularMerchant {
  merchant: Merchant;
  /** Relative preference among the user's merchants of the same category mix. */
  affinity: number;
  /** The branch the user usually goes to. */
  storeNumber: string;
  /** Day of month (1–28) a monthly merchant charges. */
  dueDay: number;
  /** This user's median (monthly bill or basket) in their currency, before the sign. */
  amount: number;
}

export interface UserProfile {
  userId: string;
  region: CurrencyRegion;
  city: string;
  country: string;
  cardLast4: string;
  statementStyles: readonly StatementStyle[];
  activity: UserActivity;
  /** First simulated day with activity. */
  joinDay: number;
  /** Mean day-to-day transactions per day, before weekday and payday effects. */
  dailyRate: number;
  /** How lavish the user is: scales every basket (about 0.6–1.6). */
  spendScale: number;
  employer: Merchant;
  salary: number;
  payDay: number;
  landlord: Merchant;
  rent: number;
  rentDay: number;
  adHoc: readonly RegularMerchant[];
  monthly: readonly RegularMerchant[];
  categoryMix: Readonly<Record<AdHocCategory, number>>;
  /** Merchants this user takes up once drift starts (used only when drift is on). */
  driftMerchants: readonly RegularMerchant[];
  /** Share of transactions the user categorises when they happen. */
  labelAtCreation: number;
  /** Share the user categorises later, through a LabelRecorded. */
  labelLater: number;
}

const AD_HOC_MERCHANTS = MERCHANT_CATALOGUE.filter((candidate) => !candidate.monthly);

export function createUserProfile(random: SeededRandom, userId: string, activity: UserActivity, days: number): UserProfile {
  const region = CURRENCY_REGIONS[random.weightedIndex(CURRENCY_REGIONS.map((candidate) => candidate.share))] ?? pickFirst(CURRENCY_REGIONS);
  const [city, country] = random.pick(region.cities);
  const spendScale = random.logNormal(1, 0.25);
  const primaryStyle = random.pick(STATEMENT_STYLES);
  const statementStyles = random.chance(0.3) ? [primaryStyle, random.pick(STATEMENT_STYLES)] : [primaryStyle];

  const regulars = chooseRegularMerchants(random, random.int(8, 14));
  const adHoc: RegularMerchant[] = [];
  const monthly: RegularMerchant[] = [];
  for (const chosen of regulars) {
    const regular: RegularMerchant = {
      merchant: chosen,
      affinity: random.logNormal(1, 0.6),
      storeNumber: random.digits(4),
      dueDay: random.int(1, 28),
      // Fixed prices stay fixed; a bill or a basket varies with the household.
      amount: roundToCents((chosen.spread === 0 ? chosen.typicalAmount : random.logNormal(chosen.typicalAmount, 0.3) * spendScale) * region.priceLevel),
    };
    (chosen.monthly ? monthly : adHoc).push(regular);
  }

  const categoryMix = {} as Record<AdHocCategory, number>;
  for (const category of AD_HOC_CATEGORIES) categoryMix[category] = CATEGORY_RHYTHMS[category].adHocShare * random.logNormal(1, 0.4);

  // Drawn from its own stream so that switching drift on leaves everything before it unchanged.
  const driftRandom = random.fork('drift');
  const driftMerchants = driftRandom.shuffle(DRIFT_MERCHANTS).slice(0, driftRandom.int(2, 3)).map((chosen) => ({
    merchant: chosen,
    affinity: driftRandom.logNormal(2.5, 0.3),
    storeNumber: driftRandom.digits(4),
    dueDay: 1,
    amount: roundToCents(driftRandom.logNormal(chosen.typicalAmount, 0.3) * spendScale * region.priceLevel),
  }));

  const labelAtCreation = clamp(0.4 + 0.08 * random.normal(), 0.15, 0.65);
  const labelLater = clamp(0.4 + 0.08 * random.normal(), 0.15, 0.9 - labelAtCreation);

  return {
    userId,
    region,
    city,
    country,
    cardLast4: random.digits(4),
    statementStyles,
    activity,
    joinDay: activity === 'late-joiner' ? Math.max(0, days - random.int(10, 16)) : 0,
    dailyRate: activity === 'light' ? random.uniform(0.12, 0.3) : random.uniform(1.6, 3.6),
    spendScale,
    employer: random.pick(EMPLOYERS),
    salary: roundToCents(random.logNormal(3000, 0.3) * region.priceLevel),
    payDay: random.pick([1, 15, 25, 25, 28, 28]),
    landlord: random.pick(LANDLORDS),
    // Rents are agreed in round figures.
    rent: Math.round((random.logNormal(1200, 0.3) * region.priceLevel) / 25) * 25,
    rentDay: random.pick([1, 1, 1, 5, 15, 28]),
    adHoc,
    // A light user has a couple of direct debits on this account, not a whole household's.
    monthly: activity === 'light' ? monthly.slice(0, 2) : monthly,
    categoryMix,
    driftMerchants,
    labelAtCreation,
    labelLater,
  };
}

/** Everyone buys food, eats out and travels locally; the rest of the regulars follow popularity. */
function chooseRegularMerchants(random: SeededRandom, count: number): Merchant[] {
  const chosen: Merchant[] = [];
  const essentials: TransactionCategory[] = ['groceries', 'dining', 'transport'];
  for (const category of essentials) {
    const candidates = AD_HOC_MERCHANTS.filter((candidate) => candidate.category === category);
    chosen.push(pickByPopularity(random, candidates));
  }
  while (chosen.length < count) {
    const candidates = MERCHANT_CATALOGUE.filter((candidate) => !chosen.includes(candidate));
    if (candidates.length === 0) break;
    chosen.push(pickByPopularity(random, candidates));
  }
  return chosen;
}

function pickByPopularity(random: SeededRandom, candidates: readonly Merchant[]): Merchant {
  const index = random.weightedIndex(candidates.map((candidate) => candidate.popularity));
  return candidates[index] ?? pickFirst(candidates);
}

function pickFirst<T>(items: readonly T[]): T {
  const first = items[0];
  if (first === undefined) throw new RangeError('catalogue is empty');
  return first;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
