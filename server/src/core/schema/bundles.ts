import type { Form, KumaKind } from '../types';
import type { KumaVersion } from '../kuma/versions';
import { loadSchemaBundle } from './validatorFactory';

/** A JSON Schema node as stored in `schemas/*.json`. */
export type JsonSchema = Record<string, unknown>;
interface SchemaBundle {
  kumaVersion: string;
  kumaTag: string;
  resources: Partial<Record<KumaKind, Record<Form, JsonSchema>>>;
}

/** Each version's schema bundle, loaded on its first use (immutable, so shared by every service). */
const BUNDLES = new Map<KumaVersion, SchemaBundle>();

/** The generated JSON Schema for a kind, form and version (also used for hover and completion). */
export function schemaFor(version: KumaVersion, kind: KumaKind, form: Form): JsonSchema {
  const s = maybeSchemaFor(version, kind, form);
  if (!s) throw new Error(`no schema for ${kind} (${form}) at Kuma ${version}`);
  return s;
}

/** The schema of a kind, form and version, or undefined when the bundle has none for it. */
export function maybeSchemaFor(version: KumaVersion, kind: KumaKind, form: Form): JsonSchema | undefined {
  let bundle = BUNDLES.get(version);
  if (!bundle) {
    bundle = loadSchemaBundle(version) as SchemaBundle;
    BUNDLES.set(version, bundle);
  }
  return bundle.resources[kind]?.[form];
}
