/** Time as the rest of the code sees it: injected, so tests and the embedded run can drive it. */
export interface Clock {
  now(): number;
}
