/**
 * Custom requests and notifications between our VS Code client and the server, defined once
 * and imported by both sides. Plain data only.
 */

/** `kuma/fileInfo`: what the server knows about one open file (for the status bar). */
export const FileInfoRequest = 'kuma/fileInfo';

export interface FileInfoParams {
  uri: string;
}

export interface FileInfoResult {
  /** Number of Kuma resources in the file; 0 means "not a Kuma file". */
  kumaResources: number;
  kumaVersion: string;
  /** True when the file pins its version with a `# kuma-version:` comment. */
  pinned: boolean;
}

/** Where generated MeshServices go (setting `kuma.convert.output`). */
export type ConvertOutput = 'beside' | 'newFile' | 'untitled';

/**
 * How a workspace-wide command is reviewed (third argument): `plan` computes what would change,
 * file by file, without applying anything; `only` applies the change to these files alone, as
 * the user picked them from the plan, in one edit without asking again.
 */
export interface ConvertReview {
  plan?: boolean;
  only?: string[];
  /**
   * One file of the plan: nothing is applied; the result's `content` is that file's text as the
   * command would leave it with the files in `only` picked (its own conversion, or the labels other
   * files give it), for the editor to show beside the file.
   */
  preview?: string;
}

/** One file of a plan: what the command would do to it, in a few words ("2 MeshServices"). */
export interface ConvertPlanFile {
  uri: string;
  summary: string;
}

/**
 * Commands the server executes (`workspace/executeCommand`). Arguments: the file URI (or null
 * for the whole workspace), for the generators the output mode, and for workspace-wide commands
 * optionally a `ConvertReview`. The result is `ConvertCommandResult`.
 */
export const ServerCommands = {
  convertServices: 'kuma.server.convertServices',
  generateFromDataplanes: 'kuma.server.generateFromDataplanes',
  toUniversal: 'kuma.server.toUniversal',
  toKubernetes: 'kuma.server.toKubernetes',
  migrateSelectors: 'kuma.server.migrateSelectors',
  migrateTo30: 'kuma.server.migrateTo30',
  /** Shows what a conversion assumed (arguments: the sentences), after its edit is applied. */
  showNotes: 'kuma.server.showNotes',
} as const;

/**
 * Which conversion of the core's driver (`convertFile`, the names `kuma-lint convert` takes) each
 * palette command runs, with the label the editor shows for it.
 */
export const COMMAND_CONVERSIONS: Record<string, { conversion: string; label: string }> = {
  [ServerCommands.convertServices]: { conversion: 'service-to-meshservice', label: 'Convert Services to MeshServices' },
  [ServerCommands.generateFromDataplanes]: { conversion: 'dataplane-to-meshservice', label: 'Generate MeshServices from Dataplanes' },
  [ServerCommands.toUniversal]: { conversion: 'to-universal', label: 'Convert to Universal format' },
  [ServerCommands.toKubernetes]: { conversion: 'to-kubernetes', label: 'Convert to Kubernetes format' },
  [ServerCommands.migrateSelectors]: { conversion: 'migrate-selectors', label: 'Migrate dataplaneTags to dataplaneLabels' },
  [ServerCommands.migrateTo30]: { conversion: 'migrate-3.0', label: 'Migrate to Kuma 3.0' },
};

export interface ConvertCommandResult {
  /** What happened, in one sentence for a notification. */
  message: string;
  /** With output 'untitled': the generated documents for the client to open; with `review.preview`: the file's text after. */
  content?: string;
  /** Lines explaining what was skipped or not verified. */
  details: string[];
  /** With `review.plan`: the files that would change (nothing was applied). */
  plan?: ConvertPlanFile[];
}

/**
 * `kuma/listYamlFiles`: sent by the server to a client that serves the workspace's files (VS Code
 * for the Web, where the server has no disk): every `.yaml`/`.yml` file under a workspace folder,
 * without `node_modules` and `.git`. The result is the files' URIs.
 */
export const ListYamlFilesRequest = 'kuma/listYamlFiles';

export interface ListYamlFilesParams {
  folderUri: string;
}

/** `kuma/readFile`: the text of one workspace file (UTF-8), from a client that serves files. */
export const ReadFileRequest = 'kuma/readFile';

export interface ReadFileParams {
  uri: string;
}
