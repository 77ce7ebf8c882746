"""AIB302 duplicate-customizer-name."""

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed, src

TEMPLATE = """
{
  "type": "Microsoft.VirtualMachineImages/imageTemplates",
  "apiVersion": "%s",
  "location": "westeurope",
  "properties": {
    "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
    "customize": [
      {"type": "Shell", "name": "setup", "inline": ["echo 1"]},
      {"type": "Shell", "name": "other", "inline": ["echo 2"]},
      {"type": "Shell", "name": "setup", "inline": ["echo 3"]},
      {"type": "Shell", "name": "setup", "inline": ["echo 4"]},
      {"type": "Shell", "name": "setup-2", "inline": ["echo 5"]}
    ],
    "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
  }
}
"""

MESSAGE = 'Customizer name "setup" is already used by customize[0]; names must be unique'


def test_later_duplicates_reported_with_related_first():
    text = TEMPLATE % "2020-02-14"
    assert lint(text, codes="AIB302") == [
        Found("AIB302", at(text, '"setup"', 2), MESSAGE),
        Found("AIB302", at(text, '"setup"', 3), MESSAGE),
    ]
    first = diagnostics(text, "AIB302")[0]
    assert first.severity.label == "warning"
    assert [r.message for r in first.related] == ['first customizer named "setup"']
    assert src(text).encode()[first.related[0].span.start:first.related[0].span.end] == b'"setup"'


def test_renames_are_unique_together_and_relint_clean():
    text = TEMPLATE % "2020-02-14"
    # "setup-2" is taken by the last customizer, so the renames skip it.
    assert fix_titles(text, "AIB302") == [[('Rename to "setup-3"', True)], [('Rename to "setup-4"', True)]]
    new = fixed(text, "AIB302")
    assert '"name": "setup-3", "inline": ["echo 3"]' in new
    assert '"name": "setup-4", "inline": ["echo 4"]' in new
    assert lint(new, codes="AIB302") == []
    assert fixed(new, "AIB302") == new


def test_every_api_version_warns_only():
    # Documented up to 2020-02-14, but that version's own official example repeats a customizer name.
    for version, severity in (("2019-05-01-preview", "warning"), ("2020-02-14", "warning"),
                              ("2021-10-01", "warning"), ("2025-10-01", "warning")):
        found = diagnostics(TEMPLATE % version, "AIB302")
        assert [d.severity.label for d in found] == [severity, severity], version


def test_near_misses_are_clean():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2020-02-14",
      "location": "westeurope",
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
        "customize": [
          {"type": "Shell", "name": "Setup", "inline": ["echo 1"]},
          {"type": "Shell", "name": "setup", "inline": ["echo 2"]},
          {"type": "Shell", "inline": ["echo 3"]},
          {"type": "Shell", "inline": ["echo 4"]},
          {"type": "Shell", "name": "", "inline": ["echo 5"]},
          {"type": "Shell", "name": "", "inline": ["echo 6"]}
        ],
        "distribute": [{"type": "VHD", "runOutputName": "setup"}]
      }
    }
    """
    assert lint(text, codes="AIB302") == []


def test_validators_are_checked_separately_from_customizers():
    text = """
    {
      "type": "Microsoft.VirtualMachineImages/imageTemplates",
      "apiVersion": "2022-07-01",
      "location": "westeurope",
      "properties": {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "18.04.202001010"},
        "customize": [{"type": "Shell", "name": "check", "inline": ["echo 1"]}],
        "validate": {
          "inVMValidations": [
            {"type": "Shell", "name": "check", "inline": ["test -f /a"]},
            {"type": "Shell", "name": "check", "inline": ["test -f /b"]}
          ]
        },
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}]
      }
    }
    """
    assert lint(text, codes="AIB302") == [
        Found("AIB302", at(text, '"check"', 3),
              'Validator name "check" is already used by inVMValidations[0]; names must be unique'),
    ]
    assert diagnostics(text, "AIB302")[0].severity.label == "warning"


def test_arm_parameter_default_and_shared_parameter():
    props = {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer",
                   "sku": "18.04-LTS", "version": "18.04.202001010"},
        "customize": [
            {"type": "Shell", "name": "[parameters('stepName')]", "inline": ["echo 1"]},
            {"type": "Shell", "name": "install", "inline": ["echo 2"]},
            {"type": "Shell", "name": "[parameters('stepName')]", "inline": ["echo 3"]},
            {"type": "Shell", "name": "[variables('second')]", "inline": ["echo 4"]},
        ],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }
    text = arm(props, api="2020-02-14", parameters={"stepName": {"type": "string", "defaultValue": "install"}},
               variables={"second": "install"})
    message = 'Customizer name "install" is already used by customize[0]; names must be unique'
    # "install" occurs as: the parameter's default (1), the variable's value (2), the literal (3).
    assert lint(text, codes="AIB302") == [
        # The variable's value repeats the default: reported on the variable, related to its use.
        Found("AIB302", at(text, '"install"', 2), message),
        # The literal repeats it: reported in place.
        Found("AIB302", at(text, '"install"', 3), message),
        # The same parameter used twice: reported on the second use.
        Found("AIB302", at(text, "\"[parameters('stepName')]\"", 2), message),
    ]
    variable_diag, literal_diag, shared_diag = diagnostics(text, "AIB302")
    assert [r.message for r in variable_diag.related] == ['first customizer named "install"', "value used here"]
    # Only the literal in place gets a rename; parameter and variable values are left alone.
    assert [len(d.fixes) for d in (variable_diag, literal_diag, shared_diag)] == [0, 1, 0]


def test_arm_copy_loop_with_a_fixed_customizer_name():
    props = {
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest"},
        "copy": [{"name": "customize", "count": "[length(parameters('scripts'))]",
                  "input": {"type": "Shell", "name": "script", "scriptUri": "[parameters('scripts')[copyIndex('customize')]]"}}],
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }
    text = arm(props)
    assert lint(text, codes="AIB302") == [
        Found("AIB302", at(text, '"script"'), 'Customizer name "script" is the same for every customizer that the '
                                             "copy loop makes; build it from copyIndex('customize')"),
    ]
    assert diagnostics(text, "AIB302")[0].severity.label == "warning"
