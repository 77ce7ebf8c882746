"""Bicep expressions and the ARM evaluator: references to params and vars are evaluated, every other
Bicep expression is opaque (never read as ARM, so never a false finding)."""

from __future__ import annotations

from aiblint.armexpr import Evaluator, Opaque
from aiblint.document import Document
from aiblint.document.nodes import ForeignExpression
from lintutil import Found, lint, run
from rulefix import at

# Every Bicep expression here would mean something else read as ARM: '${prefix}-vm' becomes the
# string ['${prefix}-vm'] (in ARM, the literal "${prefix}-vm": a placeholder, a fixed name).
OPAQUE = """
param prefix string = 'contoso'
param baseUri string
param checksum string = 'e6c7b6f2b5d1c4a0e6c7b6f2b5d1c4a0e6c7b6f2b5d1c4a0e6c7b6f2b5d1c4a0'
param identityId string
param large bool = false
var sizes = ['Standard_D2s_v5']
var extraSteps = [
  {
    type: 'Shell'
    name: 'extra'
    inline: ['echo extra']
  }
]

resource gallery 'Microsoft.Compute/galleries/images@2023-07-03' existing = {
  name: 'gallery/image'
}

resource image 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
  name: '${prefix}-vm'
  location: resourceGroup().location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    vmProfile: {
      vmSize: large ? 'Standard_D8s_v5' : first(sizes)
    }
    source: {
      type: 'PlatformImage'
      publisher: 'Canonical'
      offer: 'ubuntu-24_04-lts'
      sku: 'server'
      version: '24.04.202501010'
    }
    customize: union([
      {
        type: 'Shell'
        name: 'setup'
        scriptUri: '${baseUri}/setup.sh'
        sha256Checksum: checksum
      }
    ], extraSteps)
    distribute: [
      {
        type: 'SharedImage'
        galleryImageId: gallery.id
        replicationRegions: [resourceGroup().location]
        runOutputName: '${prefix}-run'
        artifactTags: {
          sizes: join(map(sizes, s => toLower(s)), ',')
        }
      }
    ]
  }
}
"""


def test_opaque_bicep_expressions_give_no_false_finding():
    # Only the notice that the customizers (built by union()) were not checked.
    assert lint(OPAQUE, "main.bicep") == [Found(
        "AIB001", at(OPAQUE, "union([\n      {\n        type: 'Shell'\n        name: 'setup'\n"
                             "        scriptUri: '${baseUri}/setup.sh'\n        sha256Checksum: checksum\n"
                             "      }\n    ], extraSteps)"),
        "The customizers ('customize') are not checked: aiblint does not evaluate Bicep expressions")]


def test_the_carrier_marks_its_opaque_expressions_and_the_evaluator_leaves_them_opaque():
    result = run(OPAQUE, "main.bicep")
    (t,) = result.templates
    name = t.node.get("name")
    assert isinstance(name, ForeignExpression) and name.value == "['${prefix}-vm']"
    assert isinstance(t.arm, Evaluator)
    value = t.arm.evaluate(name)
    assert isinstance(value, Opaque) and value.reason == "aiblint does not evaluate Bicep expressions"
    assert list(t.arm.values(name)) == []
    # The same text in an ARM template is an ARM expression: the literal '${prefix}-vm'.
    arm = """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "resources": [
        {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",
         "name": "['${prefix}-vm']", "properties": {}}
      ]
    }
    """
    (a,) = run(arm).templates
    assert a.arm.evaluate(a.node.get("name")).value == "${prefix}-vm"


def test_param_and_var_references_are_evaluated_with_findings_on_the_literals():
    text = """
    param setupUri string = 'https://example.com/setup.sh'
    var steps = [
      {
        type: 'Shell'
        name: 'setup'
        scriptUri: setupUri
      }
    ]

    resource image 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
      name: 'image-${uniqueString(resourceGroup().id)}'
      location: 'westeurope'
      identity: {
        type: 'UserAssigned'
        userAssignedIdentities: {
          '${identityId}': {}
        }
      }
      properties: {
        source: {
          type: 'PlatformImage'
          publisher: 'Canonical'
          offer: 'ubuntu-24_04-lts'
          sku: 'server'
          version: '24.04.202501010'
        }
        customize: steps
        distribute: [
          {
            type: 'VHD'
            runOutputName: 'vhd'
          }
        ]
      }
    }
    """
    # The customizer comes from the var: the finding is on the var's literal, not on 'customize: steps'.
    assert lint(text, "main.bicep") == [Found(
        "AIB301", at(text, "scriptUri"),
        'Shell customizer "setup" downloads scriptUri without sha256Checksum; the file is not verified')]


def test_a_param_without_default_is_given_at_deployment():
    text = OPAQUE.replace("customize: union(", "customize: steps\n    other: union(").replace(
        "param baseUri string", "param baseUri string\nparam steps array")
    found = [f for f in lint(text, "main.bicep") if f.code == "AIB001"]
    assert found == [Found("AIB001", at(text, "steps", 2), "The customizers ('customize') are not checked: "
                           "the parameter 'steps' has no default value; it is given at deployment")]


def test_a_string_literal_that_reads_as_an_arm_expression_is_not_evaluated():
    # In Bicep '[toLower('X')]' is text (ARM would write it "[[toLower('X')]"); read as ARM it would be "x".
    text = OPAQUE.replace("name: '${prefix}-vm'", "name: '[toLower(\\'CONTOSO-VM\\')]'")
    (t,) = run(text, "main.bicep").templates
    name = t.node.get("name")
    assert name.value == "[toLower('CONTOSO-VM')]" and isinstance(t.arm.evaluate(name), Opaque)
    assert [f.code for f in lint(text, "main.bicep")] == ["AIB001"]
