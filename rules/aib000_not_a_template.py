"""AIB000 not-a-template: a file named on the command line is not an Image Builder template.

## What it does
Reports, as information, a JSON or YAML file that was named explicitly (on the
command line, by a pre-commit hook or an editor) but holds no Image Builder
template: no root object of type `Microsoft.VirtualMachineImages/imageTemplates`,
no body whose `properties` carry `source` with `customize` or `distribute`, and
no ARM deployment template with such a resource.

Files met while walking a folder are skipped silently instead: a repository
holds many JSON files (parameter files, settings, package manifests) that are
none of aiblint's business. A walked file that does not parse at all is only
reported when its text mentions `Microsoft.VirtualMachineImages`, as it is then
most likely a broken template.

## Why is this bad
It is not a problem in the file. It tells you that nothing was checked, so that
a template that aiblint fails to recognise (for example because its `type` is
misspelt beyond recognition) does not pass unnoticed.

## Example
```json
{ "name": "my-app", "version": "1.0.0" }
```

## Fix
Nothing to fix. Leave the file out of the command, add it to `exclude` in the
configuration, or turn this notice off with `--ignore AIB000`.

## API versions
All.

## Source
aiblint's own notice; the recognised template forms follow the Image Builder
template reference: https://learn.microsoft.com/azure/virtual-machines/linux/image-builder-json
"""

CODE = "AIB000"
NAME = "not-a-template"
SEVERITY = "info"
SUMMARY = "A file named explicitly holds no Image Builder template"
SCOPE = "document"
ENGINE = True
