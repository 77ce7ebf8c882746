"""A compiled call of the verified image-template module: the user's module parameters are checked where written.

``bicep build`` turns ``module x 'br/public:avm/res/virtual-machine-images/image-template:<v>' = {params: ...}``
into a nested deployment (scope inner) whose ``properties.parameters`` hold the user's literals and whose
inner template builds the image template's ``properties`` with template functions. ``MODULE`` below is a
module of that shape written for these tests (the real compiled module from the corpus is checked too,
when the shared corpus is present).
"""

from __future__ import annotations

import copy
import json
import re

from cliutil import run
from lintutil import Found, lint
from rulefix import at, diagnostics

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
SHA = "8d469f6864a38e1cf957cd080603026bba325793edfb4fe2e8b8e7368eb15b92"
SCRIPT = "https://example.com/scripts/install-tools.sh"
IDENTITY_ID = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib"

PROPERTIES = (
    "[shallowMerge(createArray("
    "createObject('buildTimeoutInMinutes', parameters('buildTimeoutInMinutes'), 'vmProfile', "
    "createObject('vmSize', parameters('vmSize'), 'osDiskSizeGB', parameters('osDiskSizeGB'), "
    "'vnetConfig', if(not(empty(parameters('vnetConfig'))), createObject('subnetId', "
    "tryGet(parameters('vnetConfig'), 'subnetResourceId')), null())), 'source', parameters('imageSource')), "
    "if(not(empty(parameters('customizationSteps'))), createObject('customize', parameters('customizationSteps')), "
    "createObject()), "
    "createObject('stagingResourceGroup', parameters('stagingResourceGroupResourceId'), 'distribute', "
    "map(parameters('distributions'), lambda('d', shallowMerge(createArray("
    "createObject('type', lambdaVariables('d').type, 'artifactTags', coalesce(tryGet(lambdaVariables('d'), "
    "'artifactTags'), createObject('sourceType', parameters('imageSource').type, 'creationTime', "
    "parameters('baseTime')))), "
    "if(equals(lambdaVariables('d').type, 'ManagedImage'), createObject('runOutputName', "
    "coalesce(tryGet(lambdaVariables('d'), 'runOutputName'), format('{0}-{1}-ManagedImage', "
    "lambdaVariables('d').imageName, parameters('baseTime'))), 'location', coalesce(tryGet(lambdaVariables('d'), "
    "'location'), parameters('location')), 'imageId', format('{0}/resourceGroups/{1}/providers/"
    "Microsoft.Compute/images/{2}', subscription().id, resourceGroup().name, lambdaVariables('d').imageName)), "
    "createObject()), "
    "if(equals(lambdaVariables('d').type, 'VHD'), createObject('runOutputName', coalesce(tryGet(lambdaVariables('d'), "
    "'runOutputName'), format('{0}-VHD', lambdaVariables('d').imageName))), createObject()))))), "
    "'validate', parameters('validationProcess'))))]"
)

MODULE = {
    "$schema": SCHEMA, "contentVersion": "1.0.0.0",
    "metadata": {"name": "Virtual Machine Image Templates (test module)"},
    "parameters": {
        "name": {"type": "string"},
        "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
        "buildTimeoutInMinutes": {"type": "int", "defaultValue": 0},
        "vmSize": {"type": "string", "defaultValue": "Standard_D2s_v3"},
        "osDiskSizeGB": {"type": "int", "defaultValue": 128},
        "vnetConfig": {"type": "object", "nullable": True},
        "imageSource": {"type": "object"},
        "customizationSteps": {"type": "array", "nullable": True},
        "validationProcess": {"type": "object", "nullable": True},
        "distributions": {"type": "array"},
        "stagingResourceGroupResourceId": {"type": "string", "nullable": True},
        "managedIdentities": {"type": "object"},
        "baseTime": {"type": "string", "defaultValue": "[utcNow('yyyy-MM-dd-HH-mm-ss')]"},
    },
    "variables": {
        "identity": {"type": "UserAssigned", "userAssignedIdentities": (
            "[reduce(map(coalesce(tryGet(parameters('managedIdentities'), 'userAssignedResourceIds'), createArray()), "
            "lambda('id', createObject(format('{0}', lambdaVariables('id')), createObject()))), createObject(), "
            "lambda('cur', 'next', union(lambdaVariables('cur'), lambdaVariables('next'))))]")},
    },
    "resources": {
        "imageTemplate": {
            "type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": "2024-02-01",
            "name": "[format('{0}-{1}', parameters('name'), parameters('baseTime'))]",
            "location": "[parameters('location')]", "identity": "[variables('identity')]",
            "properties": PROPERTIES,
        },
    },
}


