// The mistakes of typos-and-mistakes.json, written in Bicep.
resource image 'Microsoft.VirtualMachineImages/imageTemplates@2022-07-01' = {
  name: 'ubuntu-image'
  location: 'East US 3'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.ManagedIdentity/userAssignedIdentities/image-builder': {}
    }
  }
  properties: {
    buildTimeoutInMinutes: '80'
    source: {
      type: 'PlatformImage'
      pubisher: 'Canonical'
      offer: '0001-com-ubuntu-server-jammy'
      sku: '22_04-lts-gen2'
      version: 'latest'
    }
    customize: [
      {
        type: 'Shell'
        name: 'setup'
        inline: 'sudo apt-get update'
      }
      {
        type: 'Shel'
        name: 'setup'
        scriptUri: 'https://example.blob.core.windows.net/scripts/setup.sh'
      }
    ]
    distribute: [
      {
        type: 'VHD'
        runOutputName: 'ubuntu-vhd'
      }
      {
        type: 'SharedImage'
        galleryImageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/galleries/corp/images/ubuntu'
        runOutputName: 'ubuntu-vhd'
        replicationRegions: [ 'westeurope' ]
        targetRegions: [ { name: 'westeurope' } ]
      }
    ]
  }
}
