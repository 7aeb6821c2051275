import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import type { CloudName } from './clouds';
import { cloudSettings } from './clouds';

/**
 * The identity the live inventory reads with. A pipeline that already holds an ARM token
 * (e.g. `az account get-access-token`) passes it in AZURE_ACCESS_TOKEN; otherwise
 * DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI…)
 * signs in against the cloud's own authority.
 */
export function resolveCredential(env: Readonly<Record<string, string | undefined>>, cloud: CloudName = 'AzurePublicCloud'): TokenCredential {
  const token = env.AZURE_ACCESS_TOKEN?.trim();
  if (token) return staticTokenCredential(token);
  return new DefaultAzureCredential({ authorityHost: cloudSettings(cloud).authorityHost });
}

/**
 * A credential that always answers the same token. Its expiry is the JWT's `exp` when the token
 * is a JWT (so the pipeline does not think it is fresh when it is not), else one hour from now.
 */
export function staticTokenCredential(token: string): TokenCredential {
  const expiresOnTimestamp = jwtExpiry(token) ?? Date.now() + 60 * 60 * 1000;
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp }),
  };
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
