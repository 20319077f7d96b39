// Runtime token and signed-URL helpers for the local Actions cache service.
//
// `@actions/cache` 6.3.0 never decodes ACTIONS_RUNTIME_TOKEN: it only checks that the variable is
// non-empty (cacheUtils.getRuntimeToken) and sends it as `Authorization: Bearer <token>`. We still mint a
// JWT shaped like the runner's (HS256, `scp` with the Actions.Results run/job scope and an `ac` claim
// listing cache scopes) so code that inspects it sees something realistic, and the service verifies it.

import { createHmac, timingSafeEqual } from "node:crypto";

export interface CacheScope {
  Scope: string;
  /** 1 = read, 2 = write, 3 = read + write (as in the runner's `ac` claim). */
  Permission: number;
}

export interface RuntimeTokenClaims {
  scp: string;
  ac: string;
  iss: string;
  aud: string;
  nbf: number;
  iat: number;
  exp: number;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

function sign(secret: Buffer, data: string): Buffer {
  return createHmac("sha256", secret).update(data).digest();
}

export function createRuntimeToken(
  secret: Buffer,
  options: { scopes?: CacheScope[]; lifetimeSeconds?: number; now?: number } = {},
): string {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const scopes = options.scopes ?? [{ Scope: "refs/heads/main", Permission: 3 }];
  const claims: RuntimeTokenClaims = {
    scp: "Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:local-run:local-job",
    ac: JSON.stringify(scopes),
    iss: "vstoken.actions.githubusercontent.com",
    aud: "vso:00000000-0000-0000-0000-000000000000",
    nbf: now - 60,
    iat: now,
    exp: now + (options.lifetimeSeconds ?? 6 * 3600),
  };
  const head = `${base64url(JSON.stringify({ typ: "JWT", alg: "HS256" }))}.${base64url(JSON.stringify(claims))}`;
  return `${head}.${base64url(sign(secret, head))}`;
}

/** Returns the claims when the token was minted with `secret` and is currently valid, else undefined. */
export function verifyRuntimeToken(secret: Buffer, token: string, now = Date.now()): RuntimeTokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = sign(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as RuntimeTokenClaims;
    const seconds = now / 1000;
    if (typeof claims.exp !== "number" || claims.exp < seconds || claims.nbf > seconds) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/** Signature of a blob URL, SAS-like: permissions, blob id and expiry are covered. */
export function blobSignature(secret: Buffer, permissions: string, blobId: string, expiry: string): string {
  return sign(secret, `${permissions}\n${blobId}\n${expiry}`).toString("base64");
}

export function checkBlobSignature(
  secret: Buffer,
  params: URLSearchParams,
  blobId: string,
  needed: "r" | "w",
  now = Date.now(),
): boolean {
  const sp = params.get("sp") ?? "";
  const se = params.get("se") ?? "";
  const sig = params.get("sig") ?? "";
  if (!sp.includes(needed)) return false;
  const expiry = Date.parse(se);
  if (Number.isNaN(expiry) || expiry < now) return false;
  const expected = Buffer.from(blobSignature(secret, sp, blobId, se));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
