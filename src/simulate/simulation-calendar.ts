export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const MONTH_ABBREVIATIONS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/** One simulated day, with the calendar facts the rhythms need (read in UTC). */
export interface SimulatedDay {
  index: number;
  startsAt: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  dayOfMonth: number;
  /** 0 = January. */
  month: number;
  isWeekend: boolean;
}

/** The period's days, computed once so the per-transaction loop never builds a Date. */
export function simulationCalendar(start: number, days: number): SimulatedDay[] {
  const calendar: SimulatedDay[] = [];
  for (let index = 0; index < days; index++) {
    const startsAt = start + index * DAY_MS;
    const date = new Date(startsAt);
    const weekday = date.getUTCDay();
    calendar.push({
      index,
      startsAt,
      weekday,
      dayOfMonth: date.getUTCDate(),
      month: date.getUTCMonth(),
      isWeekend: weekday === 0 || weekday === 6,
    });
  }
  return calendar;
}

/**
 * Whether a monthly payment due on `dueDay` (1–28) is made on `day`: on the due day itself
 * when that is a working day, otherwise on the Friday before (how payrolls and standing
 * orders behave).
 */
export function isMonthlyPaymentDay(day: SimulatedDay, dueDay: number): boolean {
  if (day.isWeekend) return false;
  if (day.dayOfMonth === dueDay) return true;
  return day.weekday === 5 && (day.dayOfMonth + 1 === dueDay || day.dayOfMonth + 2 === dueDay);
}
