// A custom role with exactly the actions the app's automatic remediation plans write (docs/remediation.md,
// infra/modules/remediator-actions.json), assigned to the Function App's identity on the subscription.
// main.bicep deploys it only when remediationMode is apply: plan mode and off need Reader alone.
targetScope = 'subscription'

@description('Object ID of the Function App system-assigned identity.')
param principalId string

@description('Names the role, so two deployments in one subscription keep apart.')
param environmentName string

var actions = loadJsonContent('remediator-actions.json')
var roleName = guid(subscription().id, 'aml-vnet-auditor-remediator', environmentName)

resource remediator 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleName
  properties: {
    roleName: 'AML VNet Auditor Remediator (${environmentName})'
    description: 'Applies aml-vnet-auditor automatic remediation plans, and nothing else.'
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
      }
    ]
    assignableScopes: [ subscription().id ]
  }
}

resource remediatorAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleName)
  properties: {
    roleDefinitionId: remediator.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
