import type { DiagnosticCode, Severity } from '../codes';
import type { Resource } from '../../kuma/resource';
import type { KumaVersion } from '../../kuma/versions';
import type { OffsetRange } from '../../types';
import type { PathSeg } from '../../yaml/nodes';

export interface ReportOptions {
  /** Put the squiggle on the key instead of the value. */
  target?: 'key' | 'value';
  /** Override the code's default severity. */
  severity?: Severity;
  /** Extra data for quick fixes (merged into `diagnostic.data`). */
  data?: Record<string, unknown>;
  related?: { message: string; range: OffsetRange }[];
  /** An explicit range, when the path alone does not say where. */
  range?: OffsetRange;
  /** The problem is the whole field (e.g. a hand-written `status`): schema problems inside its value are dropped. */
  covers?: boolean;
}

/** What a semantic rule sees: one resource, the Kuma version, and a way to report. */
export interface RuleContext {
  version: KumaVersion;
  res: Resource;
  /** Reports a problem at a field given by its Kuma path (`spec.ports[0].appProtocol`). */
  report(code: DiagnosticCode, kumaPath: readonly PathSeg[], message: string, opts?: ReportOptions): void;
}

export type Rule = (ctx: RuleContext) => void;
