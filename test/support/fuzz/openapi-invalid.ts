/**
 * @module Values an OpenAPI 3.1 schema (JSON Schema) refuses, for the admin fuzzer: every candidate is checked
 * against the schema's own type, enum, pattern, length and range before it is used, so a "bad" value can never
 * turn out to be valid and change state. Only the JSON Schema keywords the admin API's zod schemas emit are read;
 * a schema that uses anything else gets no value-level mutations (null), only whole-body ones.
 */
import type { Rng } from '../prng.ts';
import { nastyString, wrongTypeValue } from './hostile.ts';

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface Components {
  schemas?: Record<string, Schema>;
}

export function resolve(schema: Schema, components: Components): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const found = components.schemas?.[name];
  if (!found) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(found, components);
}

const types = (s: Schema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

const STRING_CANDIDATES = ['', ' ', 'UPPER', 'a_b', '-a', 'a b', '..', '%', '\u0000', 'é', '<x>', '1e3', '-1', '1.5'];

/** A string the schema refuses (checked), or null when none of the candidates is refused. */
export function invalidString(rng: Rng, s: Schema): string | null {
  const pattern = s.pattern === undefined ? null : new RegExp(s.pattern);
  const candidates = [...STRING_CANDIDATES];
  if (s.maxLength !== undefined) candidates.push('a'.repeat(s.maxLength + 1 + rng.int(0, 100)));
  if (s.minLength !== undefined && s.minLength > 0) candidates.push('a'.repeat(s.minLength - 1));
  const refused = candidates.filter((v) => {
    if (s.enum) return !s.enum.includes(v);
    if (pattern && !pattern.test(v)) return true;
    if (s.maxLength !== undefined && v.length > s.maxLength) return true;
    return s.minLength !== undefined && v.length < s.minLength;
  });
  return refused.length > 0 ? rng.pick(refused) : null;
}

/**
 * Text the schema of an integer that travels as text (a path or query parameter: `^\d{1,9}$`, then the range,
 * src/routes/admin/schemas.ts `intText`) refuses.
 */
export function invalidIntegerText(rng: Rng, s: Schema): string {
  const candidates = ['abc', '-1', '1.5', '1e3', ' 5', '', '0x10', '12345678901', '１'];
  if (s.maximum !== undefined) candidates.push(String(s.maximum + 1));
  if (s.minimum !== undefined && s.minimum > 0) candidates.push(String(s.minimum - 1));
  return rng.pick(
    candidates.filter((v) => {
      if (!/^\d{1,9}$/.test(v)) return true;
      const n = Number(v);
      return (s.minimum !== undefined && n < s.minimum) || (s.maximum !== undefined && n > s.maximum);
    }),
  );
}

/**
 * A JSON value the schema refuses: of another type, or of its type but outside its constraints. Null when the
 * schema names no type (it may accept anything).
 */
export function invalidValue(rng: Rng, schema: Schema, components: Components): { value: unknown } | null {
  const s = resolve(schema, components);
  const t = types(s);
  if (t.length === 0) return null;
  const other = () => ({ value: wrongTypeValue(rng, t) });
  if (rng.chance(0.5)) return other();
  if (t.includes('string')) {
    const v = invalidString(rng, s);
    return v === null ? other() : { value: v };
  }
  if (t.includes('integer') || t.includes('number')) {
    const out: number[] = [];
    if (s.maximum !== undefined) out.push(s.maximum + 1, s.maximum * 10 + 1);
    if (s.minimum !== undefined) out.push(s.minimum - 1);
    if (t.includes('integer')) out.push(0.5, (s.minimum ?? 0) + 0.25);
    return out.length > 0 ? { value: rng.pick(out) } : other();
  }
  if (t.includes('array')) {
    const options: (() => { value: unknown } | null)[] = [];
    if (s.minItems !== undefined && s.minItems > 0) options.push(() => ({ value: [] }));
    if (s.maxItems !== undefined) {
      options.push(() => ({ value: Array.from({ length: s.maxItems! + 1 }, () => 'default') }));
    }
    if (s.items) {
      options.push(() => {
        const item = invalidValue(rng, s.items!, components);
        return item && { value: [item.value] };
      });
    }
    return (options.length > 0 ? rng.pick(options)() : null) ?? other();
  }
  return other();
}

/** `base` (a valid body for `schema`) with exactly one thing made invalid. */
export function invalidBody(rng: Rng, base: unknown, schema: Schema, components: Components): unknown {
  const s = resolve(schema, components);
  if (!types(s).includes('object') || typeof base !== 'object' || base === null || Array.isArray(base)) {
    return invalidValue(rng, s, components)?.value ?? wrongTypeValue(rng, types(s));
  }
  const body = { ...(base as Record<string, unknown>) };
  const props = Object.keys(s.properties ?? {});
  const how = rng.pick(['field', 'field', 'missing', 'extra', 'top']);
  const present = (s.required ?? []).filter((k) => k in body);
  if (how === 'missing' && present.length > 0) {
    delete body[rng.pick(present)];
    return body;
  }
  if (how === 'extra' && s.additionalProperties === false) {
    const key = rng.pick(['fuzz_extra', '__proto__', 'constructor', 'toString', 'Name', ' name']);
    if (!props.includes(key)) {
      Object.defineProperty(body, key, {
        value: rng.pick([1, 'x', { polluted: true }, nastyString(rng)]),
        enumerable: true,
      });
      return body;
    }
  }
  const key = props.length > 0 ? rng.pick(props) : null;
  const value = key === null || how === 'top' ? null : invalidValue(rng, s.properties![key]!, components);
  // Not an object at all: refused by any object schema.
  if (key === null || value === null) return wrongTypeValue(rng, ['object']);
  body[key] = value.value;
  return body;
}
