// Private networking for the app's storage: a VNet with a subnet the Flex Consumption app integrates
// with (delegated to Microsoft.App/environments) and a subnet for private endpoints of the storage
// account's blob, queue and table services, each with its private DNS zone linked to the VNet.
param appName string
param location string
param tags object = {}

@description('Resource ID of the storage account the endpoints serve.')
param storageId string

var services = [ 'blob', 'queue', 'table' ]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${appName}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ '10.90.0.0/24' ] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.90.0.0/26'
          delegations: [ { name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } } ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: '10.90.0.64/26'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for service in services: {
    name: 'privatelink.${service}.${environment().suffixes.storage}'
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (service, index) in services: {
    parent: zones[index]
    name: '${appName}-link'
    location: 'global'
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: vnet.id }
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for service in services: {
    name: '${appName}-st-${service}'
    location: location
    tags: tags
    properties: {
      subnet: { id: '${vnet.id}/subnets/private-endpoints' }
      privateLinkServiceConnections: [
        {
          name: '${appName}-st-${service}'
          properties: {
            privateLinkServiceId: storageId
            groupIds: [ service ]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (service, index) in services: {
    parent: endpoints[index]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [ { name: service, properties: { privateDnsZoneId: zones[index].id } } ]
    }
  }
]

output appSubnetId string = '${vnet.id}/subnets/app'
