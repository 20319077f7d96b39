/**
 * Nothing secret is ever printed: registered secrets (credentials, tokens) and the
 * user-info part of any URL are replaced before a message leaves the action.
 */
const secrets = new Set<string>();

/** Everything registered, for handing to the runner's own masking. */
export function registeredSecrets(): string[] {
  return [...secrets];
}

export function addSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; the runner masks those itself.
  if (value && value.length >= 4) secrets.add(value);
}

/** Passwords inside URLs (`https://user:pass@host`, `https://token@host`) become `***`. */
export function secretsInUrl(url: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i.exec(url);
  if (!m?.[1]) return [];
  const userinfo = m[1];
  const colon = userinfo.indexOf(":");
  const found = colon >= 0 ? [userinfo.slice(colon + 1)] : [userinfo];
  return found.flatMap((s) => [s, safeDecode(s)]).filter((s) => s.length > 0);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function redact(text: string): string {
  let out = text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+)(:[^/@\s]*)?@/gi,
    (_m, scheme: string, user: string, pass?: string) => (pass ? `${scheme}${user}:***@` : `${scheme}***@`),
  );
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
  return out;
}
