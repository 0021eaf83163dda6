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
