// EventGrid Data Sender on one custom topic, for the Function App's identity (publishing finding changes).
@description('Name of the Event Grid topic, in this resource group.')
param topicName string

@description('Object ID of the identity that publishes.')
param principalId string

@description('Role definition GUID (EventGrid Data Sender).')
param roleId string

resource topic 'Microsoft.EventGrid/topics@2023-12-15-preview' existing = {
  name: topicName
}

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, principalId, roleId)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
