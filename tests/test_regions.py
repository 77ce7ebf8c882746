"""The region tables and lookups of aiblint.catalog.regions (also used by location completion)."""

import pytest

from aiblint.catalog import regions as R


def test_tables():
    assert len(R.CURRENT_AIB_REGIONS) == 39 == len(set(R.CURRENT_AIB_REGIONS))
    assert R.PREVIEW_AIB_REGIONS == ("eastus", "eastus2", "westcentralus", "westus", "westus2")
    assert set(R.PREVIEW_AIB_REGIONS) <= set(R.CURRENT_AIB_REGIONS) <= set(R.BY_NAME)
    assert len(R.BY_NAME) == len(R.REGIONS)
    for region in R.REGIONS:
        assert region.name == R.normalize(region.display_name) or region.aliases, region
        assert -90 <= region.latitude <= 90 and -180 <= region.longitude <= 180


@pytest.mark.parametrize("text, name", [
    ("eastus2", "eastus2"), ("East US 2", "eastus2"), ("EAST  us 2", "eastus2"), (" westeurope ", "westeurope"),
    ("South East Asia", "southeastasia"), ("Southeast Asia", "southeastasia"), ("USGov Virginia", "usgovvirginia"),
    ("US Gov Virginia", "usgovvirginia"), ("China North 3", "chinanorth3"),
])
def test_lookup_accepts_names_and_display_names(text, name):
    assert R.lookup(text).name == name


@pytest.mark.parametrize("text", ["east-us", "eastus3", "", "<region>", "global"])
def test_lookup_rejects_non_regions(text):
    assert R.lookup(text) is None


def test_supported_regions_per_api_version():
    # 2019-05-01-preview: the five of 2019 plus the two European regions of the February 2020 documentation.
    assert [r.name for r in R.aib_regions("2019-05-01-preview")] == list(R.PREVIEW_AIB_REGIONS) + [
        "northeurope", "westeurope"]
    assert [r.name for r in R.aib_regions("2019-02-01-preview")] == list(R.PREVIEW_AIB_REGIONS)
    assert [r.name for r in R.aib_regions("2018-02-01-preview")] == list(R.PREVIEW_AIB_REGIONS)
    assert [r.name for r in R.aib_regions("2020-02-14")] == list(R.CURRENT_AIB_REGIONS)
    assert R.is_aib_region("West Europe", "2019-05-01-preview") and not R.is_aib_region("West Europe", "2019-02-01-preview")
    assert not R.is_aib_region("UK West", "2019-05-01-preview") and R.is_aib_region("UK West", "2025-10-01")
    # Configured regions: known ones keep their display name, unknown ones are taken as written.
    extra = R.aib_regions("2025-10-01", ["Japan West", "marscentral"])
    assert [r.name for r in extra[-2:]] == ["japanwest", "marscentral"]
    assert R.is_aib_region("japan west", "2025-10-01", ["japanwest"])


def test_suggestions():
    current = R.aib_regions("2025-10-01")
    names = lambda regions: [r.name for r in regions]  # noqa: E731
    assert names(R.suggestions("japanwest", current)) == ["japaneast", "koreacentral"]
    assert names(R.suggestions("canadaeast", current)) == ["canadacentral", "eastus"]
    assert names(R.suggestions("usgovtexas", current)) == ["usgovarizona", "usgovvirginia"]
    assert names(R.suggestions("chinaeast2", current)) == ["chinanorth3"]
    assert names(R.suggestions("westeuope", current)) == ["westeurope"]
    assert names(R.suggestions("east-us-2", current)) == ["eastus2"]
    assert names(R.suggestions("US East 2", current)) == ["eastus2"]  # words in another order
    assert names(R.suggestions("Europe West", current)) == ["westeurope"]
    assert R.suggestions("zzz", current) == []
    assert R.same_but_separators("East_US-2", R.BY_NAME["eastus2"])
    assert not R.same_but_separators("eastus", R.BY_NAME["eastus2"])
    assert names(R.similar("eastus3", R.REGIONS)) == ["eastus", "eastus2", "westus3"]
