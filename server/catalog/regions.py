"""Azure regions: every known region, where Image Builder runs, and lookups.

A region is written either by its name (``eastus2``) or by its display name
(``East US 2``); Azure compares them ignoring case and spaces, and so does
:func:`lookup`. Each region carries approximate coordinates of its data-centre
city, used to suggest the *nearest* supported region for a region that Image
Builder does not serve, and the cloud it belongs to (a public-cloud region is
never suggested for a sovereign-cloud one).

Sources: the Azure regions list and the .NET ``AzureLocation`` table for names;
the Image Builder documentation for where the service runs (5 regions in the
2019 preview documentation, 39 in the current documentation).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Iterable

# Longer texts are not compared with names (similarity search costs the product of the lengths).
MAX_SIMILAR_INPUT = 100


@dataclass(frozen=True)
class Region:
    name: str
    display_name: str
    latitude: float
    longitude: float
    cloud: str = "public"  # "public", "usgov", "china" or "germany"
    # Other spellings seen in documentation, e.g. "South East Asia".
    aliases: tuple[str, ...] = ()

    def distance_km(self, other: "Region") -> float:
        """Great-circle distance between the two regions' data-centre cities."""
        lat1, lon1, lat2, lon2 = map(math.radians, (self.latitude, self.longitude, other.latitude, other.longitude))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _r(name, display, lat, lon, cloud="public", aliases=()):
    return Region(name, display, lat, lon, cloud, tuple(aliases))


REGIONS: tuple[Region, ...] = (
    _r("australiacentral", "Australia Central", -35.31, 149.12),
    _r("australiacentral2", "Australia Central 2", -35.31, 149.12),
    _r("australiaeast", "Australia East", -33.86, 151.21),
    _r("australiasoutheast", "Australia Southeast", -37.81, 144.96),
    _r("austriaeast", "Austria East", 48.21, 16.37),
    _r("belgiumcentral", "Belgium Central", 50.85, 4.35),
    _r("brazilsouth", "Brazil South", -23.55, -46.63),
    _r("brazilsoutheast", "Brazil Southeast", -22.90, -43.21),
    _r("canadacentral", "Canada Central", 43.65, -79.38),
    _r("canadaeast", "Canada East", 46.82, -71.22),
    _r("centralindia", "Central India", 18.58, 73.92),
    _r("centralus", "Central US", 41.59, -93.62),
    _r("chilecentral", "Chile Central", -33.45, -70.67),
    _r("denmarkeast", "Denmark East", 55.68, 12.57),
    _r("eastasia", "East Asia", 22.27, 114.19),
    _r("eastus", "East US", 37.37, -79.82),
    _r("eastus2", "East US 2", 36.67, -78.39),
    _r("francecentral", "France Central", 46.38, 2.37),
    _r("francesouth", "France South", 43.83, 2.20),
    _r("germanynorth", "Germany North", 53.07, 8.81),
    _r("germanywestcentral", "Germany West Central", 50.11, 8.68),
    _r("indonesiacentral", "Indonesia Central", -6.21, 106.85),
    _r("israelcentral", "Israel Central", 31.27, 33.45),
    _r("italynorth", "Italy North", 45.47, 9.18),
    _r("japaneast", "Japan East", 35.68, 139.77),
    _r("japanwest", "Japan West", 34.69, 135.50),
    _r("jioindiacentral", "Jio India Central", 21.15, 79.09),
    _r("jioindiawest", "Jio India West", 22.47, 70.06),
    _r("koreacentral", "Korea Central", 37.57, 126.98),
    _r("koreasouth", "Korea South", 35.18, 129.08),
    _r("malaysiawest", "Malaysia West", 3.14, 101.69),
    _r("mexicocentral", "Mexico Central", 20.59, -100.39),
    _r("newzealandnorth", "New Zealand North", -36.85, 174.76),
    _r("northcentralus", "North Central US", 41.88, -87.63),
    _r("northeurope", "North Europe", 53.35, -6.26),
    _r("norwayeast", "Norway East", 59.91, 10.75),
    _r("norwaywest", "Norway West", 58.97, 5.73),
    _r("polandcentral", "Poland Central", 52.23, 21.01),
    _r("qatarcentral", "Qatar Central", 25.55, 51.44),
    _r("southafricanorth", "South Africa North", -25.73, 28.22),
    _r("southafricawest", "South Africa West", -34.08, 18.84),
    _r("southcentralus", "South Central US", 29.42, -98.50),
    _r("southindia", "South India", 12.98, 80.16),
    _r("southeastasia", "Southeast Asia", 1.28, 103.83, aliases=("South East Asia",)),
    _r("spaincentral", "Spain Central", 40.43, -3.42),
    _r("swedencentral", "Sweden Central", 60.67, 17.14),
    _r("swedensouth", "Sweden South", 55.60, 13.00),
    _r("switzerlandnorth", "Switzerland North", 47.45, 8.56),
    _r("switzerlandwest", "Switzerland West", 46.20, 6.14),
    _r("taiwannorth", "Taiwan North", 25.03, 121.57),
    _r("taiwannorthwest", "Taiwan Northwest", 24.80, 120.97),
    _r("uaecentral", "UAE Central", 24.47, 54.37),
    _r("uaenorth", "UAE North", 25.27, 55.32),
    _r("uksouth", "UK South", 50.94, -0.80),
    _r("ukwest", "UK West", 53.43, -3.08),
    _r("westcentralus", "West Central US", 40.89, -110.23),
    _r("westeurope", "West Europe", 52.37, 4.90),
    _r("westindia", "West India", 19.09, 72.87),
    _r("westus", "West US", 37.78, -122.42),
    _r("westus2", "West US 2", 47.23, -119.85),
    _r("westus3", "West US 3", 33.45, -112.07),
    # Azure Government
    _r("usgovarizona", "US Gov Arizona", 33.45, -112.07, "usgov", ("USGov Arizona",)),
    _r("usgoviowa", "US Gov Iowa", 41.59, -93.62, "usgov", ("USGov Iowa",)),
    _r("usgovtexas", "US Gov Texas", 29.42, -98.49, "usgov", ("USGov Texas",)),
    _r("usgovvirginia", "US Gov Virginia", 37.37, -79.82, "usgov", ("USGov Virginia",)),
    _r("usdodcentral", "US DoD Central", 41.59, -93.62, "usgov"),
    _r("usdodeast", "US DoD East", 36.67, -78.39, "usgov"),
    # Azure operated by 21Vianet
    _r("chinaeast", "China East", 31.23, 121.47, "china"),
    _r("chinaeast2", "China East 2", 31.23, 121.47, "china"),
    _r("chinaeast3", "China East 3", 31.23, 121.47, "china"),
    _r("chinanorth", "China North", 39.90, 116.41, "china"),
    _r("chinanorth2", "China North 2", 39.90, 116.41, "china"),
    _r("chinanorth3", "China North 3", 38.04, 114.51, "china"),
    # Retired German sovereign cloud (still valid names in old templates)
    _r("germanycentral", "Germany Central", 50.11, 8.68, "germany"),
    _r("germanynortheast", "Germany Northeast", 52.12, 11.63, "germany"),
)

