/**
 * The name formats Kuma checks (Kubernetes' k8s.io/apimachinery/pkg/util/validation, which Kuma
 * reuses; SPEC.md section 4), written once: the diagnostics, the conversions and rename use these.
 */

/** DNS-1035 label (RFC 1035): lower case letters, digits and '-', starting with a letter. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 label: lower case letters, digits and '-', starting and ending with a letter or digit. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: RFC 1123 labels joined by '.'. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The longest label. */
export const MAX_LABEL_LENGTH = 63;
/** The longest subdomain. */
export const MAX_SUBDOMAIN_LENGTH = 253;

/** `IsDNS1035Label`: an RFC 1035 label of at most 63 characters. */
export function isRfc1035Label(s: string): boolean {
  return s.length <= MAX_LABEL_LENGTH && DNS1035_LABEL.test(s);
}

/** `IsDNS1123Subdomain`. */
export function isDns1123Subdomain(v: string): boolean {
  return v.length <= MAX_SUBDOMAIN_LENGTH && DNS1123_SUBDOMAIN.test(v);
}
