import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The JSON web tokens a GitHub App signs with its private key to call `/app/...` endpoints
 * and to exchange for installation tokens: RS256, `iss` = the App's id (or client id), `iat`
 * not in the future, `exp` in the future but at most 10 minutes away. The messages are
 * GitHub's own, because clients match on them (`@octokit/auth-app` corrects clock skew when
 * it sees the `exp`/`iat` ones).
 */
export const JWT_ERRORS = {
  undecodable: 'A JSON web token could not be decoded',
  issuer: "'Issuer' claim ('iss') must be an Integer",
  issuedAt: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  expired: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooFarAhead: "'Expiration time' claim ('exp') is too far in the future",
} as const;

/** GitHub's limit on a JWT's remaining lifetime. */
export const MAX_JWT_LIFETIME_SECONDS = 600;

export interface AppKeyPair {
  /** PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), the format of the key GitHub lets an App owner download. */
  privateKey: string;
  /** SPKI PEM. */
  publicKey: string;
}

/** A fresh 2048-bit RSA key pair, as GitHub generates for an App. */
export function generateAppKeyPair(): AppKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** The public half of a private key PEM (PKCS#1 or PKCS#8). */
export function publicKeyOf(privateKeyPem: string): KeyObject {
  return createPublicKey(createPrivateKey(privateKeyPem));
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Signs arbitrary claims as an RS256 JWT. Clients use `@octokit/auth-app`; this exists so
 * tests can build the tokens GitHub refuses (expired, wrong issuer, another key).
 */
export function signAppJwt(claims: Record<string, unknown>, privateKeyPem: string, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), createPrivateKey(privateKeyPem));
  return `${signingInput}.${base64url(signature)}`;
}

export type JwtVerdict<A> = { ok: true; app: A } | { ok: false; message: string };

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies an App JWT the way GitHub does: structure and algorithm, the issuer naming a known
 * App, the RS256 signature against that App's public key, then `iat` and `exp` against `now`.
 * `findApp` resolves `iss` (a number, or a numeric or client-id string) to the App and its key.
 */
export function verifyAppJwt<A>(
  jwt: string,
  findApp: (issuer: number | string) => { app: A; publicKey: KeyObject } | undefined,
  nowSeconds: number,
): JwtVerdict<A> {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: JWT_ERRORS.undecodable };
  const [headerPart, claimsPart, signaturePart] = parts;
  const header = decodeSegment(headerPart);
  const claims = decodeSegment(claimsPart);
  if (!header || !claims || header.alg !== 'RS256' || !/^[A-Za-z0-9_-]+$/.test(signaturePart)) {
    return { ok: false, message: JWT_ERRORS.undecodable };
  }

  const iss = claims.iss;
  const issuer = typeof iss === 'number' && Number.isInteger(iss) ? iss : typeof iss === 'string' && iss !== '' ? iss : undefined;
  if (issuer === undefined) return { ok: false, message: JWT_ERRORS.issuer };
  const found = findApp(issuer);
  // An unknown issuer has no key to check the signature with: GitHub cannot decode it either.
  if (!found) return { ok: false, message: JWT_ERRORS.undecodable };
  const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${claimsPart}`), found.publicKey, Buffer.from(signaturePart, 'base64url'));
  if (!signed) return { ok: false, message: JWT_ERRORS.undecodable };

  const { iat, exp } = claims;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowSeconds) return { ok: false, message: JWT_ERRORS.issuedAt };
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= nowSeconds) return { ok: false, message: JWT_ERRORS.expired };
  if (exp > nowSeconds + MAX_JWT_LIFETIME_SECONDS) return { ok: false, message: JWT_ERRORS.tooFarAhead };
  return { ok: true, app: found.app };
}