BY_NAME: dict[str, Region] = {r.name: r for r in REGIONS}

#: The newest API version whose documentation lists only the preview regions.
LAST_PREVIEW_VERSION = "2019-05-01-preview"

#: Where Image Builder ran during the 2019 preview (API versions up to 2019-05-01-preview).
PREVIEW_AIB_REGIONS: tuple[str, ...] = ("eastus", "eastus2", "westcentralus", "westus", "westus2")
#: The February 2020 documentation, still written for 2019-05-01-preview, adds two European regions.
LAST_PREVIEW_AIB_REGIONS: tuple[str, ...] = PREVIEW_AIB_REGIONS + ("northeurope", "westeurope")

#: Where Image Builder runs according to the current documentation (39 regions).
CURRENT_AIB_REGIONS: tuple[str, ...] = (
    "eastus", "eastus2", "westcentralus", "westus", "westus2", "westus3", "southcentralus",
    "northeurope", "westeurope", "southeastasia", "australiasoutheast", "australiaeast",
    "uksouth", "ukwest", "brazilsouth", "canadacentral", "centralindia", "centralus",
    "francecentral", "germanywestcentral", "japaneast", "northcentralus", "norwayeast",
    "switzerlandnorth", "jioindiawest", "uaenorth", "eastasia", "koreacentral",
    "southafricanorth", "qatarcentral", "usgovarizona", "usgovvirginia", "chinanorth3",
    "swedencentral", "polandcentral", "italynorth", "israelcentral", "newzealandnorth",
    "taiwannorthwest",
)

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize(text: str) -> str:
    """The form Azure compares region names in: lower case, without spaces."""
    return _SPACES.sub("", text).lower()


def _loose(text: str) -> str:
    """Like :func:`normalize`, also dropping ``-`` and ``_`` (for suggestions only)."""
    return _SEPARATORS.sub("", text).lower()


_LOOKUP: dict[str, Region] = {}
for _region in REGIONS:
    for _form in (_region.name, _region.display_name, *_region.aliases):
        _LOOKUP[normalize(_form)] = _region


