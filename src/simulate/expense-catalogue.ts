import type { HourWindow } from './hour-of-day.js';

/** Categories of an expense-report app. */
export type ExpenseCategory = 'travel' | 'meals' | 'lodging' | 'office' | 'software' | 'mileage' | 'client-entertainment' | 'training' | 'telecom';

export interface ExpenseVendor {
  name: string;
  category: ExpenseCategory;
  /** Median in GBP before the organisation's price level (per night for lodging, per mile for mileage). */
  typicalAmount: number;
  spread: number;
  /** What employees type in the description box; `{city}` and `{vendor}` are filled in. */
  descriptions: readonly string[];
}

export interface ExpenseCategoryRhythm {
  hourWindows: readonly HourWindow[];
  /** Relative weight of a weekend day against a weekday. */
  weekendWeight: number;
}

export const EXPENSE_CATEGORY_RHYTHMS: Readonly<Record<ExpenseCategory, ExpenseCategoryRhythm>> = {
  travel: { hourWindows: [{ from: 6, to: 10, weight: 3 }, { from: 10, to: 17, weight: 1 }, { from: 17, to: 21, weight: 2 }], weekendWeight: 0.3 },
  meals: { hourWindows: [{ from: 7, to: 9, weight: 1 }, { from: 12, to: 14, weight: 3 }, { from: 19, to: 22, weight: 3 }], weekendWeight: 0.25 },
  lodging: { hourWindows: [{ from: 7, to: 11, weight: 2 }, { from: 15, to: 23, weight: 1 }], weekendWeight: 0.4 },
  office: { hourWindows: [{ from: 9, to: 18, weight: 1 }], weekendWeight: 0.05 },
  software: { hourWindows: [{ from: 9, to: 18, weight: 1 }], weekendWeight: 0.05 },
  mileage: { hourWindows: [{ from: 8, to: 18, weight: 1 }], weekendWeight: 0.05 },
  'client-entertainment': { hourWindows: [{ from: 12, to: 15, weight: 1 }, { from: 19, to: 23, weight: 3 }], weekendWeight: 0.1 },
  training: { hourWindows: [{ from: 9, to: 17, weight: 1 }], weekendWeight: 0.05 },
  telecom: { hourWindows: [{ from: 9, to: 17, weight: 1 }], weekendWeight: 0.05 },
};

function vendor(name: string, category: ExpenseCategory, typicalAmount: number, spread: number, descriptions: readonly string[]): ExpenseVendor {
  return { name, category, typicalAmount, spread, descriptions };
}

