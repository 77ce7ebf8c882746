"""AIB303 duplicate-run-output-name."""

from aiblint.fixes import apply_text, choose
from lintutil import Found, lint, run
from rulefix import arm, at, diagnostics, fix_titles, fixed

TEMPLATE = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "2022-07-01",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
    "distribute": [
      {"type": "VHD", "runOutputName": "ubuntu"},
      {"type": "VHD", "runOutputName": "Ubuntu"},
      {"type": "VHD", "runOutputName": "ubuntu"},
      {"type": "VHD", "runOutputName": "other"}
    ]
  }
}
"""


def test_duplicates_and_case_only_differences():
    assert lint(TEMPLATE, codes="AIB303") == [
        Found("AIB303", at(TEMPLATE, '"Ubuntu"'),
              'runOutputName "Ubuntu" differs only in case from "ubuntu" in distribute[0]; '
              "run output names are compared ignoring case"),
        Found("AIB303", at(TEMPLATE, '"ubuntu"', 2),
              'runOutputName "ubuntu" is already used by distribute[0]; '
              "each distribute target needs its own run output name"),
    ]
    d = diagnostics(TEMPLATE, "AIB303")[0]
    assert d.severity.label == "error"
    assert [r.message for r in d.related] == ["first target with this run output name"]


def test_fix_renames_each_later_target_uniquely():
    assert fix_titles(TEMPLATE, "AIB303") == [[('Rename to "Ubuntu-2"', True)], [('Rename to "ubuntu-3"', True)]]
    new = fixed(TEMPLATE, "AIB303")
    assert '"runOutputName": "Ubuntu-2"' in new and '"runOutputName": "ubuntu-3"' in new
    assert lint(new, codes="AIB303") == []


def test_rename_stays_within_64_characters():
    name = "n" * 64
    text = TEMPLATE.replace('"ubuntu"', f'"{name}"').replace('"Ubuntu"', '"x"')
    new = fixed(text, "AIB303")
    assert f'"{"n" * 62}-2"' in new
    assert lint(new, codes="AIB303") == []


def test_near_misses():
    text = TEMPLATE.replace('"Ubuntu"', '"ubuntu-gen2"').replace('"ubuntu"', '"ubuntu.v2"', 1)
    assert lint(text, codes="AIB303") == []
    # Empty names are the schema's business, not duplicates.
    empty = TEMPLATE.replace('"ubuntu"', '""').replace('"Ubuntu"', '"a"')
    assert lint(empty, codes="AIB303") == []


def test_arm_shared_parameter_and_allowed_values():
    props = {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer",
                   "sku": "18.04-LTS", "version": "18.04.202001010"},
        "distribute": [
            {"type": "ManagedImage", "runOutputName": "[parameters('runOutputName')]",
             "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/i", "location": "westeurope"},
            {"type": "VHD", "runOutputName": "[parameters('runOutputName')]"},
            {"type": "VHD", "runOutputName": "[concat('a', 'b')]"},
        ],
    }
    params = {"runOutputName": {"type": "string", "defaultValue": "out", "allowedValues": ["out", "other"]}}
    text = arm(props, parameters=params)
    assert lint(text, codes="AIB303") == [
        Found("AIB303", at(text, "\"[parameters('runOutputName')]\"", 2),
              'runOutputName "out" is already used by distribute[0]; each distribute target needs its own run output name'),
    ]
    assert fix_titles(text, "AIB303") == [[]]


def test_yaml_template_is_checked_and_fixed():
    text = """
    type: Microsoft.VirtualMachineImages/imageTemplates
    apiVersion: "2022-07-01"
    location: westeurope
    properties:
      source: {type: PlatformImage, publisher: Canonical, offer: UbuntuServer, sku: "18.04-LTS", version: latest}
      distribute:
        - {type: VHD, runOutputName: ubuntu}
        - {type: VHD, runOutputName: ubuntu}
    """
    assert lint(text, "template.yaml", codes="AIB303") == [
        Found("AIB303", at(text, "ubuntu}", 2)[:3] + (at(text, "ubuntu}", 2)[3] - 1,),
              'runOutputName "ubuntu" is already used by distribute[0]; each distribute target needs its own run output name'),
    ]
    result = run(text, "template.yaml")
    new, _ = apply_text(result.document.text, choose([d for d in result.diagnostics if d.code == "AIB303"]))
    assert '- {type: VHD, runOutputName: "ubuntu-2"}' in new
    assert lint(new, "template.yaml", codes="AIB303") == []


def test_arm_copy_loop_with_a_fixed_run_output_name():
    def loop(count, name):
        return {
            "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"},
            "copy": [{"name": "distribute", "count": count,
                      "input": {"type": "VHD", "runOutputName": name}}],
        }
    text = arm(loop("[length(parameters('regions'))]", "vhd"))
    assert lint(text, codes="AIB303") == [
        Found("AIB303", at(text, '"vhd"'), 'runOutputName "vhd" is the same for every distribute target that the '
                                          "copy loop makes; build it from copyIndex('distribute')"),
    ]
    assert lint(arm(loop(1, "vhd")), codes="AIB303") == []
    assert lint(arm(loop(3, "[format('vhd-{0}', copyIndex('distribute'))]")), codes="AIB303") == []