def lookup(text: str) -> Region | None:
    """The Azure region written as ``text`` (name or display name, any case or spacing)."""
    return _LOOKUP.get(normalize(text))


def _extra(extra: Iterable[str]) -> list[Region]:
    """Regions named in configuration; unknown names become bare regions of their own."""
    out = []
    for text in extra:
        region = lookup(text)
        out.append(region or Region(normalize(text), text.strip(), math.nan, math.nan))
    return out


def aib_regions(api_version: str | None, extra: Iterable[str] = ()) -> list[Region]:
    """The regions where Image Builder runs for ``api_version`` (plus configured ``extra`` ones)."""
    out = [BY_NAME[n] for n in preview_regions(api_version) or CURRENT_AIB_REGIONS]
    for region in _extra(extra):
        if region.name not in {r.name for r in out}:
            out.append(region)
    return out


def preview_regions(api_version: str | None) -> tuple[str, ...]:
    """The documented regions of a preview API version; empty for the others."""
    if not is_preview_era(api_version):
        return ()
    return LAST_PREVIEW_AIB_REGIONS if api_version == LAST_PREVIEW_VERSION else PREVIEW_AIB_REGIONS


def is_preview_era(api_version: str | None) -> bool:
    """True for the preview API versions (2019-05-01-preview and earlier)."""
    return bool(api_version) and api_version <= LAST_PREVIEW_VERSION


def find_known(text: str, extra: Iterable[str] = ()) -> Region | None:
    """Like :func:`lookup`, also accepting the configured ``extra`` region names."""
    region = lookup(text)
    if region is not None:
        return region
    key = normalize(text)
    return next((r for r in _extra(extra) if r.name == key), None)


def is_aib_region(text: str, api_version: str | None, extra: Iterable[str] = ()) -> bool:
    """True when Image Builder runs in region ``text`` for ``api_version`` (None: the current list)."""
    key = normalize(text)
    region = lookup(text)
    name = region.name if region else key
    return any(r.name == name for r in aib_regions(api_version, extra))


def similar(text: str, candidates: Iterable[Region], limit: int = 3) -> list[Region]:
    """Candidates whose name or display name is spelled like ``text`` (best first)."""
    key = _loose(text)
    if not key or len(key) > MAX_SIMILAR_INPUT:
        return []  # far longer than any region name: no misspelling of one (and matching would be slow)
    candidates = list(candidates)
    exact = [r for r in candidates if same_but_separators(text, r)]
    if exact:
        return exact[:1]
    words = _words(text)  # the same words in another order: "US East 2"
    reordered = [r for r in candidates if len(words) > 1 and words == _words(r.display_name)]
    if reordered:
        return reordered[:1]
    scored = []
    for region in candidates:
        forms = {_loose(f) for f in (region.name, region.display_name, *region.aliases)}
        score = max(_ratio(key, f) for f in forms)
        if score >= 0.75:
            scored.append((-score, region.name, region))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [region for _, _, region in scored[:limit]]


def _ratio(a: str, b: str) -> float:
    """difflib's similarity of ``a`` and ``b``, 0 when its cheap upper bounds are already below 0.75."""
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75:
        return 0.0
    return matcher.ratio()


def _words(text: str) -> list[str]:
    return sorted(w for w in _SEPARATORS.split(text.lower()) if w)


def same_but_separators(text: str, region: Region) -> bool:
    """True when ``text`` differs from one of ``region``'s spellings only in case, spaces, ``-`` or ``_``."""
    key = _loose(text)
    return any(key == _loose(f) for f in (region.name, region.display_name, *region.aliases))


def nearest(region: Region, candidates: Iterable[Region], limit: int = 2) -> list[Region]:
    """The candidates closest to ``region`` on the map, preferring its own cloud."""
    pool = [c for c in candidates if not math.isnan(c.latitude) and c.name != region.name]
    if math.isnan(region.latitude):
        return []
    same_cloud = [c for c in pool if c.cloud == region.cloud]
    pool = same_cloud or [c for c in pool if c.cloud == "public"]
    pool.sort(key=lambda c: (region.distance_km(c), c.name))
    return pool[:limit]


def suggestions(text: str, candidates: Iterable[Region], limit: int = 3) -> list[Region]:
    """Regions to offer instead of ``text``.

    A real region that is not among ``candidates`` gets the nearest candidates on
    the map; a misspelt one is first read as the region it most resembles.
    """
    candidates = list(candidates)
    region = lookup(text)
    if region is None:
        close = similar(text, REGIONS, limit=1)
        if not close:
            return similar(text, candidates, limit)
        region = close[0]
    if region in candidates:
        return [region]
    return nearest(region, candidates, min(limit, 2))
