import {
  DEFAULT_SETTINGS,
  isKumaVersion,
  normalizeKumaVersion,
  parseSeverityOverrides,
  type Settings,
  type SeverityOverrides,
} from '../core';

/** Whose problems the server reports (setting `kuma.diagnostics.scope`). */
export type DiagnosticsScope = 'workspace' | 'openFiles';

/** Settings of the server: the core's plus which files the workspace index skips. */
export interface ServerSettings extends Settings {
  filesExclude: string[];
  /**
   * Whose problems are reported: every indexed file (`workspace`, the default: files not open are
   * pushed) or the open files only (`openFiles`).
   */
  diagnosticsScope: DiagnosticsScope;
  /** Why parts of the settings were ignored, for the output channel. */
  problems?: string[];
  /** Whether the settings named the Kuma version (else it is the default). */
  versionSet?: boolean;
}

/** Reads our settings out of whatever shape a client sends (`{kuma: {...}}` or the section itself). */
export function readSettings(raw: unknown): ServerSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const kuma = (obj.kuma && typeof obj.kuma === 'object' ? obj.kuma : obj) as Record<string, unknown>;
  const v = kuma.version;
  const version = typeof v === 'string' ? (isKumaVersion(v) ? v : normalizeKumaVersion(v)) : undefined;
  const validate = kuma.validate as Record<string, unknown> | boolean | undefined;
  const enable = typeof validate === 'object' && validate !== null ? validate.enable : validate;
  const files = kuma.files as Record<string, unknown> | undefined;
  const exclude = files && Array.isArray(files.exclude) ? files.exclude.filter((x): x is string => typeof x === 'string') : [];
  const diagnostics = kuma.diagnostics as Record<string, unknown> | undefined;
  const { overrides, problems } = parseSeverityOverrides(diagnostics?.severity);
  const scope = diagnostics?.scope;
  const said = problems.map((p) => `kuma.diagnostics.severity: ${p}`);
  if (scope !== undefined && scope !== 'workspace' && scope !== 'openFiles')
    said.push(`kuma.diagnostics.scope: ${JSON.stringify(scope)} is neither "workspace" nor "openFiles"; using "workspace"`);
  // `kuma.validate.yamlSyntax`: `off` leaves YAML syntax errors to another YAML extension (the
  // VS Code client resolves `auto` before it gets here; other editors get `on`).
  const yamlSyntax = typeof validate === 'object' && validate !== null ? validate.yamlSyntax : undefined;
  const severity: SeverityOverrides =
    yamlSyntax === 'off' ? { 'yaml-syntax': 'off', 'yaml-duplicate-key': 'off', ...overrides } : overrides;
  return {
    kumaVersion: version ?? DEFAULT_SETTINGS.kumaVersion,
    validate: typeof enable === 'boolean' ? enable : DEFAULT_SETTINGS.validate,
    filesExclude: exclude,
    diagnosticsScope: scope === 'openFiles' ? 'openFiles' : 'workspace',
    ...(Object.keys(severity).length ? { severity } : {}),
    ...(said.length ? { problems: said } : {}),
    ...(version !== undefined ? { versionSet: true } : {}),
  };
}

/** A workspace folder as the user knows it: a file: URI as its path, any other URI as it is. */
export function displayUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    const p = decodeURIComponent(new URL(uri).pathname);
    return /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p;
  } catch {
    return uri;
  }
}
