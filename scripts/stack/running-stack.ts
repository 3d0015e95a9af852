/** The three variables through which tests and relearn's own processes find a stack. */
export interface StackVariables {
  readonly KAFKA_BROKERS: string;
  readonly SCHEMA_REGISTRY_URL: string;
  readonly MONGODB_URI: string;
}

/** A stack that a test run brought up (or found running), and how to undo that. */
export interface RunningStack {
  readonly variables: StackVariables;
  /** One line for the test log: where the stack came from. */
  readonly description: string;
  /** Stops what this run started, and nothing else. */
  stop(): Promise<void>;
}
