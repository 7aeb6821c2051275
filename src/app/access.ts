import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Settings } from './settings';

/**
 * Who may call the HTTP routes. In Azure, App Service authentication (Microsoft Entra ID) stands in
 * front of the app and passes the signed-in caller as the `x-ms-client-principal` header (base64
 * JSON of the token's claims); a request that reaches the app without it did not come through
 * sign-in. Reading findings and the dashboard needs a signed-in caller; running an audit needs the
 * app role `runRole` as well. Locally (`npm start`, loopback only) nothing is asked.
 */
export type AccessNeed = 'read' | 'run';

export interface ClientPrincipal {
  readonly name: string | undefined;
  readonly roles: readonly string[];
}

/** The caller App Service authentication vouches for, or undefined. Never throws on a bad header. */
export function clientPrincipalOf(request: HttpRequest): ClientPrincipal | undefined {
  const header = request.headers.get('x-ms-client-principal');
  if (header === null || header.length > 64 * 1024) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const value = parsed as { claims?: unknown; name_typ?: unknown; role_typ?: unknown };
  if (!Array.isArray(value.claims)) return undefined;
  const roleType = typeof value.role_typ === 'string' ? value.role_typ : 'roles';
  const nameType = typeof value.name_typ === 'string' ? value.name_typ : 'name';
  const claims = (value.claims as readonly unknown[]).filter(isClaim);
  return {
    name: claims.find((claim) => claim.typ === nameType)?.val,
    roles: claims.filter((claim) => claim.typ === roleType || claim.typ === 'roles').map((claim) => claim.val),
  };
}

/** A 401 or 403 answer when the caller may not do this; undefined when it may. */
export function accessDenied(request: HttpRequest, settings: Pick<Settings, 'requireSignIn' | 'runRole'>, need: AccessNeed): HttpResponseInit | undefined {
  if (!settings.requireSignIn) return undefined;
  const principal = clientPrincipalOf(request);
  if (principal === undefined) return { status: 401, headers: { 'www-authenticate': 'Bearer' }, jsonBody: { error: 'sign in with Microsoft Entra ID first' } };
  if (need === 'run' && !principal.roles.includes(settings.runRole)) {
    return { status: 403, jsonBody: { error: `running an audit needs the app role '${settings.runRole}'; ask an owner of the auditor's app registration to assign it` } };
  }
  return undefined;
}

function isClaim(claim: unknown): claim is { typ: string; val: string } {
  if (typeof claim !== 'object' || claim === null) return false;
  const fields = claim as Record<string, unknown>;
  return typeof fields.typ === 'string' && typeof fields.val === 'string';
}
