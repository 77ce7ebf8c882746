"""Templates for the service-rule tests (AIB318-AIB327): a raw body or an ARM file built from parts."""

from __future__ import annotations

import json

IDENTITY = {"type": "UserAssigned", "userAssignedIdentities": {
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}}}
GALLERY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/gal/images/{}"
MANAGED = {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/i",
           "location": "westeurope", "runOutputName": "managed"}


def platform(sku: str, publisher: str = "MicrosoftWindowsServer", offer: str = "WindowsServer",
             version: str = "latest") -> dict:
    return {"type": "PlatformImage", "publisher": publisher, "offer": offer, "sku": sku, "version": version}


def body(source: dict, *, customize=(), distribute=(MANAGED,), api: str = "2024-02-01", **more) -> dict:
    """A raw template body as a dict (``more`` goes into ``properties``)."""
    props = {"source": source, "customize": list(customize), "distribute": list(distribute), **more}
    return {"type": "Microsoft.VirtualMachineImages/imageTemplates", "apiVersion": api, "location": "westeurope",
            "identity": IDENTITY, "properties": props}


def raw(source: dict, **kw) -> str:
    return json.dumps(body(source, **kw), indent=2)


def arm_file(*resources: dict, parameters: dict | None = None) -> str:
    """An ARM deployment template with these resources."""
    return json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": parameters or {},
        "resources": list(resources),
    }, indent=2)


def template_resource(name: str, source: dict, **kw) -> dict:
    res = body(source, **kw)
    return {"type": res.pop("type"), "apiVersion": res.pop("apiVersion"), "name": name, **res}


def gallery_image(name: str, generation: str | None) -> dict:
    props = {"osType": "Windows", "osState": "Generalized",
             "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}
    if generation:
        props["hyperVGeneration"] = generation
    return {"type": "Microsoft.Compute/galleries/images", "apiVersion": "2022-03-03", "name": name,
            "location": "westeurope", "properties": props}
