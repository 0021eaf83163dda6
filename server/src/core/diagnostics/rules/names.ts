/**
 * Name checks with the exact messages of Kubernetes' validation helpers
 * (k8s.io/apimachinery/pkg/util/validation), which Kuma reuses (SPEC.md section 4).
 */

import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, isDns1123Subdomain } from '../../kuma/names';

export { isDns1123Subdomain };

export const MSG_DNS1035_FORMAT =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
export const MSG_DNS1123_LABEL_FORMAT =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const MSG_DNS1123_SUBDOMAIN_FORMAT =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** `NameIsDNS1035Label` / `IsDNS1035Label`: the list of problems, empty when valid. */
export function dns1035LabelErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(v)) errs.push(MSG_DNS1035_FORMAT);
  return errs;
}

/** `IsDNS1123Label`. */
export function dns1123LabelErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(v)) errs.push(MSG_DNS1123_LABEL_FORMAT);
  return errs;
}

/** `IsDNS1123Subdomain`. */
export function dns1123SubdomainErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(v)) errs.push(MSG_DNS1123_SUBDOMAIN_FORMAT);
  return errs;
}

/** Go's `net.ParseIP` accepts dotted IPv4 and IPv6 text. */
export function isIP(v: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (v4) return v4.slice(1).every((p) => Number(p) <= 255 && (p.length === 1 || p[0] !== '0' || p === '0'));
  if (!v.includes(':') || v.includes('%')) return false;
  // IPv6: at most one "::", hex groups of 1-4, optionally ending with an IPv4 part.
  const dbl = v.split('::');
  if (dbl.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const parts = [...groups(dbl[0]), ...(dbl.length === 2 ? groups(dbl[1]) : [])];
  let count = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === parts.length - 1 && p.includes('.')) {
      if (!isIP(p) || p.includes(':')) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) count += 1;
    else return false;
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

/** Kuma's `govalidator.IsDNSName`-style check for host names (used for addresses). */
export function isDNSName(v: string): boolean {
  if (v === '' || v.length > 255) return false;
  const name = v.endsWith('.') ? v.slice(0, -1) : v;
  if (isIP(name)) return false;
  return name.split('.').every((l) => l.length > 0 && l.length <= 63 && /^[a-zA-Z0-9_]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/.test(l));
}

const MSG_LABEL_VALUE_FORMAT =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const MSG_QUALIFIED_NAME_FORMAT =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const isAlnum = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
/** `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, in one pass. */
function isNamePart(v: string): boolean {
  if (v === '' || !isAlnum(v[0]) || !isAlnum(v[v.length - 1])) return false;
  for (const c of v) if (!isAlnum(c) && c !== '-' && c !== '_' && c !== '.') return false;
  return true;
}

/** `IsValidLabelValue` (ObjectMeta validation of `metadata.labels` values). */
export function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (v !== '' && !isNamePart(v)) errs.push(MSG_LABEL_VALUE_FORMAT);
  return errs;
}

/** `IsQualifiedName` (ObjectMeta validation of `metadata.labels` keys). */
export function qualifiedNameErrors(v: string): string[] {
  const parts = v.split('/');
  if (parts.length > 2)
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  const errs: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(parts[0]).map((e) => `prefix part ${e}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name !== '' && !isNamePart(name)) errs.push(MSG_QUALIFIED_NAME_FORMAT);
  return errs;
}
