// The auditor's resources in one resource group (deployed by main.bicep): a Flex Consumption
// Function App (Node.js 22) with a system-assigned identity; its storage account (no shared keys,
// public network access closed when `privateNetworking` is on); Application Insights and Log
// Analytics with diagnostic settings; App Service authentication (Microsoft Entra ID) in front of
// every HTTP route; the Event Grid system topic of the subscription (created, or an existing one
// reused) with its dead-letter container. The event subscription itself is created by
// hooks/postdeploy once the code, and so resourceChanged, exists.

@description('Name of the Function App (also the prefix of the other resources).')
@minLength(3)
@maxLength(40)
param appName string

param location string = resourceGroup().location

@description('Tags for every resource; azd-service-name is added to the Function App.')
param tags object = {}

@description('Client (application) ID of the Microsoft Entra app registration that signs users in (hooks/preprovision creates it).')
param authClientId string

@description('Tenant of that app registration.')
param authTenantId string = subscription().tenantId

@description('Comma-separated subscription IDs to audit; empty = every subscription the identity can read.')
param scopeSubscriptions string = subscription().subscriptionId

@description('NCRONTAB (six fields) of the full sweep.')
param sweepSchedule string = '0 0 */6 * * *'

@description('Name of an Event Grid system topic this subscription already has for its ARM events (one per source is allowed): reused instead of created.')
param existingArmTopicName string = ''

@description('Resource group of that existing topic.')
param existingArmTopicResourceGroup string = ''

@description('Also subscribe to Azure Resource Notifications (their events carry the resource itself).')
param enableResourceNotifications bool = false

@description('Optional Event Grid topic endpoint where finding changes are published as CloudEvents.')
param findingsTopicEndpoint string = ''

@description('Resource ID of that topic: the app is granted EventGrid Data Sender on it.')
param findingsTopicResourceId string = ''

@description('Close the storage account to public networks and reach it through private endpoints from a VNet the app is integrated with.')
param privateNetworking bool = false

@description('Which rules sweeps and events run: documented (the 2020 documents) or current (without superseded rules) (AML_AUDITOR_PROFILE).')
@allowed([ 'documented', 'current' ])
param profile string = 'documented'

@description('Remediation mode of the app: off, plan or apply (AML_AUDITOR_REMEDIATION).')
@allowed([ 'off', 'plan', 'apply' ])
param remediationMode string = 'off'

@description('Rule IDs apply mode may fix (AML_AUDITOR_REMEDIATION_RULES); empty = none.')
param remediationRules string = ''

@description('Maximum instances the sweep fan-out and event bursts may scale to.')
param maximumInstanceCount int = 40

var suffix = uniqueString(resourceGroup().id, appName)
var storageName = take('st${replace(toLower(appName), '-', '')}${suffix}', 24)
var deploymentContainer = 'app-package'
var deadLetterContainer = 'eventgrid-deadletters'
var queueName = 'aml-auditor-sweeps'

// Built-in role definition IDs (test/infra checks each against its name).
var roles = {
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'

  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Resource types the auditor judges: Event Grid delivers only changes to these.
var watchedTypes = [
  '/providers/Microsoft.MachineLearningServices/workspaces'
  '/providers/Microsoft.Network/virtualNetworks'
  '/providers/Microsoft.Network/networkSecurityGroups'
  '/providers/Microsoft.Network/routeTables'
  '/providers/Microsoft.Network/networkInterfaces'
  '/providers/Microsoft.Network/privateEndpoints'
  '/providers/Microsoft.Network/azureFirewalls'
  '/providers/Microsoft.Network/firewallPolicies'
  '/providers/Microsoft.Network/ipGroups'
  '/providers/Microsoft.Network/privateDnsZones'
  '/providers/Microsoft.Storage/storageAccounts'
  '/providers/Microsoft.KeyVault/vaults'
  '/providers/Microsoft.ContainerRegistry/registries'
  '/providers/Microsoft.ContainerService/managedClusters'
  '/providers/Microsoft.Compute/virtualMachines'
  '/providers/Microsoft.HDInsight/clusters'
  '/providers/Microsoft.Databricks/workspaces'
  '/providers/Microsoft.ContainerInstance/containerGroups'
  '/providers/Microsoft.Authorization/roleAssignments'
]

output watchedTypes array = watchedTypes

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      // Event Grid (dead letters) is a trusted service; with private networking nothing else reaches the account from outside.
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

module network 'modules/private-storage.bicep' = if (privateNetworking) {
  name: '${appName}-network'
  params: {
    appName: appName
    location: location
    tags: tags
    storageId: storage.id
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource deadLetters 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deadLetterContainer
}

// Subscription states the sweeps share with every instance (src/app/shared-state.ts); the app's
// Storage Blob Data Owner role on the account covers it.
resource subscriptionStates 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'subscription-states'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource sweepQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: queueName
}

resource sweepPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${queueName}-poison'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${appName}-logs'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${appName}-insights'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${appName}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2023-12-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: privateNetworking ? network.outputs.appSubnetId : null
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // The host's own storage and the sweep queue binding, through the identity (no keys).
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'AML_AUDITOR_SCOPE_SUBSCRIPTIONS', value: scopeSubscriptions }
        { name: 'AML_AUDITOR_SWEEP_SCHEDULE', value: sweepSchedule }
        { name: 'AML_AUDITOR_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.table }
        { name: 'AML_AUDITOR_INVENTORY', value: 'resource-graph' }
        { name: 'AML_AUDITOR_QUEUE_NAME', value: queueName }
        // off by default; apply also needs the remediator role main.bicep grants (README, Remediation).
        { name: 'AML_AUDITOR_REMEDIATION', value: remediationMode }
        { name: 'AML_AUDITOR_PROFILE', value: profile }
        { name: 'AML_AUDITOR_REMEDIATION_RULES', value: remediationRules }
        { name: 'AML_AUDITOR_COALESCE_MS', value: '100' }
        { name: 'AML_AUDITOR_CLOUD', value: 'AzurePublicCloud' }
        { name: 'AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT', value: findingsTopicEndpoint }
        { name: 'AML_AUDITOR_REQUIRE_SIGN_IN', value: 'true' }
        { name: 'AML_AUDITOR_RUN_ROLE', value: 'Auditor.Run' }
      ]
    }
  }
}

