import Ajv, { type ValidateFunction } from 'ajv';
import s29 from '../../../../schemas/2.9.json';
import s213 from '../../../../schemas/2.13.json';
import s214 from '../../../../schemas/2.14.json';
import s30 from '../../../../schemas/3.0.json';
import { boundedRegExp } from './boundedRegExp';
import type { Form, KumaKind } from '../types';
import type { KumaVersion } from '../kuma/versions';

/** Makes the validator of one (version, kind, form); `schema` is that kind's generated JSON Schema. */
export type ValidatorFactory = (version: KumaVersion, kind: KumaKind, form: Form, schema: Record<string, unknown>) => ValidateFunction;

/**
 * The ajv options of every validator. The bundles do not use this module: scripts/validators.mjs
 * compiles the same schemas with the same options ahead of time (ajv's standalone code) and the
 * build puts that module in this one's place, so no code is generated at run time (no function is built from a string at run time,
 * which a Content-Security-Policy without 'unsafe-eval' forbids in the browser).
 */
export const AJV_OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true, code: { regExp: boundedRegExp } } as const;

/** Compiles validators at run time with ajv (tests and `tsx` runs of the sources). */
export function createValidatorFactory(): ValidatorFactory {
  const ajv = new Ajv(AJV_OPTIONS);
  return (_version, _kind, _form, schema) => ajv.compile(schema);
}

const SCHEMA_BUNDLES: Record<KumaVersion, unknown> = { '2.9': s29, '2.13': s213, '2.14': s214, '3.0': s30 };

/**
 * The generated schema bundle (schemas/<version>.json) of one Kuma version. The node bundles get
 * the one of scripts/validators.mjs instead, which reads a version's file in dist/ on its first
 * use, so start-up does not compile the schemas and validators of every version.
 */
export function loadSchemaBundle(version: KumaVersion): unknown {
  return SCHEMA_BUNDLES[version];
}
