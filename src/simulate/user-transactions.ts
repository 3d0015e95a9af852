import type { LabelRecorded, TransactionRecorded } from '../domain/events.js';
import { roundToCents } from './currency-region.js';
import { hourOfDay, type HourWindow } from './hour-of-day.js';
import { MerchantChooser } from './merchant-chooser.js';
import { MERCHANT_CATALOGUE, type Merchant } from './merchant-catalogue.js';
import type { SeededRandom } from './seeded-random.js';
import { DAY_MS, HOUR_MS, isMonthlyPaymentDay, type SimulatedDay } from './simulation-calendar.js';
import type { SimulatedEventRecord, TransactionTruth } from './simulated-record.js';
import { eventIdOf, type SimulationRun } from './simulation-run.js';
import { statementDescription, titleCase } from './statement-description.js';
import {
  CATEGORY_RHYTHMS,
  CONFUSABLE_CATEGORIES,
  DRIFTED_CATEGORY_FACTORS,
  isAdHocCategory,
  type AdHocCategory,
  type TransactionCategory,
} from './transaction-category.js';
import type { RegularMerchant, UserProfile } from './user-profile.js';

/** Share of labels that disagree with the merchant's usual category (users mis-file). */
const LABEL_NOISE = 0.03;
/** Share of day-to-day purchases made at a merchant outside the user's regulars. */
const ONE_OFF_SHARE = 0.05;
/** Spending picks up for this many days after payday. */
const PAYDAY_WINDOW_DAYS = 3;
const MAX_TRANSACTIONS_PER_DAY = 5;
/** More purchases on Fridays and Saturdays, fewer on Sundays (index: Sunday first). */
const WEEKDAY_ACTIVITY = [0.9, 1, 1, 1, 1, 1.2, 1.25] as const;

const ONE_OFF_MERCHANTS = MERCHANT_CATALOGUE.filter((candidate) => !candidate.monthly && isAdHocCategory(candidate.category));

interface TransactionDraft {
  merchant: Merchant;
  storeNumber: string;
  amount: number;
  occurredAt: number;
  at: number;
  day: SimulatedDay;
}

/**
 * One user's transactions over the period, with the labels they give: about 40% at
 * creation (the category field), about 40% later through LabelRecorded, the rest never.
 */
