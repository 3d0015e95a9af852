import type { SimulatedDay } from './simulation-calendar.js';

/** What every part of one generation shares: the calendar, the period's end and the id scheme. */
export interface SimulationRun {
  calendar: readonly SimulatedDay[];
  /** Epoch ms where the simulated period ends; nothing is recorded after it except resends. */
  end: number;
  /** Day index from which drift applies, or undefined when drift is off. */
  driftFromDay: number | undefined;
  /** Prefix of every eventId, so runs with different seeds never share an eventId. */
  eventIdPrefix: string;
}

export function eventIdOf(run: SimulationRun, kind: string, itemId: string): string {
  return `${run.eventIdPrefix}:${kind}:${itemId}`;
}
