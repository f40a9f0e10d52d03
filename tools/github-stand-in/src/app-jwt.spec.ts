import { createAppAuth } from '@octokit/auth-app';
import { generateAppKeyPair, JWT_ERRORS, publicKeyOf, signAppJwt, verifyAppJwt } from './app-jwt';

const APP_ID = 1234;
const NOW = 1_750_000_000;

describe('App JWT verification', () => {
  const keys = generateAppKeyPair();
  const otherKeys = generateAppKeyPair();
  const findApp = (issuer: number | string) => (Number(issuer) === APP_ID ? { app: APP_ID, publicKey: publicKeyOf(keys.privateKey) } : undefined);
  const verify = (jwt: string, now = NOW) => verifyAppJwt(jwt, findApp, now);
  const valid = { iat: NOW - 60, exp: NOW + 540, iss: APP_ID };

  it('accepts the JWT @octokit/auth-app signs with the App key (GitHub downloads PKCS#1 keys)', async () => {
    expect(keys.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const { token } = await createAppAuth({ appId: APP_ID, privateKey: keys.privateKey })({ type: 'app' });
    expect(verifyAppJwt(token, findApp, Math.floor(Date.now() / 1000))).toEqual({ ok: true, app: APP_ID });
    expect(verify(signAppJwt(valid, keys.privateKey))).toEqual({ ok: true, app: APP_ID });
    expect(verify(signAppJwt({ ...valid, iss: String(APP_ID) }, keys.privateKey))).toEqual({ ok: true, app: APP_ID });
  });

  it('refuses a signature made with another key, or tampered claims', () => {
    expect(verify(signAppJwt(valid, otherKeys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.undecodable });
    const [header, , signature] = signAppJwt(valid, keys.privateKey).split('.');
    const forged = Buffer.from(JSON.stringify({ ...valid, exp: NOW + 600 })).toString('base64url');
    expect(verify(`${header}.${forged}.${signature}`)).toEqual({ ok: false, message: JWT_ERRORS.undecodable });
  });

  it('refuses anything but a well-formed RS256 token', () => {
    for (const jwt of ['', 'abc', 'a.b', 'a.b.c.d', `${signAppJwt(valid, keys.privateKey)}x!`]) {
      expect(verify(jwt)).toEqual({ ok: false, message: JWT_ERRORS.undecodable });
    }
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(valid)).toString('base64url')}.`;
    expect(verify(unsigned)).toEqual({ ok: false, message: JWT_ERRORS.undecodable });
    expect(verify(signAppJwt(valid, keys.privateKey, { alg: 'HS256' }))).toEqual({ ok: false, message: JWT_ERRORS.undecodable });
  });

  it('refuses a missing or unknown issuer', () => {
    const { iss: _, ...noIssuer } = valid;
    expect(verify(signAppJwt(noIssuer, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.issuer });
    expect(verify(signAppJwt({ ...valid, iss: 1.5 }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.issuer });
    // Another App's id: there is no key under which this signature verifies.
    expect(verify(signAppJwt({ ...valid, iss: APP_ID + 1 }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.undecodable });
  });

  it("enforces GitHub's time limits: issued in the past, expiring in the future, at most 10 minutes ahead", () => {
    expect(verify(signAppJwt({ ...valid, exp: NOW }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.expired });
    expect(verify(signAppJwt({ ...valid, exp: NOW - 1 }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.expired });
    expect(verify(signAppJwt({ ...valid, exp: 'soon' }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.expired });
    expect(verify(signAppJwt({ ...valid, exp: NOW + 601 }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.tooFarAhead });
    expect(verify(signAppJwt({ ...valid, exp: NOW + 600 }, keys.privateKey))).toEqual({ ok: true, app: APP_ID });
    expect(verify(signAppJwt({ ...valid, iat: NOW + 5 }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.issuedAt });
    expect(verify(signAppJwt({ ...valid, iat: undefined }, keys.privateKey))).toEqual({ ok: false, message: JWT_ERRORS.issuedAt });
    // A token valid now is refused once its exp has passed.
    const jwt = signAppJwt(valid, keys.privateKey);
    expect(verify(jwt, NOW + 540)).toEqual({ ok: false, message: JWT_ERRORS.expired });
  });
});