// The app's identity on its storage: host (blobs), deployment package, sweep queue, findings tables.
var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storage.id, functionApp.id, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: functionApp.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource insightsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, functionApp.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Reader on the audited subscriptions is granted by main.bicep (subscription scope).

// ARM events of this subscription (write, delete, action): Event Grid allows one system topic per
// source, so one the portal, Defender or an earlier install made is reused when named.
var reuseArmTopic = !empty(existingArmTopicName)

resource newArmTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = if (!reuseArmTopic) {
  name: '${appName}-arm-events'
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

// Azure Resource Notifications: changes with the resource's new state in the event itself.
resource notificationsTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = if (enableResourceNotifications) {
  name: '${appName}-resource-notifications'
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.ResourceNotifications.Resources'
  }
}

// Dead letters are written by the topics' identities, into their container only (not the whole account).
resource armDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!reuseArmTopic) {
  name: guid(deadLetters.id, '${appName}-arm-events', roles.storageBlobDataContributor)
  scope: deadLetters
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: reuseArmTopic ? '' : newArmTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource notificationsDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableResourceNotifications) {
  name: guid(deadLetters.id, '${appName}-resource-notifications', roles.storageBlobDataContributor)
  scope: deadLetters
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: enableResourceNotifications ? notificationsTopic.identity.principalId : ''
    principalType: 'ServicePrincipal'
  }
}

// Publishing finding changes to a topic of the user's: the app's identity needs EventGrid Data Sender on it.
resource findingsTopic 'Microsoft.EventGrid/topics@2023-12-15-preview' existing = if (!empty(findingsTopicResourceId)) {
  name: last(split(findingsTopicResourceId, '/'))
  scope: resourceGroup(split(findingsTopicResourceId, '/')[2], split(findingsTopicResourceId, '/')[4])
}

module findingsSender 'modules/topic-sender.bicep' = if (!empty(findingsTopicResourceId)) {
  name: '${appName}-findings-sender'
  scope: resourceGroup(split(findingsTopicResourceId, '/')[2], split(findingsTopicResourceId, '/')[4])
  params: {
    topicName: findingsTopic.name
    principalId: functionApp.identity.principalId
    roleId: roles.eventGridDataSender
  }
}

// No basic (publishing profile) credentials: deployments go through Entra ID (azd, az).
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}

// App Service authentication: every route needs a Microsoft Entra ID sign-in, except the Event Grid
// webhook the host protects with its system key. The app reads the caller from x-ms-client-principal.
resource authSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      // The Event Grid webhook (system key) and the automation route (function key in a header) are keyed by the host.
      excludedPaths: [ '/runtime/webhooks/eventgrid', '/api/automation/audit' ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [ 'api://${authClientId}', authClientId ]
        }
      }
    }
    login: {
      tokenStore: { enabled: true }
    }
  }
}

// Logs and metrics of the app and its storage in the Log Analytics workspace.
resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logs.id
    logs: [ { category: 'FunctionAppLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource storageDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage
  properties: {
    workspaceId: logs.id
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

output functionAppName string = functionApp.name
output functionAppId string = functionApp.id
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output principalId string = functionApp.identity.principalId
output storageAccountName string = storage.name
output deadLetterContainerId string = deadLetters.id
output armTopicName string = reuseArmTopic ? existingArmTopicName : newArmTopic.name
output armTopicResourceGroup string = reuseArmTopic ? existingArmTopicResourceGroup : resourceGroup().name
output notificationsTopicName string = enableResourceNotifications ? notificationsTopic.name : ''
output remediationMode string = remediationMode
