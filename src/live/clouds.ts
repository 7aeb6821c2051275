/**
 * Azure clouds the live inventory can read. Each cloud has its own ARM endpoint, token
 * audience and Entra ID authority; a token for one is refused by the others.
 */

export type CloudName = 'AzurePublicCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export const CLOUD_NAMES: readonly CloudName[] = ['AzurePublicCloud', 'AzureUSGovernment', 'AzureChinaCloud'];

export interface CloudSettings {
  readonly name: CloudName;
  /** ARM (and Resource Graph) endpoint, no trailing slash. */
  readonly armEndpoint: string;
  /** Scope of ARM tokens: the SDKs' own default for this cloud (`<endpoint>/.default`). */
  readonly armScope: string;
  /** Entra ID authority host for DefaultAzureCredential. */
  readonly authorityHost: string;
}

const CLOUDS: Readonly<Record<CloudName, CloudSettings>> = {
  AzurePublicCloud: {
    name: 'AzurePublicCloud',
    armEndpoint: 'https://management.azure.com',
    armScope: 'https://management.azure.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    armEndpoint: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.usgovcloudapi.net/.default',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    armEndpoint: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.chinacloudapi.cn/.default',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
};

export function isCloudName(value: string): value is CloudName {
  return (CLOUD_NAMES as readonly string[]).includes(value);
}

/**
 * The settings of a cloud, with an optional ARM endpoint override (Azure Stack, a proxy, or
 * the tests' local server). The override keeps the cloud's token scope and authority.
 */
export function cloudSettings(cloud: CloudName = 'AzurePublicCloud', armEndpoint?: string): CloudSettings {
  const base = CLOUDS[cloud];
  if (armEndpoint === undefined || armEndpoint.trim() === '') return base;
  return { ...base, armEndpoint: armEndpoint.trim().replace(/\/+$/, '') };
}

/**
 * A cloud by any of the names people use for it: the Azure CLI's (AzureCloud, AzureUSGovernment,
 * AzureChinaCloud), the SDKs' (AzurePublicCloud) or `public`, in any case. One reading for the CLI's
 * --cloud and the app's AML_AUDITOR_CLOUD.
 */
export function cloudFromName(name: string): CloudName | undefined {
  return CLOUD_ALIASES[name.trim().toLowerCase()];
}

/** The names cloudFromName accepts, for messages. */
export const CLOUD_NAMES_ACCEPTED = 'AzureCloud (or AzurePublicCloud), AzureUSGovernment or AzureChinaCloud';

const CLOUD_ALIASES: Readonly<Record<string, CloudName>> = {
  azurecloud: 'AzurePublicCloud',
  azurepubliccloud: 'AzurePublicCloud',
  public: 'AzurePublicCloud',
  azureusgovernment: 'AzureUSGovernment',
  azurechinacloud: 'AzureChinaCloud',
};
