// aml-vnet-auditor in Azure: a Flex Consumption Function App (Node 20) with a system-assigned
// identity, its storage account (shared keys disabled: the app reaches tables, queues and its
// deployment container with its identity), Application Insights, Reader on this subscription,
// and the subscription's Event Grid system topic feeding resourceChanged.
//
//   az deployment group create -g <rg> -f infra/main.bicep -p appName=<name>
//   func azure functionapp publish <name>        (after npm run build)
//   az deployment group create -g <rg> -f infra/main.bicep -p appName=<name> deployEventSubscription=true
//
// The event subscription is a second step because Event Grid checks that resourceChanged exists
// when the subscription is created, and it exists only once the code is published.

@description('Name of the Function App (also the prefix of the other resources).')
@minLength(3)
@maxLength(40)
param appName string

param location string = resourceGroup().location

@description('Comma-separated subscription IDs to audit; empty = every subscription the identity can read.')
param scopeSubscriptions string = subscription().subscriptionId

@description('NCRONTAB (six fields) of the full sweep.')
param sweepSchedule string = '0 0 */6 * * *'

@description('Create the Event Grid event subscription to resourceChanged (after the code is published).')
param deployEventSubscription bool = false

@description('Also subscribe to Azure Resource Notifications (their events carry the resource itself).')
param enableResourceNotifications bool = false

@description('Optional Event Grid topic endpoint where finding changes are published as CloudEvents.')
param findingsTopicEndpoint string = ''

@description('Maximum instances the sweep fan-out and event bursts may scale to.')
param maximumInstanceCount int = 40

var suffix = uniqueString(resourceGroup().id, appName)
var storageName = take('st${replace(toLower(appName), '-', '')}${suffix}', 24)
var deploymentContainer = 'app-package'
var deadLetterContainer = 'eventgrid-deadletters'
var queueName = 'aml-auditor-sweeps'

// Built-in role definition IDs.
var roles = {
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

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
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
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${appName}-insights'
  location: location
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
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
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
        version: '20'
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
        { name: 'AML_AUDITOR_AUTO_REMEDIATION', value: 'false' }
        { name: 'AML_AUDITOR_COALESCE_MS', value: '100' }
        { name: 'AML_AUDITOR_CLOUD', value: 'AzurePublicCloud' }
        { name: 'AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT', value: findingsTopicEndpoint }
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

// Reader on this subscription (Resource Graph and ARM reads). For other subscriptions, deploy the
// module there too, or assign Reader once at a management group (docs/readme/functions.md).
module reader 'modules/subscription-reader.bicep' = {
  name: '${appName}-reader'
  scope: subscription()
  params: {
    principalId: functionApp.identity.principalId
  }
}

// ARM events of this subscription (write, delete, action) as an Event Grid system topic.
resource armTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = {
  name: '${appName}-arm-events'
  location: 'global'
  identity: { type: 'SystemAssigned' }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

// The topic dead-letters undeliverable events into the app's storage with its own identity.
resource armTopicDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, armTopic.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: armTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource armToFunction 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = if (deployEventSubscription) {
  parent: armTopic
  name: 'resource-changed'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/resourceChanged'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Resources.ResourceWriteSuccess'
        'Microsoft.Resources.ResourceDeleteSuccess'
        'Microsoft.Resources.ResourceActionSuccess'
      ]
      enableAdvancedFilteringOnArrays: true
      advancedFilters: [
        {
          operatorType: 'StringContains'
          key: 'subject'
          values: watchedTypes
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
  dependsOn: [
    armTopicDeadLetterWriter
  ]
}

// Azure Resource Notifications: changes with the resource's new state in the event itself.
resource notificationsTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = if (enableResourceNotifications) {
  name: '${appName}-resource-notifications'
  location: 'global'
  identity: { type: 'SystemAssigned' }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.ResourceNotifications.Resources'
  }
}

resource notificationsDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableResourceNotifications) {
  name: guid(storage.id, '${appName}-resource-notifications', roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: enableResourceNotifications ? notificationsTopic.identity.principalId : ''
    principalType: 'ServicePrincipal'
  }
}

resource notificationsToFunction 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = if (enableResourceNotifications && deployEventSubscription) {
  parent: notificationsTopic
  name: 'resource-changed'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/resourceChanged'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated'
        'Microsoft.ResourceNotifications.Resources.Deleted'
      ]
      enableAdvancedFilteringOnArrays: true
      advancedFilters: [
        {
          operatorType: 'StringContains'
          key: 'subject'
          values: watchedTypes
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
  dependsOn: [
    notificationsDeadLetterWriter
  ]
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output principalId string = functionApp.identity.principalId
output storageAccountName string = storage.name