export function simulateUserTransactions(profile: UserProfile, random: SeededRandom, run: SimulationRun): SimulatedEventRecord[] {
  const records: SimulatedEventRecord[] = [];
  let transactionCount = 0;
  let labelCount = 0;
  let lastPayday = Number.NEGATIVE_INFINITY;
  const oneOffs = oneOffCandidates(profile);
  const steadyWeight = (category: AdHocCategory): number => categoryWeight(profile, category, false);
  const driftedWeight = (category: AdHocCategory): number => categoryWeight(profile, category, true);
  const regulars = new MerchantChooser(profile.adHoc, steadyWeight);
  const driftedRegulars = new MerchantChooser([...profile.adHoc, ...profile.driftMerchants], driftedWeight);
  const strangers = new MerchantChooser(oneOffs, steadyWeight);
  const driftedStrangers = new MerchantChooser(oneOffs, driftedWeight);

  const emit = (draft: TransactionDraft): void => {
    transactionCount++;
    const transactionId = `${profile.userId}-t${String(transactionCount).padStart(5, '0')}`;
    const statementName = random.pick(draft.merchant.statementNames);
    const away = random.chance(0.05) ? random.pick(profile.region.cities) : undefined;
    const description = statementDescription(random, {
      channel: draft.merchant.channel,
      style: random.pick(profile.statementStyles),
      statementName,
      cardLast4: profile.cardLast4,
      storeNumber: random.chance(0.8) ? draft.storeNumber : random.digits(4),
      city: away?.[0] ?? profile.city,
      country: away?.[1] ?? profile.country,
      day: draft.day,
    });
    const truth = draft.merchant.category;
    const labelling = random.next();
    const givenLabel = noisyLabel(random, truth);
    const labelledNow = labelling < profile.labelAtCreation;
    const event: TransactionRecorded = {
      eventId: eventIdOf(run, 'transaction', transactionId),
      userId: profile.userId,
      transactionId,
      occurredAt: draft.occurredAt,
      amount: draft.amount,
      currency: profile.region.currency,
      merchant: random.chance(0.75) ? draft.merchant.name : titleCase(statementName),
      description,
      category: labelledNow ? givenLabel : null,
    };
    records.push({ kind: 'event', role: 'transactions', key: profile.userId, at: draft.at, resend: false, event, truth: truthOf(truth) });

    // A late label, or a user fixing a category they mis-filed at creation.
    const labelsLater = !labelledNow && labelling < profile.labelAtCreation + profile.labelLater;
    const correctsItself = labelledNow && givenLabel !== truth && random.chance(0.5);
    if (!labelsLater && !correctsItself) return;
    const recordedAt = draft.at + Math.round(Math.exp(random.uniform(Math.log(0.5), Math.log(10))) * DAY_MS);
    // Labels not given by the end of the period have simply not happened yet.
    if (recordedAt >= run.end) return;
    labelCount++;
    const label: LabelRecorded = {
      eventId: eventIdOf(run, 'label', `${profile.userId}-l${String(labelCount).padStart(5, '0')}`),
      scope: { type: 'user', id: profile.userId },
      itemId: transactionId,
      label: correctsItself ? truth : givenLabel,
      recordedAt,
    };
    records.push({ kind: 'event', role: 'labels', key: profile.userId, at: recordedAt, resend: false, event: label });
  };

  for (let index = profile.joinDay; index < run.calendar.length; index++) {
    const day = run.calendar[index];
    if (day === undefined) break;
    const drifted = run.driftFromDay !== undefined && index >= run.driftFromDay;

    if (isMonthlyPaymentDay(day, profile.payDay)) {
      lastPayday = index;
      // Overtime or a bonus now and then; otherwise the same net pay every month.
      const salary = random.chance(0.15) ? roundToCents(profile.salary * random.uniform(1.03, 1.3)) : profile.salary;
      emit(scheduledDraft(random, day, profile.employer, '', salary));
    }
    if (isMonthlyPaymentDay(day, profile.rentDay)) emit(scheduledDraft(random, day, profile.landlord, '', -profile.rent));
    for (const bill of profile.monthly) {
      if (!isMonthlyPaymentDay(day, bill.dueDay)) continue;
      const amount = bill.merchant.spread === 0 ? bill.amount : roundToCents(random.logNormal(bill.amount, bill.merchant.spread));
      emit(scheduledDraft(random, day, bill.merchant, bill.storeNumber, -amount));
    }

    const afterPayday = index - lastPayday <= PAYDAY_WINDOW_DAYS;
    const rate = profile.dailyRate * (WEEKDAY_ACTIVITY[day.weekday] ?? 1) * (afterPayday ? 1.15 : 1);
    const drawn = random.poisson(rate);
    // Regular users touch their card every day; light users skip most days.
    const count = Math.min(MAX_TRANSACTIONS_PER_DAY, profile.activity === 'light' ? drawn : Math.max(1, drawn));
    for (let i = 0; i < count; i++) {
      const oneOff = random.chance(ONE_OFF_SHARE);
      const chooser = oneOff ? (drifted ? driftedStrangers : strangers) : drifted ? driftedRegulars : regulars;
      const chosen = chooser.choose(random, day.weekday, afterPayday);
      if (chosen === undefined) continue;
      const category = chosen.merchant.category;
      const hourWindows = isAdHocCategory(category) ? CATEGORY_RHYTHMS[category].hourWindows : DAYTIME;
      const occurredAt = day.startsAt + Math.floor(hourOfDay(random, hourWindows) * HOUR_MS);
      const amount = -roundToCents(Math.max(0.5, random.logNormal(chosen.amount, chosen.merchant.spread)));
      // Most card payments reach the app within minutes; some only when the bank posts them next morning.
      const at = random.chance(0.8) ? occurredAt + random.int(2_000, 600_000) : day.startsAt + DAY_MS + Math.floor(random.uniform(5, 9) * HOUR_MS);
      const storeNumber = oneOff ? random.digits(4) : chosen.storeNumber;
      emit({ merchant: chosen.merchant, storeNumber, amount, occurredAt, at, day });
    }
  }
  return records;
}

const DAYTIME: readonly HourWindow[] = [{ from: 8, to: 20, weight: 1 }];
/** Payroll, standing orders and direct debits are processed overnight. */
const OVERNIGHT: readonly HourWindow[] = [{ from: 0.5, to: 6, weight: 1 }];

function scheduledDraft(random: SeededRandom, day: SimulatedDay, merchant: Merchant, storeNumber: string, amount: number): TransactionDraft {
  const occurredAt = day.startsAt + Math.floor(hourOfDay(random, OVERNIGHT) * HOUR_MS);
  return { merchant, storeNumber, amount, occurredAt, at: occurredAt + random.int(1_000, 120_000), day };
}

/** Everyday merchants outside the user's regulars, priced for this user. */
function oneOffCandidates(profile: UserProfile): RegularMerchant[] {
  return ONE_OFF_MERCHANTS.map((merchant) => ({
    merchant,
    affinity: merchant.popularity,
    storeNumber: '',
    dueDay: 1,
    amount: merchant.typicalAmount * profile.spendScale * profile.region.priceLevel,
  }));
}

function categoryWeight(profile: UserProfile, category: AdHocCategory, drifted: boolean): number {
  return profile.categoryMix[category] * (drifted ? DRIFTED_CATEGORY_FACTORS[category] : 1);
}

/** Truths are immutable and few, so records share them instead of allocating one each. */
const TRUTHS = new Map<TransactionCategory, Readonly<TransactionTruth>>();

function truthOf(category: TransactionCategory): Readonly<TransactionTruth> {
  let truth = TRUTHS.get(category);
  if (truth === undefined) {
    truth = Object.freeze({ category });
    TRUTHS.set(category, truth);
  }
  return truth;
}

function noisyLabel(random: SeededRandom, truth: TransactionCategory): TransactionCategory {
  return random.chance(LABEL_NOISE) ? random.pick(CONFUSABLE_CATEGORIES[truth]) : truth;
}

