"""AIB311 single-identity."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

UAI = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"

TEMPLATE = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "identity": {
    "type": "%s",
    "userAssignedIdentities": {
      "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/build": {},
      "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/storage": {},
      "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/extra": {}
    }
  },
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""

EXTRA = "3 user-assigned identities are listed; the template supports only one"


def test_extra_identities_and_unsupported_type():
    text = TEMPLATE % ("2022-07-01", "SystemAssigned, UserAssigned")
    assert lint(text, codes="AIB311") == [
        Found("AIB311", at(text, '"SystemAssigned, UserAssigned"'),
              'Identity type "SystemAssigned, UserAssigned" is not supported: Image Builder uses one user-assigned '
              'identity (type "UserAssigned")'),
        Found("AIB311", at(text, f'"{UAI}storage"'), EXTRA),
        Found("AIB311", at(text, f'"{UAI}extra"'), EXTRA),
    ]
    extra = diagnostics(text, "AIB311")[1]
    assert [r.message for r in extra.related] == ["first identity"]
    assert fix_titles(text, "AIB311") == [
        [('Use "UserAssigned"', False)], [("Remove this identity", False)], [("Remove this identity", False)]]
    assert fixed(text, "AIB311") == src(text)  # nothing safe
    new = fixed(text, "AIB311", unsafe=True)
    identity = json.loads(new)["identity"]
    assert identity == {"type": "UserAssigned", "userAssignedIdentities": {UAI + "build": {}}}
    assert lint(new, codes="AIB311") == []
    assert f'"{UAI}build": {{}}\n    }}' in new


def test_case_only_difference_matters_from_2024_02_01():
    one = TEMPLATE.replace(f'      "{UAI}storage": {{}},\n      "{UAI}extra": {{}}\n', "").replace(
        f'"{UAI}build": {{}},', f'"{UAI}build": {{}}')
    assert lint(one % ("2023-07-01", "userAssigned"), codes="AIB311") == []
    text = one % ("2024-02-01", "userAssigned")
    assert lint(text, codes="AIB311") == [
        Found("AIB311", at(text, '"userAssigned"'), 'Identity type "userAssigned" must be written "UserAssigned" in API version 2024-02-01'),
    ]
    assert fix_titles(text, "AIB311") == [[('Write "UserAssigned"', True)]]
    assert lint(fixed(text, "AIB311"), codes="AIB311") == []
    # Near misses: the two allowed values, one identity.
    assert lint(one % ("2024-02-01", "UserAssigned"), codes="AIB311") == []
    assert lint(one % ("2024-02-01", "None"), codes="AIB311") == []


def test_system_assigned_without_user_identity_has_no_fix():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2020-02-14",
      "location": "westeurope",
      "identity": {"type": "SystemAssigned"},
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
      }
    }
    """
    assert lint(text, codes="AIB311") == [
        Found("AIB311", at(text, '"SystemAssigned"'),
              'Identity type "SystemAssigned" is not supported: Image Builder uses one user-assigned identity (type "UserAssigned")'),
    ]
    assert fix_titles(text, "AIB311") == [[]]
    # Versions before 2019-05-01-preview have no identity: nothing to say here (the schema check reports it).
    assert lint(text.replace("2020-02-14", "2019-02-01-preview"), codes="AIB311") == []


def test_arm_identity_from_parameter_and_variable():
    props = {"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer",
                        "sku": "18.04-LTS", "version": "18.04.202001010"},
             "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    params = {"identityType": {"type": "string", "defaultValue": "UserAssigned",
                               "allowedValues": ["UserAssigned", "SystemAssigned"]}}
    identity = {"type": "[parameters('identityType')]",
                "userAssignedIdentities": {"[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'aib')]": {}}}
    text = arm(props, parameters=params, identity=identity)
    assert lint(text, codes="AIB311") == [
        Found("AIB311", at(text, '"SystemAssigned"'),
              'Identity type "SystemAssigned" is not supported: Image Builder uses one user-assigned identity (type "UserAssigned")'),
    ]
    (d,) = diagnostics(text, "AIB311")
    assert [r.message for r in d.related] == ["value used here"]
    variables = {"identity": {"type": "UserAssigned", "userAssignedIdentities": {UAI + "a": {}, UAI + "b": {}}}}
    text = arm(props, variables=variables, identity="[variables('identity')]")
    assert lint(text, codes="AIB311") == [
        Found("AIB311", at(text, f'"{UAI}b"'), "2 user-assigned identities are listed; the template supports only one"),
    ]
    assert [r.message for r in diagnostics(text, "AIB311")[0].related] == ["first identity", "value used here"]
    computed = {"type": "[if(parameters('x'), 'SystemAssigned', 'UserAssigned')]"}
    assert lint(arm(props, identity=computed), codes="AIB311") == []


def test_user_assigned_with_no_identity_listed():
    empty = TEMPLATE % ("2024-02-01", "UserAssigned")
    empty = empty[:empty.index('"userAssignedIdentities": {') + 27] + empty[empty.index("\n    }\n  },"):]
    assert lint(empty, codes="AIB311") == [
        Found("AIB311", at(empty, '"userAssignedIdentities"'),
              'Identity type "UserAssigned" lists no identity; add the resource ID of one user-assigned identity '
              "to userAssignedIdentities"),
    ]
    missing = empty.replace(',\n    "userAssignedIdentities": {\n    }', "")
    assert '"identity": {\n    "type": "UserAssigned"\n  },' in missing
    assert [f.range for f in lint(missing, codes="AIB311")] == [at(missing, '"UserAssigned"')]
    # A wrongly cased map name is AIB201's finding; an expression is not judged.
    wrong_case = (TEMPLATE % ("2024-02-01", "UserAssigned")).replace('"userAssignedIdentities"', '"UserAssignedIdentities"')
    assert lint(wrong_case, codes="AIB311") == []
    props = {"source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"},
             "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    text = arm(props, identity={"type": "UserAssigned", "userAssignedIdentities": "[variables('ids')]"},
               variables={"ids": "[createObject(parameters('id'), createObject())]"})
    assert lint(text, codes="AIB311") == []
