import avro from 'avsc';

/**
 * avsc types for our schemas. Long values (timestamp-millis included) decode to plain
 * numbers, which is exact for epoch milliseconds and every counter relearn emits.
 */
export function avroType(schema: object): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false });
}
