// ml-isolation-forest 0.1.0 ships no type declarations; this covers the part relearn uses.
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    nEstimators: number;
    train(trainingSet: number[][]): void;
    /** Anomaly scores in (0, 1], higher is more anomalous. */
    predict(data: number[][]): number[];
  }
}
