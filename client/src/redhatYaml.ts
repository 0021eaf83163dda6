/**
 * Living beside Red Hat YAML (redhat.vscode-yaml): the decisions, without the vscode module, so
 * they are unit-tested with a fake of Red Hat's API. extension.ts only wires them to VS Code.
 *
 * - Schemas: for a file that holds a Kuma document, Red Hat is given (through its public
 *   `registerContributor` API, which takes precedence over `yaml.schemas`, its Kubernetes schema
 *   and the CRD / Schema Store catalogs) a permissive schema of our own `kuma` scheme. Red Hat then
 *   reports no schema errors, completions or hovers for it that would contradict or repeat ours
 *   (for example a CRD schema of another Kuma version). Other files keep Red Hat's schemas.
 * - YAML syntax: both extensions parse the file; with `kuma.validate.yamlSyntax: auto`, syntax
 *   errors and duplicate keys are left to Red Hat while it validates (`yaml.validate`), so each
 *   appears once.
 */

export const REDHAT_YAML_ID = 'redhat.vscode-yaml';
export const KUMA_SCHEMA_SCHEME = 'kuma';
export const KUMA_SCHEMA_URI = `${KUMA_SCHEMA_SCHEME}://schemas/kuma-resource.json`;

/** The part of Red Hat YAML's exported API used here (`registerContributor`, since 0.0.x). */
export interface RedHatYamlApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => string | undefined,
    label?: string,
  ): boolean;
}

const KUMA_KINDS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'HostnameGenerator', 'Dataplane'];
const KUMA_DOCUMENT = new RegExp(`^(?:kind|type):[ \\t]*(["']?)(?:${KUMA_KINDS.join('|')})\\1[ \\t]*(?:#.*)?\\r?$`, 'm');

/** Whether a file's text has a Kuma document: a top-level `kind:` (Kubernetes) or `type:` (Universal) of a Kuma kind. */
export function hasKumaDocument(text: string): boolean {
  return KUMA_DOCUMENT.test(text);
}

/** Accepts any YAML: Red Hat applies it instead of other schemas; the Kuma extension checks the file. */
export const PERMISSIVE_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: KUMA_SCHEMA_URI,
  title: 'Kuma resources',
  description:
    'Kuma resources are checked by the Kuma MeshService Tools extension against the schemas and rules of the chosen Kuma version (see its diagnostics, source "kuma").',
});

/**
 * Registers the Kuma schema contributor with Red Hat YAML. `textOf` gives the current text of an
 * open document by URI (Red Hat asks for open documents only). Returns what Red Hat returned.
 */
export function registerKumaSchema(api: RedHatYamlApi, textOf: (uri: string) => string | undefined): boolean {
  return api.registerContributor(
    KUMA_SCHEMA_SCHEME,
    (resource) => {
      const text = textOf(resource);
      return text !== undefined && hasKumaDocument(text) ? KUMA_SCHEMA_URI : undefined;
    },
    (uri) => (uri === KUMA_SCHEMA_URI ? PERMISSIVE_SCHEMA : undefined),
    'Kuma',
  );
}

/** The effective `kuma.validate.yamlSyntax`: `auto` is `off` while Red Hat YAML validates, else `on`. */
export function effectiveYamlSyntax(setting: unknown, redHat: { present: boolean; validates: boolean }): 'on' | 'off' {
  if (setting === 'on' || setting === 'off') return setting;
  return redHat.present && redHat.validates ? 'off' : 'on';
}

/**
 * The `kuma` configuration section as the server gets it: `validate.yamlSyntax` resolved (the
 * server knows nothing about other extensions). Anything else passes through untouched.
 */
export function resolveKumaSection(section: unknown, redHat: { present: boolean; validates: boolean }): unknown {
  if (!section || typeof section !== 'object') return section;
  const s = section as Record<string, unknown>;
  const validate = s.validate && typeof s.validate === 'object' ? (s.validate as Record<string, unknown>) : {};
  return { ...s, validate: { ...validate, yamlSyntax: effectiveYamlSyntax(validate.yamlSyntax, redHat) } };
}
