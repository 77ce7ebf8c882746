"""AIB321 cis-hardened-source and AIB322 purchase-plan-missing."""

from lintutil import Found, lint
from rulefix import at
from servicerules import platform, raw

CIS = platform("cis-windows-server-2022-l1-gen2", "center-for-internet-security-inc", "cis-windows-server-2022-l1")
PLAN = {"planName": "cis-windows-server-2022-l1-gen2", "planProduct": "cis-windows-server-2022-l1",
        "planPublisher": "center-for-internet-security-inc"}


def test_cis_source():
    text = raw({**CIS, "planInfo": PLAN})
    assert lint(text, codes=("AIB321", "AIB322")) == [Found(
        "AIB321", at(text, '"center-for-internet-security-inc"'),
        "CIS-hardened images can break Image Builder builds (WinRM blocked on Windows, 'chmod +x' refused on "
        "Linux); build from the plain image and apply the hardening in a customizer")]


def test_plan_image_without_plan_info():
    text = raw(platform("rocky-linux-9", "procomputers", "rocky-linux-9"))
    assert lint(text, codes="AIB322") == [Found(
        "AIB322", at(text, '"procomputers"'),
        "Images of 'procomputers' are sold under a purchase plan: add planInfo (planName, planProduct, "
        "planPublisher), or the build VM cannot be created (PurchasePlanNotProvided)")]
    old = raw(platform("rocky-linux-9", "procomputers", "rocky-linux-9"), api="2019-05-01-preview")
    assert [f.message for f in lint(old, codes="AIB322")] == [
        "Images of 'procomputers' are sold under a purchase plan, which API version 2019-05-01-preview cannot "
        "pass (planInfo exists from 2020-02-14)"]


def test_valid():
    for text in (raw(platform("2019-Datacenter")), raw({**CIS, "planInfo": PLAN}),
                 raw(platform("22_04-lts-gen2", "Canonical", "0001-com-ubuntu-server-jammy"))):
        assert lint(text, codes="AIB322") == []
    assert lint(raw(platform("2019-Datacenter")), codes="AIB321") == []
