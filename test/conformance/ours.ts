/**
 * The one place the conformance runner reaches into our core (in-process: the CLI would cost a
 * process per document). Everything else goes through the plain data this file returns; the
 * conversions go through the CLI (see convert.ts).
 */
import { createLanguageService, type KumaVersion } from '../../server/src/core';

export interface OurDiagnostic {
  code: string;
  severity: string;
  message: string;
  path: string;
}

const service = createLanguageService({ cacheSize: 2000 });

/** Our diagnostics of a one-document file, as `kuma-lint check --format json` reports them. */
export function checkDocument(text: string, version: string): OurDiagnostic[] {
  const a = service.analyze(text, { kumaVersion: version as KumaVersion, validate: true });
  return a.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    path: (d.data as { path?: string } | undefined)?.path ?? '',
  }));
}
