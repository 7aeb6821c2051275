// Reader on the subscription for the Function App's identity: Resource Graph and ARM reads of
// the estate it audits. Deployed once per audited subscription (the README, "Deploy to Azure", says how to use a
// management group instead).
targetScope = 'subscription'

@description('Object ID of the Function App system-assigned identity.')
param principalId string

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, readerRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
