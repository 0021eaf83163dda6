// The package's version (package.json "version"), for `--version`, the LSP serverInfo and the
// server's start-up line. scripts/build.mjs defines KUMA_TOOLS_VERSION in every bundle; run from
// source (the unit tests), it is "dev".
declare const KUMA_TOOLS_VERSION: string | undefined;

export const TOOLS_VERSION: string = typeof KUMA_TOOLS_VERSION === 'string' ? KUMA_TOOLS_VERSION : 'dev';
