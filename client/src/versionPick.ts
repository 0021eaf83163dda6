// The quick pick behind the status bar's Kuma version item (command kuma.selectVersion): what it
// lists and says, without the vscode API, so it is unit-tested (test/unit/versionPick.test.ts).

/** `contributes.configuration.properties["kuma.version"]` of package.json. */
export interface VersionProperty {
  enum: string[];
  enumDescriptions?: string[];
}

export interface VersionPickItem {
  label: string;
  description?: string;
  /** The version this item sets; none on a separator. */
  version?: string;
  kind?: 'separator';
}

export interface VersionPick {
  title: string;
  placeholder: string;
  items: VersionPickItem[];
  /** Index in `items` of the item to start on: the current version. */
  active: number;
}

export function versionPick(o: {
  property: VersionProperty;
  /** The setting's value now. */
  current: string;
  /** Where the choice is written: the workspace settings when a folder is open, else the user's. */
  scope: 'workspace' | 'user';
  /** The active file's `# kuma-version:` pin, which wins over the setting for that file. */
  pinned?: { version: string; file: string };
}): VersionPick {
  const items: VersionPickItem[] = [];
  if (o.pinned) items.push({ label: `${o.pinned.file} pins Kuma ${o.pinned.version}`, kind: 'separator' });
  for (const [i, version] of o.property.enum.entries()) {
    const current = version === o.current;
    const description = [current ? 'current' : '', o.property.enumDescriptions?.[i] ?? ''].filter(Boolean).join(' · ');
    items.push({ label: `${current ? '$(check) ' : ''}Kuma ${version}`, ...(description ? { description } : {}), version });
  }
  const active = items.findIndex((i) => i.version === o.current);
  return {
    title: `Kuma version (${o.scope} setting kuma.version)`,
    placeholder: o.pinned
      ? `${o.pinned.file} pins Kuma ${o.pinned.version} with "# kuma-version:": the pin wins for that file; the setting applies to the others (now Kuma ${o.current})`
      : `Pick the Kuma version whose schemas and rules apply; now Kuma ${o.current}`,
    items,
    active: active >= 0 ? active : items.findIndex((i) => i.version !== undefined),
  };
}
