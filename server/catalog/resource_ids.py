"""The documented resource-ID forms that template properties must have.

A catalog spec names its form in ``TypeSpec.resource_id``; :func:`matches`
checks a literal value against it. Resource IDs are compared without regard to
case in their fixed segments (``resourceGroups``, ``providers``,
``Microsoft.Compute`` …), as Azure Resource Manager does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SEG = r"[^/\s]+"
_SUB = rf"/subscriptions/{_SEG}"
_RG = rf"{_SUB}/resourceGroups/{_SEG}"
_GALLERY_IMAGE = rf"{_RG}/providers/Microsoft\.Compute/galleries/{_SEG}/images/{_SEG}"
_VERSION = r"\d+\.\d+\.\d+"
_SHARED_GALLERY_VERSION = rf"/sharedGalleries/{_SEG}/images/{_SEG}/versions/(?:{_VERSION}|latest)"


@dataclass(frozen=True)
class ResourceIdForm:
    """One resource-ID form: a name, what it identifies, its template and regex."""

    name: str
    what: str
    template: str
    regex: str

    @property
    def compiled(self) -> re.Pattern:
        return _compile(self.regex)


FORMS: dict[str, ResourceIdForm] = {
    f.name: f
    for f in (
        ResourceIdForm(
            "managedImage", "a managed image",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName}",
            rf"^{_RG}/providers/Microsoft\.Compute/images/{_SEG}$",
        ),
        ResourceIdForm(
            "galleryImage", "an Azure Compute Gallery image definition or image version",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/"
            "{gallery}/images/{imageDefinition}[/versions/{x.y.z}]",
            rf"^{_GALLERY_IMAGE}(?:/versions/{_VERSION})?$",
        ),
        ResourceIdForm(
            "galleryImageDefinition", "an Azure Compute Gallery image definition",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/"
            "{gallery}/images/{imageDefinition}",
            rf"^{_GALLERY_IMAGE}$",
        ),
        ResourceIdForm(
            "galleryImageVersion", "an Azure Compute Gallery image version",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/"
            "{gallery}/images/{imageDefinition}/versions/{x.y.z}",
            rf"^{_GALLERY_IMAGE}/versions/{_VERSION}$",
        ),
        ResourceIdForm(
            "galleryImageVersionOrLatest",
            "an Azure Compute Gallery image version (a version number or 'latest'), or a direct shared gallery image version",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/"
            "{gallery}/images/{imageDefinition}/versions/{x.y.z|latest}",
            rf"^(?:{_GALLERY_IMAGE}/versions/(?:{_VERSION}|latest)|{_SHARED_GALLERY_VERSION})$",
        ),
        ResourceIdForm(
            "userAssignedIdentity", "a user-assigned managed identity",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/{identityName}",
            rf"^{_RG}/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/{_SEG}$",
        ),
        ResourceIdForm(
            "subnet", "a virtual network subnet",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
            "Microsoft.Network/virtualNetworks/{vnetName}/subnets/{subnetName}",
            rf"^{_RG}/providers/Microsoft\.Network/virtualNetworks/{_SEG}/subnets/{_SEG}$",
        ),
        ResourceIdForm(
            "resourceGroup", "a resource group",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
            rf"^{_SUB}/resourceGroups/[-\w.()]{{0,89}}[-\w()]$",
        ),
    )
}


@lru_cache(maxsize=None)
def _compile(regex: str) -> re.Pattern:
    return re.compile(regex, re.IGNORECASE)


def form(name: str) -> ResourceIdForm:
    """The form called ``name`` (KeyError if unknown)."""
    return FORMS[name]


def matches(form_name: str, value: str) -> bool:
    """Whether ``value`` has the resource-ID form ``form_name``."""
    return bool(FORMS[form_name].compiled.match(value))


# The forms a value is recognised as, most specific first.
_IDENTIFIED = ("managedImage", "galleryImageDefinition", "galleryImageVersionOrLatest", "userAssignedIdentity",
               "subnet", "resourceGroup")


def identify(value: str) -> str | None:
    """The name of the form a resource ID has (spaces around it ignored), if it is one of the known ones."""
    text = value.strip()
    return next((name for name in _IDENTIFIED if matches(name, text)), None)
