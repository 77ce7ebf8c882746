// The Bicep form of windows-arm-deployment.json.
param imageTemplateName string = 'win2022-baseline'

@allowed([
  'eastus'
  'eastus2'
  'westus2'
])
param location string = 'eastus2'

param identityId string

var imageId = resourceId('Microsoft.Compute/images', imageTemplateName)

resource imageTemplate 'Microsoft.VirtualMachineImages/imageTemplates@2023-07-01' = {
  name: imageTemplateName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    buildTimeoutInMinutes: 120
    source: {
      type: 'PlatformImage'
      publisher: 'MicrosoftWindowsServer'
      offer: 'WindowsServer'
      sku: '2022-datacenter-azure-edition'
      version: 'latest'
    }
    customize: [
      {
        type: 'PowerShell'
        name: 'install-features'
        runElevated: true
        inline: [
          'Install-WindowsFeature -Name Web-Server'
        ]
      }
      {
        type: 'WindowsUpdate'
        name: 'windows-update'
        searchCriteria: 'IsInstalled=0'
        filters: [
          'exclude:$_.Title -like \'*Preview*\''
          'include:$true'
        ]
        updateLimit: 40
      }
      {
        type: 'WindowsRestart'
        name: 'restart-after-updates'
        restartTimeout: '10m'
      }
    ]
    errorHandling: {
      onCustomizerError: 'abort'
      onValidationError: 'cleanup'
    }
    distribute: [
      {
        type: 'ManagedImage'
        imageId: imageId
        location: location
        runOutputName: 'win2022-managed'
      }
    ]
  }
}