export const EXPENSE_VENDORS: readonly ExpenseVendor[] = [
  vendor('British Airways', 'travel', 240, 0.5, ['Flight to {city}', 'Return flight {city}', 'Flight change fee']),
  vendor('Lufthansa', 'travel', 220, 0.5, ['Flight to {city}', 'Return flight {city}']),
  vendor('easyJet', 'travel', 95, 0.5, ['Flight to {city}', 'Flight {city} client visit']),
  vendor('Trainline', 'travel', 65, 0.5, ['Train to {city}', 'Return rail ticket {city}', 'Train ticket client meeting']),
  vendor('Deutsche Bahn', 'travel', 70, 0.5, ['Train to {city}', 'ICE ticket {city}']),
  vendor('Uber', 'travel', 22, 0.5, ['Taxi to client site', 'Taxi airport to hotel', 'Uber to office {city}']),
  vendor('Addison Lee', 'travel', 38, 0.4, ['Taxi to airport', 'Late taxi home after client event']),
  vendor('FreeNow', 'travel', 18, 0.5, ['Taxi to station', 'Taxi to client site']),
  vendor('Marriott', 'lodging', 160, 0.3, ['Hotel {city}', 'Hotel stay {city} conference']),
  vendor('Hilton', 'lodging', 150, 0.3, ['Hotel {city}', 'Hotel {city} client visit']),
  vendor('Premier Inn', 'lodging', 85, 0.25, ['Hotel {city}', 'Overnight stay {city}']),
  vendor('Novotel', 'lodging', 120, 0.3, ['Hotel {city}', 'Hotel near client office']),
  vendor('Ibis', 'lodging', 75, 0.25, ['Hotel {city}', 'Overnight stay {city}']),
  vendor('Pret A Manger', 'meals', 9, 0.35, ['Lunch on the road', 'Breakfast during trip', 'Lunch {city}']),
  vendor('Wagamama', 'meals', 24, 0.35, ['Dinner during trip', 'Team lunch', 'Dinner {city}']),
  vendor('Leon', 'meals', 12, 0.3, ['Lunch during workshop', 'Lunch {city}']),
  vendor("Nando's", 'meals', 20, 0.35, ['Dinner during trip', 'Team dinner']),
  vendor('Dishoom', 'meals', 45, 0.35, ['Team dinner', 'Dinner with colleagues {city}']),
  vendor('Staples', 'office', 30, 0.6, ['Printer toner', 'Notebooks and pens', 'Office supplies']),
  vendor('Amazon Business', 'office', 40, 0.7, ['USB-C adapters', 'Desk lamp', 'Monitor cable', 'Office supplies']),
  vendor('Viking Direct', 'office', 35, 0.6, ['Paper and envelopes', 'Office supplies']),
  vendor('Ryman', 'office', 18, 0.5, ['Stationery', 'Whiteboard markers']),
  vendor('Figma', 'software', 45, 0.2, ['{vendor} monthly seat', '{vendor} professional plan']),
  vendor('GitHub', 'software', 21, 0.3, ['{vendor} team seats', '{vendor} Copilot']),
  vendor('Atlassian', 'software', 60, 0.4, ['{vendor} Jira licence', '{vendor} Confluence seats']),
  vendor('Slack', 'software', 12, 0.2, ['{vendor} pro plan']),
  vendor('Zoom', 'software', 14, 0.2, ['{vendor} meetings licence']),
  vendor('JetBrains', 'software', 25, 0.3, ['{vendor} IDE licence', '{vendor} all products pack']),
  vendor('Udemy Business', 'training', 120, 0.5, ['Online course', 'Course: cloud architecture']),
  vendor("O'Reilly", 'training', 45, 0.3, ['Learning platform subscription', 'Technical books']),
  vendor('Eventbrite', 'training', 300, 0.6, ['Conference ticket', 'Workshop ticket {city}']),
  vendor('Mileage claim', 'mileage', 0.45, 0, ['Mileage client visit {city}', 'Mileage to site {city}', 'Mileage customer workshop']),
  vendor('The Ivy', 'client-entertainment', 160, 0.4, ['Client dinner', 'Dinner with prospect {city}']),
  vendor('Hawksmoor', 'client-entertainment', 220, 0.4, ['Client dinner', 'Client entertainment']),
  vendor('Gaucho', 'client-entertainment', 180, 0.4, ['Client lunch', 'Dinner with partner team']),
  vendor('Vodafone Business', 'telecom', 35, 0.25, ['Mobile roaming', 'Phone bill']),
  vendor('EE', 'telecom', 28, 0.25, ['Mobile data add-on', 'Phone bill']),
];

/** Vendors no ordinary expense comes from: planted "unusual vendor" anomalies use these. */
export const SUSPICIOUS_VENDORS: readonly string[] = [
  'Casino Royale Mayfair',
  'Rolex Boutique',
  'Cash Withdrawal ATM',
  'Gift Cards Direct',
  'Luxury Spa & Resort',
  'Private Jet Charter',
  'Electronics Resale Ltd',
];

/** Where each kind of employee spends, as shares of their expense lines. */
export type EmployeeRole = 'sales' | 'engineering' | 'operations';

export const ROLE_EXPENSE_MIX: Readonly<Record<EmployeeRole, Readonly<Partial<Record<ExpenseCategory, number>>>>> = {
  sales: { travel: 0.25, meals: 0.25, lodging: 0.15, mileage: 0.15, 'client-entertainment': 0.12, telecom: 0.04, office: 0.04 },
  engineering: { software: 0.3, meals: 0.2, office: 0.2, training: 0.15, travel: 0.1, telecom: 0.05 },
  operations: { office: 0.35, mileage: 0.2, meals: 0.2, telecom: 0.1, software: 0.1, travel: 0.05 },
};