def module_call(name: str, *, checksum: bool, scripts: bool = True, module: dict | None = None) -> dict:
    """The nested deployment that ``bicep build`` makes of one module call (PSRule's Image Builder case, rewritten)."""
    params = {
        "name": {"value": name},
        "distributions": {"value": [{"type": "ManagedImage", "imageName": name}]},
        "imageSource": {"value": {"type": "PlatformImage", "publisher": "canonical", "offer": "ubuntu-24_04-lts",
                                  "sku": "server", "version": "latest"}},
        "managedIdentities": {"value": {"userAssignedResourceIds": [IDENTITY_ID]}},
        "buildTimeoutInMinutes": {"value": 60}, "vmSize": {"value": "Standard_D2s_v3"},
    }
    if scripts:
        install = {"type": "Shell", "name": "Install tools", "scriptUri": SCRIPT}
        validate = {"type": "Shell", "name": "Validate tools", "scriptUri": SCRIPT}
        if checksum:
            install["sha256Checksum"] = validate["sha256Checksum"] = SHA
        params["customizationSteps"] = {"value": [install]}
        params["validationProcess"] = {"value": {"inVMValidations": [validate]}}
    return {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": name,
            "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "mode": "Incremental",
                           "parameters": params, "template": copy.deepcopy(module or MODULE)}}


def compiled(*calls: dict) -> str:
    return json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": list(calls)}, indent=2)


def missing(kind: str, name: str) -> str:
    return f'Shell {kind} "{name}" downloads scriptUri without sha256Checksum; the file is not verified'


def test_missing_checksum_in_a_module_parameter_is_found_on_the_users_literal_once():
    text = compiled(module_call("image-001", checksum=False))
    assert lint(text) == [
        Found("AIB301", at(text, '"scriptUri"'), missing("customizer", "Install tools")),
        Found("AIB301", at(text, '"scriptUri"', 2), missing("validator", "Validate tools")),
    ]
    # Related information: the module's use of the parameter.
    (first, _) = diagnostics(text, "AIB301")
    assert [r.message for r in first.related] == ["element used here"]
    assert text.encode()[first.related[0].span.start:].startswith(b'"[shallowMerge(')


def test_module_calls_with_checksums_or_without_scripts_pass():
    text = compiled(module_call("image-002", checksum=True), module_call("image-003", checksum=False, scripts=False))
    assert lint(text) == []


def test_the_three_calls_together_through_the_command_line(tmp_path):
    path = tmp_path / "main.json"
    path.write_text(compiled(module_call("image-001", checksum=False), module_call("image-002", checksum=True),
                             module_call("image-003", checksum=False, scripts=False)))
    r = run("--check", "--verbose", str(path))
    assert r.code == 0, r  # warnings only
    assert [line.split(": ", 1)[1] for line in r.out.splitlines() if "AIB" in line] == [
        "AIB301 [warning] " + missing("customizer", "Install tools"),
        "AIB301 [warning] " + missing("validator", "Validate tools"),
    ]
    listed = [line for line in r.err.splitlines() if "image template" in line]
    assert len(listed) == 3
    assert all(line.endswith("(ARM, in a nested deployment, API version 2024-02-01): "
                             "checked properties, source, customize, distribute")
               or line.endswith("checked properties, source, distribute") for line in listed)


def test_a_module_parameter_known_only_at_deployment_is_reported_as_not_checked():
    # The module adds 'customize' only when the steps are not empty: with steps known only at
    # deployment, nothing of the properties is known, and the notice points at the user's value.
    call = module_call("image-004", checksum=True)
    call["properties"]["parameters"]["customizationSteps"] = {"value": "[reference('scripts').outputs.steps.value]"}
    text = compiled(call)
    assert lint(text) == [
        Found("AIB001", at(text, "\"[reference('scripts').outputs.steps.value]\""),
              "The template's properties are not checked: reference() depends on a deployed resource, "
              "known only at deployment"),
    ]
    # A distribution target known only at deployment leaves the rest checked.
    call = module_call("image-005", checksum=False)
    call["properties"]["parameters"]["distributions"] = {"value": "[variables('targets')]"}
    text = json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": {"targets": {"type": "array"}},
                       "variables": {"targets": "[parameters('targets')]"}, "resources": [call]}, indent=2)
    assert [(f.code, f.message) for f in lint(text)] == [
        ("AIB001", "The distribution targets ('distribute') are not checked: the parameter 'targets' has no "
                   "default value; it is given at deployment"),
        ("AIB301", missing("customizer", "Install tools")),
        ("AIB301", missing("validator", "Validate tools")),
    ]


def test_the_real_compiled_module(corpus_dir):
    path = corpus_dir / "real/Azure__bicep-registry-modules/avm/res/virtual-machine-images/image-template/main.json"
    module = json.loads(path.read_text(encoding="utf-8-sig"))
    text = compiled(module_call("image-001", checksum=False, module=module),
                    module_call("image-002", checksum=True, module=module),
                    module_call("image-003", checksum=False, scripts=False, module=module))
    found = [f for f in lint(text) if f.code != "AIB001"]
    assert found == [
        Found("AIB301", at(text, '"scriptUri"'), missing("customizer", "Install tools")),
        Found("AIB301", at(text, '"scriptUri"', 2), missing("validator", "Validate tools")),
    ]
    assert [f for f in lint(text) if f.code == "AIB001"] == []
    # What the module builds from the parameters: checked (the verbose listing says so for each call).
    assert re.search(r"imageTemplates", path.read_text(encoding="utf-8-sig"))
