/**
 * Kuma versions this tool knows, and the facts that differ between them.
 * Source: ../shared/kuma/SPEC.md sections 2 to 5 (read from the Kuma source at each tag).
 */

export const KUMA_VERSIONS = ['2.9', '2.13', '2.14', '3.0'] as const;
export type KumaVersion = (typeof KUMA_VERSIONS)[number];
export const DEFAULT_KUMA_VERSION: KumaVersion = '2.14';

/** Kuma tag whose schemas and rules each version label stands for. */
export const KUMA_TAGS: Record<KumaVersion, string> = {
  '2.9': '2.9.19',
  '2.13': 'v2.13.10',
  '2.14': 'v2.14.3',
  '3.0': 'HEAD (3.0 development line)',
};

export function isKumaVersion(v: unknown): v is KumaVersion {
  return typeof v === 'string' && (KUMA_VERSIONS as readonly string[]).includes(v);
}

/**
 * Accepts the spellings people type ("2.14", "2.14.3", "v2.14", "3", "3.0.0", "head")
 * and returns the version label, or undefined when it names no version we cover.
 * 2.10 to 2.12 share 2.13's rules for everything we check (SPEC.md section 3.1).
 */
export function normalizeKumaVersion(raw: string): KumaVersion | undefined {
  const s = raw.trim().toLowerCase().replace(/^v/, '');
  if (s === 'head' || s === 'latest' || s === '3' || s.startsWith('3.')) return '3.0';
  const m = /^2\.(\d+)(?:\.\d+)?$/.exec(s);
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (minor === 9) return '2.9';
  if (minor >= 10 && minor <= 13) return '2.13';
  if (minor === 14) return '2.14';
  return undefined;
}

/** Numeric ordering of version labels, for "from 2.14 on" style rules. */
export function versionAtLeast(v: KumaVersion, min: KumaVersion): boolean {
  return KUMA_VERSIONS.indexOf(v) >= KUMA_VERSIONS.indexOf(min);
}

/** `SupportedProtocols` in Kuma's order (SPEC.md section 3). */
export function supportedProtocols(v: KumaVersion): string[] {
  return v === '3.0' ? ['grpc', 'http', 'http2', 'tcp'] : ['grpc', 'http', 'http2', 'kafka', 'tcp'];
}

/** Protocols `ParseProtocol` knows: the supported ones plus tls (all) and mysql (2.10+). */
export function parsableProtocols(v: KumaVersion): string[] {
  const extra = v === '2.9' ? ['tls'] : ['tls', 'mysql'];
  return [...supportedProtocols(v), ...extra];
}

/**
 * A file may pin its Kuma version with a comment on its first line:
 * `# kuma-version: 3.0`. Returns the pinned version text (not validated) or undefined.
 */
export function pinnedVersionText(text: string): { value: string; start: number; end: number } | undefined {
  const firstLineEnd = text.indexOf('\n');
  const line = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  const m = /^(\s*#\s*kuma-version\s*:\s*)(\S+)\s*$/.exec(line.replace(/\r$/, ''));
  if (!m) return undefined;
  return { value: m[2], start: m[1].length, end: m[1].length + m[2].length };
}
