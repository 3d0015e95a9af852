import fc from 'fast-check';

type JsonSchema = Record<string, unknown>;

export interface ArbitraryHints {
  /** Values worth trying for a property or parameter of this name (real scopes, job ids…), mixed with generated ones. */
  byName?: Readonly<Record<string, readonly unknown[]>>;
}

/** Anything JSON can hold, including the awkward cases (deep nesting, unicode, huge numbers). */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null ? (value as JsonSchema) : {};
}

/**
 * Arbitraries from the JSON Schema 2020-12 subset zod emits. Each schema yields mostly
 * conforming values, salted with nearby invalid ones (out of range, wrong type), since
 * the point is to find inputs the server mishandles.
 */
export class JsonSchemaArbitraries {
  constructor(
    private readonly components: Readonly<Record<string, unknown>>,
    private readonly hints: ArbitraryHints = {},
  ) {}

  of(schema: unknown, name?: string): fc.Arbitrary<unknown> {
    const conforming = this.conforming(asSchema(schema), 0);
    const hinted = name === undefined ? undefined : this.hints.byName?.[name];
    const choices: fc.WeightedArbitrary<unknown>[] = [
      { arbitrary: conforming, weight: 6 },
      { arbitrary: anyJson, weight: 1 },
    ];
    if (hinted !== undefined && hinted.length > 0) choices.push({ arbitrary: fc.constantFrom(...hinted), weight: 4 });
    return fc.oneof(...choices);
  }

  private conforming(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return this.conforming(asSchema(this.components[name]), depth + 1);
    }
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
    if (Array.isArray(alternatives) && alternatives.length > 0 && schema.type === undefined) {
      return fc.oneof(...alternatives.map((alternative) => this.conforming(asSchema(alternative), depth + 1)));
    }
    if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((type) => this.conforming({ ...schema, type }, depth)));
    switch (schema.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer': {
        const min = typeof schema.minimum === 'number' ? schema.minimum : -1e9;
        const max = typeof schema.maximum === 'number' ? schema.maximum : 1e9;
        const low = Math.max(min, -1e9);
        const high = Math.min(max, 1e9);
        return fc.oneof(fc.integer({ min: low, max: Math.max(low, Math.min(high, low + 100)) }), fc.integer({ min: low, max: high }), fc.constantFrom(min - 1, max + 1, 0.5));
      }
      case 'number': {
        const min = typeof schema.minimum === 'number' ? schema.minimum : -1e9;
        const max = typeof schema.maximum === 'number' ? schema.maximum : 1e9;
        return fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min - 1, max + 1, 0));
      }
      case 'string': {
        const examples = Array.isArray(schema.examples) ? (schema.examples as unknown[]) : [];
        return examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), fc.string({ maxLength: 40 })) : fc.string({ maxLength: 40 });
      }
      case 'array':
        return depth > 4 ? fc.constant([]) : fc.array(this.conforming(asSchema(schema.items), depth + 1), { maxLength: 3 });
      case 'object': {
        if (depth > 4) return fc.constant({});
        const properties = asSchema(schema.properties);
        const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, value] of Object.entries(properties)) model[key] = this.propertyValue(asSchema(value), key, depth);
        const known = fc.record(model, { requiredKeys: Object.keys(model).filter((key) => required.has(key)) });
        // Now and then a key the schema does not know, to exercise strictness.
        return fc.oneof(
          { arbitrary: known, weight: 5 },
          { arbitrary: fc.tuple(known, fc.string({ minLength: 1, maxLength: 8 }), anyJson).map(([value, key, extra]) => ({ ...value, [key]: extra })), weight: 1 },
        );
      }
      default:
        return anyJson;
    }
  }

  private propertyValue(schema: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
    const hinted = this.hints.byName?.[name];
    const conforming = this.conforming(schema, depth + 1);
    return hinted !== undefined && hinted.length > 0 ? fc.oneof(conforming, fc.constantFrom(...hinted)) : conforming;
  }
}
