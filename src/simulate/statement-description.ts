import type { PaymentChannel } from './merchant-catalogue.js';
import type { SeededRandom } from './seeded-random.js';
import { MONTH_ABBREVIATIONS, type SimulatedDay } from './simulation-calendar.js';

/** How a user's bank formats card lines; each user banks with one or two of these. */
export type StatementStyle = 'card-prefixed' | 'contactless' | 'pos-dated' | 'visa-debit' | 'sentence';

export const STATEMENT_STYLES: readonly StatementStyle[] = ['card-prefixed', 'contactless', 'pos-dated', 'visa-debit', 'sentence'];

export interface StatementLine {
  channel: PaymentChannel;
  style: StatementStyle;
  /** The statement spelling of the merchant, e.g. 'TESCO EXPRESS'. */
  statementName: string;
  cardLast4: string;
  storeNumber: string;
  city: string;
  country: string;
  day: SimulatedDay;
}

/** Banks cut descriptions to a fixed width; the categorizer has to live with the truncation. */
const STATEMENT_WIDTH = 40;

/**
 * The noisy free text a bank puts on a statement line, e.g. `CARD 4821 TESCO STORES 3321 LONDON`:
 * the same merchant shows up under branch numbers, reference codes and several spellings.
 */
export function statementDescription(random: SeededRandom, line: StatementLine): string {
  const text = describe(random, line);
  return text.length > STATEMENT_WIDTH && random.chance(0.5) ? text.slice(0, STATEMENT_WIDTH).trimEnd() : text;
}

function describe(random: SeededRandom, line: StatementLine): string {
  const { day, statementName: name } = line;
  const month = MONTH_ABBREVIATIONS[day.month] ?? 'JAN';
  switch (line.channel) {
    case 'payroll':
      return random.chance(0.5) ? `BGC ${name} SALARY ${month}` : `FPI ${name} PAYROLL ${random.digits(6)}`;
    case 'standing-order':
      return random.chance(0.5) ? `SO ${name} RENT ${month}` : `FPO ${name} REF FLAT ${random.int(1, 40)} ${month}`;
    case 'direct-debit':
      return random.chance(0.6) ? `DD ${name} ${random.digits(8)}` : `DIRECT DEBIT ${name} REF ${random.reference(6)}`;
    case 'online':
      switch (random.int(0, 2)) {
        case 0:
          return `${name}*${random.reference(9)}`;
        case 1:
          return `${name} ${random.reference(6)} ${line.country}`;
        default:
          return cardLine(random, line);
      }
    case 'card':
      return cardLine(random, line);
  }
}

function cardLine(random: SeededRandom, line: StatementLine): string {
  const { day, statementName: name, city, country, cardLast4, storeNumber } = line;
  const dd = String(day.dayOfMonth).padStart(2, '0');
  const mm = String(day.month + 1).padStart(2, '0');
  const month = MONTH_ABBREVIATIONS[day.month] ?? 'JAN';
  switch (line.style) {
    case 'card-prefixed':
      return `CARD ${cardLast4} ${name} ${storeNumber} ${city}`;
    case 'contactless':
      return `CONTACTLESS ${name} ${city} ${country}`;
    case 'pos-dated':
      return `POS ${dd}/${mm} ${name} #${storeNumber}`;
    case 'visa-debit':
      return `VIS ${name} ${city} ${dd}${month}`;
    case 'sentence':
      return `Card payment to ${titleCase(name)} on ${dd} ${titleCase(month)}${random.chance(0.3) ? ` ref ${random.reference(4)}` : ''}`;
  }
}

/** Inputs are catalogue spellings (a few hundred), so remembering them all is cheap and spares a regex per transaction. */
const titleCased = new Map<string, string>();

export function titleCase(text: string): string {
  let cased = titleCased.get(text);
  if (cased === undefined) {
    cased = text.toLowerCase().replace(/(^|[\s&/*'-])([a-z])/g, (_match, before: string, letter: string) => before + letter.toUpperCase());
    titleCased.set(text, cased);
  }
  return cased;
}
