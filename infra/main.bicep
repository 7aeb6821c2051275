// aml-vnet-auditor with the Azure Developer CLI: `azd auth login && azd up`.
//
// Subscription scope, as azd expects: a resource group, the app in it (app.bicep), and Reader for
// the app's identity on this subscription. Parameters come from main.parameters.json (azd fills
// ${AZURE_ENV_NAME}, ${AZURE_LOCATION} and the values hooks/preprovision sets). The Event Grid
// subscription to resourceChanged is created by hooks/postdeploy, once the code is deployed
// (Event Grid checks that the function exists).
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Name of the azd environment: names the resource group and the resources.')
param environmentName string

@minLength(1)
@description('Region of the resources.')
param location string

@description('Comma-separated subscription IDs to audit; empty = every subscription the identity can read.')
param scopeSubscriptions string = subscription().subscriptionId

@description('NCRONTAB (six fields) of the full sweep.')
param sweepSchedule string = '0 0 */6 * * *'

@description('Client ID of the Microsoft Entra app registration for sign-in (hooks/preprovision creates one when empty).')
param authClientId string

@description('An Event Grid system topic this subscription already has for ARM events (reused; one per source is allowed).')
param existingArmTopicName string = ''

@description('Resource group of that topic.')
param existingArmTopicResourceGroup string = ''

@description('Also subscribe to Azure Resource Notifications (their events carry the resource itself).')
param enableResourceNotifications bool = false

@description('Optional Event Grid topic where finding changes are published, and its resource ID (for EventGrid Data Sender).')
param findingsTopicEndpoint string = ''
param findingsTopicResourceId string = ''

@description('Storage reachable only through private endpoints from a VNet the app is integrated with.')
param privateNetworking bool = false

@description('Rule profile: documented (the 2020 documents, default) or current (without the rules today\'s guidance superseded).')
@allowed([ 'documented', 'current' ])
param profile string = 'documented'

@description('Remediation: off (report only), plan (store a plan as findings open), apply (fix findings of remediationRules; grants the custom remediator role).')
@allowed([ 'off', 'plan', 'apply' ])
param remediationMode string = 'off'

@description('Comma-separated rule IDs apply mode may fix (docs/remediation.md); empty = none.')
param remediationRules string = ''

var tags = { 'azd-env-name': environmentName }
var appName = take('aml-auditor-${toLower(environmentName)}-${take(uniqueString(subscription().id, environmentName), 6)}', 40)

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module app 'app.bicep' = {
  name: 'aml-auditor-app'
  scope: group
  params: {
    appName: appName
    location: location
    tags: tags
    authClientId: authClientId
    scopeSubscriptions: scopeSubscriptions
    sweepSchedule: sweepSchedule
    existingArmTopicName: existingArmTopicName
    existingArmTopicResourceGroup: existingArmTopicResourceGroup
    enableResourceNotifications: enableResourceNotifications
    findingsTopicEndpoint: findingsTopicEndpoint
    findingsTopicResourceId: findingsTopicResourceId
    privateNetworking: privateNetworking
    remediationMode: remediationMode
    remediationRules: remediationRules
    profile: profile
  }
}

// Reader on this subscription (Resource Graph and ARM reads). For other subscriptions, deploy the
// module there too, or assign Reader once at a management group (README, "Deploy to Azure").
module reader 'modules/subscription-reader.bicep' = {
  name: 'aml-auditor-reader'
  params: {
    principalId: app.outputs.principalId
  }
}

// Only in apply mode: a custom role with exactly the actions automatic plans write (least privilege).
module remediator 'modules/subscription-remediator.bicep' = if (remediationMode == 'apply') {
  name: 'aml-auditor-remediator'
  params: {
    principalId: app.outputs.principalId
    environmentName: environmentName
  }
}

output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.functionAppName
output AZURE_FUNCTION_APP_ID string = app.outputs.functionAppId
output AZURE_FUNCTION_APP_URL string = app.outputs.functionAppUrl
output AUDITOR_DEAD_LETTER_CONTAINER_ID string = app.outputs.deadLetterContainerId
output AUDITOR_ARM_TOPIC_NAME string = app.outputs.armTopicName
output AUDITOR_ARM_TOPIC_RESOURCE_GROUP string = app.outputs.armTopicResourceGroup
output AUDITOR_NOTIFICATIONS_TOPIC_NAME string = app.outputs.notificationsTopicName
output AUDITOR_WATCHED_TYPES array = app.outputs.watchedTypes
