"""Build-VM sizes and marketplace publishers: the facts the service rules need, as data.

Sizes are matched case-insensitively on their full name (``Standard_D2_v2``).
Only what the sources state is listed; a size that is not here is *unknown*,
and rules say nothing about unknown sizes.

Sources:

* Generation support per size family — "Support for Generation 2 VMs on Azure"
  (https://learn.microsoft.com/azure/virtual-machines/generation-2: the A-family,
  NC-series and NV-series are listed as not supported) and each series' own page
  ("VM Generation Support: Generation 1" on the Av2, Dv2, Dv3 and Ev3 pages; the
  sizes of D v1 are Generation 1 sizes of the previous-generation list).
* The default build VM — Image Builder template reference (``vmSize``: "Standard_D1_v2
  for Gen1 images and Standard_D2ds_v4 for Gen2 images").
* One-vCPU sizes — the size pages of each series (Dv2, DSv2, Av2, A, B, F).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Family(NamedTuple):
    """A size family that runs Generation 1 images only."""

    name: str
    pattern: re.Pattern
    # How the same size is spelled in the family's Gen2-capable sibling ("{n}" is the size number), if any.
    gen2_sibling: str | None


GEN1_ONLY_FAMILIES: tuple[Family, ...] = (
    Family("A", re.compile(r"^(standard|basic)_a(\d+)$", re.I), None),
    Family("Av2", re.compile(r"^standard_a(\d+)m?_v2$", re.I), None),
    Family("D (v1)", re.compile(r"^standard_d(\d+)$", re.I), None),
    Family("Dv2", re.compile(r"^standard_d(\d+)_v2$", re.I), "Standard_DS{n}_v2"),
    Family("Dv3", re.compile(r"^standard_d(\d+)_v3$", re.I), "Standard_D{n}s_v3"),
    Family("Ev3", re.compile(r"^standard_e(\d+)_v3$", re.I), "Standard_E{n}s_v3"),
    Family("NC (v1)", re.compile(r"^standard_nc(6|12|24|24r)$", re.I), None),
    Family("NV (v1)", re.compile(r"^standard_nv(6|12|24)$", re.I), None),
)

DEFAULT_GEN1_SIZE = "Standard_D1_v2"
DEFAULT_GEN2_SIZE = "Standard_D2ds_v4"

# Sizes with a single vCPU (lower case).
ONE_VCPU_SIZES = frozenset(s.lower() for s in (
    "Standard_D1_v2", "Standard_DS1_v2", "Standard_D1", "Standard_DS1",
    "Standard_A0", "Standard_A1", "Basic_A0", "Basic_A1", "Standard_A1_v2",
    "Standard_B1ls", "Standard_B1s", "Standard_B1ms", "Standard_F1", "Standard_F1s",
))


def gen1_only_family(size: str) -> Family | None:
    """The Generation-1-only family ``size`` belongs to, or None (Gen2-capable or unknown)."""
    for family in GEN1_ONLY_FAMILIES:
        if family.pattern.match(size.strip()):
            return family
    return None


def gen2_alternative(size: str) -> str | None:
    """The same size in the family's Gen2-capable sibling (``Standard_D2_v2`` → ``Standard_DS2_v2``), if any."""
    family = gen1_only_family(size)
    if family is None or family.gen2_sibling is None:
        return None
    return family.gen2_sibling.format(n=family.pattern.match(size.strip()).group(1))


def has_one_vcpu(size: str) -> bool:
    return size.strip().lower() in ONE_VCPU_SIZES


# Publishers of hardened images that the troubleshooting guide says break builds (lower case).
CIS_PUBLISHERS = frozenset({"center-for-internet-security-inc"})

# Marketplace publishers whose images are sold under a purchase plan: a VM (and a build VM)
# from them must name the plan, or the deployment fails with PurchasePlanNotProvided.
# Source: each publisher's Azure Marketplace listing ("plan" in `az vm image show`).
PLAN_PUBLISHERS = frozenset({
    "center-for-internet-security-inc", "cognosys", "bitnami", "procomputers",
    "ntegralinc1586961136942", "fortinet", "paloaltonetworks", "checkpoint", "kali-linux",
})
# (publisher, offer) pairs whose images carry a plan where the publisher's other images do not (lower case).
# Source: the Image Builder template reference's planInfo example (RedHat "rhel-byos").
PLAN_OFFERS = frozenset({("redhat", "rhel-byos")})
