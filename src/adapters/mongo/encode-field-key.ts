/**
 * Makes an arbitrary string (a stream name such as `relearn.events.v1/3`) usable as one
 * field name in a dotted update path: MongoDB reads '.' as nesting and refuses a leading '$'.
 * base64url has neither, and the encoding is injective so two streams never share a field.
 */
export function encodeFieldKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}
