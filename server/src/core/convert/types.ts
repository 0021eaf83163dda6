import type { ParsedDocument } from '../yaml/documents';
import type { OffsetRange } from '../types';
import type { KumaVersion } from '../kuma/versions';
import type { WorkspaceIndex } from '../host/workspaceIndex';

/**
 * Shared shapes of the conversions (Service → MeshService, Dataplane → MeshService,
 * Kubernetes ↔ Universal, selector migration). Conversions are pure: they read one parsed
 * document (plus the workspace index for eligibility) and return YAML text and edits.
 */

/** What a conversion reads. Offsets in `doc` are relative to `chunk`. */
export interface ConvertInput {
  doc: ParsedDocument;
  /** The text of the document's chunk (as given to the parser, starting at its `---` line if any). */
  chunk: string;
  version: KumaVersion;
  index: WorkspaceIndex;
}

/** One generated resource. */
export interface Generated {
  /** Short human label, e.g. `MeshService redis (kuma-demo)`. */
  label: string;
  /** The resource as a YAML document, without a leading `---`, ending in a newline. */
  yaml: string;
}

/** The result of a generator: what it made, and what it skipped or could not verify, in words. */
export interface GenerateResult {
  generated: Generated[];
  /** Why nothing (or not everything) was generated, one sentence each, e.g. "Service redis has no kuma.io/mesh label and namespace kuma-demo does not enable sidecar injection". */
  skipped: string[];
  /** Facts the conversion assumed because the workspace does not hold them, e.g. "Namespace kuma-demo is not in the workspace: its kuma.io/sidecar-injection label was not checked". */
  unverified: string[];
  /** The same assumptions in a few words each, in the same order, for an action title, e.g. "namespace shop exists". */
  assumed?: string[];
  /** When the only obstacle is a missing `kuma.io/mesh` label on the Service: the edit (chunk offsets) that adds `kuma.io/mesh: default`. */
  addMeshLabel?: TextEdit[];
}

/** A text edit in chunk offsets. */
export interface TextEdit {
  range: OffsetRange;
  newText: string;
}
