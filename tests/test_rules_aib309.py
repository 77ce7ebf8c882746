"""AIB309 file-destination."""

import json

from lintutil import Found, lint
from rulefix import arm, at, diagnostics, fix_titles, fixed

UBUNTU = {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"}
WINDOWS = {"type": "PlatformImage", "publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
           "sku": "2022-datacenter", "version": "latest"}
CHECKSUM = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def file_step(destination, name="f"):
    return {"type": "File", "name": name, "sourceUri": "https://example.com/app.js", "sha256Checksum": CHECKSUM,
            "destination": destination}


def raw(source, destinations, api="2022-07-01", validator=None):
    props = {"source": source, "customize": [file_step(d, f"f{i}") for i, d in enumerate(destinations)]}
    if validator is not None:
        props["validate"] = {"inVMValidations": [file_step(validator, "v")]}
    props["distribute"] = [{"type": "VHD", "runOutputName": "vhd"}]
    return json.dumps({"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": api,
                       "location": "westeurope", "properties": props}, indent=2)


def test_linux_destinations():
    text = raw(UBUNTU, ["/var/www/app/server.js", "/tmp/../etc/app.js", "app.js", "/tmp/app.js", "/tmp/sub/app.js"],
               validator="/opt/check.sh")
    outside = "is outside /tmp; on Linux the build can write files only to /tmp (move the file with a later Shell step)"
    assert lint(text, codes="AIB309") == [
        Found("AIB309", at(text, '"/var/www/app/server.js"'), f'File destination "/var/www/app/server.js" in customize[0] {outside}'),
        Found("AIB309", at(text, '"/tmp/../etc/app.js"'), f'File destination "/tmp/../etc/app.js" in customize[1] {outside}'),
        Found("AIB309", at(text, '"app.js"'),
              'File destination "app.js" in customize[2] is not an absolute Linux path; '
              "give the full path under /tmp, including the file name"),
        Found("AIB309", at(text, '"/opt/check.sh"'), f'File destination "/opt/check.sh" in inVMValidations[0] {outside}'),
    ]
    assert {d.severity.label for d in diagnostics(text, "AIB309")} == {"warning"}


def test_fix_uploads_to_tmp_and_is_unsafe():
    text = raw(UBUNTU, ["/var/www/app/server.js", "app.js"])
    assert fix_titles(text, "AIB309") == [[('Upload to "/tmp/server.js"', False)], []]
    assert fixed(text, "AIB309") == fixed(text, "AIB309", unsafe=False)
    assert '"/var/www/app/server.js"' in fixed(text, "AIB309")
    new = fixed(text, "AIB309", unsafe=True)
    assert json.loads(new)["properties"]["customize"][0]["destination"] == "/tmp/server.js"
    assert [f.message for f in lint(new, codes="AIB309")] == [
        'File destination "app.js" in customize[1] is not an absolute Linux path; '
        "give the full path under /tmp, including the file name"]


def test_windows_and_unknown_sources():
    text = raw(WINDOWS, ["C:\\buildArtifacts\\index.html", "c:/temp/a.txt", "\\\\server\\share\\a.txt",
                         "%TEMP%\\a.txt", "$env:TEMP\\a.txt", "install-software.ps1"])
    assert lint(text, codes="AIB309") == [
        Found("AIB309", at(text, '"install-software.ps1"'),
              'File destination "install-software.ps1" in customize[5] is not an absolute path; '
              "give the full path including the file name"),
    ]
    managed = {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/i"}
    # Unknown OS: a rooted path may be right for it, so only the relative path is reported.
    text = raw(managed, ["/var/www/app.js", "C:\\a.txt", "app.js"])
    assert [f.message for f in lint(text, codes="AIB309")] == [
        'File destination "app.js" in customize[2] is not an absolute path; give the full path including the file name']


def test_arm_parameter_default_and_allowed_values():
    props = {"source": UBUNTU, "customize": [file_step("[parameters('dest')]")],
             "distribute": [{"type": "VHD", "runOutputName": "vhd"}]}
    params = {"dest": {"type": "string", "defaultValue": "/tmp/app.js", "allowedValues": ["/tmp/app.js", "/srv/app.js"]}}
    text = arm(props, parameters=params)
    assert lint(text, codes="AIB309") == [
        Found("AIB309", at(text, '"/srv/app.js"'),
              'File destination "/srv/app.js" in customize[0] is outside /tmp; on Linux the build can write files '
              "only to /tmp (move the file with a later Shell step)"),
    ]
    (d,) = diagnostics(text, "AIB309")
    assert [r.message for r in d.related] == ["value used here"]
    assert not d.fixes  # a parameter's value may serve other uses
    # A destination built from known values is evaluated and reported on the expression (no fix);
    # one that depends on the deployment is not judged.
    text = arm(dict(props, customize=[file_step("[concat('/srv/', 'a')]")]))
    (d,) = diagnostics(text, "AIB309")
    assert d.span.start == text.encode().index(b'"[concat(') and not d.fixes
    assert "/srv/a" in d.message
    assert lint(arm(dict(props, customize=[file_step("[concat('/srv/', reference('x').name)]")])),
                codes="AIB309") == []


def test_versions_without_file_step_are_left_to_the_schema_check():
    assert lint(raw(UBUNTU, ["/var/a.js"], api="2019-02-01-preview"), codes="AIB309") == []
    assert len(lint(raw(UBUNTU, ["/var/a.js"], api="2019-05-01-preview"), codes="AIB309")) == 1
