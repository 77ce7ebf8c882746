"""AIB321 cis-hardened-source and AIB322 purchase-plan-missing."""

from lintutil import Found, lint
from rulefix import at, diagnostics
from servicerules import arm_file, platform, raw, template_resource

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


# Every publisher of the plan table, with an offer and SKU of theirs that carries a plan.
PLAN_IMAGES = [
    ("center-for-internet-security-inc", "cis-ubuntu-linux-2204-l1", "cis-ubuntu-linux-2204-l1-gen2"),
    ("cognosys", "centos-8-3-free", "centos-8-3-free"),
    ("bitnami", "wordpress", "1-9"),
    ("procomputers", "almalinux-9", "almalinux-9"),
    ("ntegralinc1586961136942", "ntg_oracle_linux_8", "ntg_oracle_linux_8"),
    ("fortinet", "fortinet_fortigate-vm_v5", "fortinet_fg-vm"),
    ("paloaltonetworks", "vmseries-flex", "byol"),
    ("checkpoint", "check-point-cg-r8110", "sg-byol"),
    ("kali-linux", "kali", "kali-2024-2"),
]


def _plan_message(publisher: str) -> str:
    return (f"Images of '{publisher}' are sold under a purchase plan: add planInfo (planName, planProduct, "
            "planPublisher), or the build VM cannot be created (PurchasePlanNotProvided)")


def test_each_plan_publisher_without_plan_info():
    for publisher, offer, sku in PLAN_IMAGES:
        text = raw(platform(sku, publisher, offer))
        assert lint(text, codes="AIB322") == [Found("AIB322", at(text, f'"{publisher}"'), _plan_message(publisher))]
        # Publisher names are not case-sensitive in Azure; the message keeps the text as written.
        upper = raw(platform(sku, publisher.upper(), offer))
        assert [f.message for f in lint(upper, codes="AIB322")] == [_plan_message(publisher.upper())]


def test_each_plan_publisher_with_plan_info():
    for publisher, offer, sku in PLAN_IMAGES:
        plan = {"planName": sku, "planProduct": offer, "planPublisher": publisher}
        assert lint(raw({**platform(sku, publisher, offer), "planInfo": plan}), codes="AIB322") == []


def test_other_sources_are_not_checked():
    managed = {"type": "ManagedImage", "imageId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/procomputers"}
    assert lint(raw(managed), codes="AIB322") == []
    # An unknown publisher (a parameter without default) says nothing.
    text = arm_file(template_resource("t", platform("s", "[parameters('publisher')]", "o")),
                    parameters={"publisher": {"type": "string"}})
    assert lint(text, codes="AIB322") == []


def test_before_2020_02_14_the_message_says_the_plan_cannot_be_passed():
    for api in ("2019-05-01-preview", "2019-02-01-preview"):
        text = raw(platform("kali-2024-2", "kali-linux", "kali"), api=api)
        assert lint(text, codes="AIB322") == [Found(
            "AIB322", at(text, '"kali-linux"'),
            f"Images of 'kali-linux' are sold under a purchase plan, which API version {api} cannot pass "
            "(planInfo exists from 2020-02-14)")]
    assert [f.code for f in lint(raw(platform("kali-2024-2", "kali-linux", "kali"), api="2020-02-14"),
                                 codes="AIB322")] == ["AIB322"]


def test_publisher_from_a_parameter_default_in_arm():
    text = arm_file(template_resource("t", platform("almalinux-9", "[parameters('publisher')]", "almalinux-9")),
                    parameters={"publisher": {"type": "string", "defaultValue": "procomputers"}})
    found = diagnostics(text, "AIB322")
    assert lint(text, codes="AIB322") == [Found("AIB322", at(text, '"procomputers"'), _plan_message("procomputers"))]
    assert [r.span for r in found[0].related] and found[0].related[0].message


YAML = """\
type: Microsoft.VirtualMachineImages/imageTemplates
apiVersion: 2024-02-01
location: westeurope
identity:
  type: UserAssigned
  userAssignedIdentities:
    /subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id: {}
properties:
  source:
    type: PlatformImage
    publisher: procomputers
    offer: almalinux-9
    sku: almalinux-9
    version: latest
PLAN
  distribute:
    - type: VHD
      runOutputName: vhd
"""
YAML_PLAN = """\
    planInfo:
      planName: almalinux-9
      planProduct: almalinux-9
      planPublisher: procomputers"""

BICEP = """\
resource tmpl 'Microsoft.VirtualMachineImages/imageTemplates@2024-02-01' = {
  name: 'alma'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id': {} }
  }
  properties: {
    source: {
      type: 'PlatformImage'
      publisher: 'procomputers'
      offer: 'almalinux-9'
      sku: 'almalinux-9'
      version: 'latest'
PLAN
    }
    distribute: [ { type: 'VHD', runOutputName: 'vhd' } ]
  }
}
"""
BICEP_PLAN = "      planInfo: { planName: 'almalinux-9', planProduct: 'almalinux-9', planPublisher: 'procomputers' }"


def test_yaml_and_bicep():
    for template, plan, filename, literal in ((YAML, YAML_PLAN, "t.yaml", "procomputers"),
                                              (BICEP, BICEP_PLAN, "main.bicep", "'procomputers'")):
        text = template.replace("PLAN\n", "")
        assert lint(text, filename, codes="AIB322") == [
            Found("AIB322", at(text, literal), _plan_message("procomputers"))], filename
        assert lint(template.replace("PLAN", plan), filename, codes="AIB322") == [], filename


def test_plan_offer_of_a_publisher_whose_other_images_have_none():
    byos = platform("rhel-lvm87", "RedHat", "rhel-byos")
    text = raw(byos)
    assert lint(text, codes="AIB322") == [Found(
        "AIB322", at(text, '"rhel-byos"'),
        "Images of offer 'rhel-byos' of 'RedHat' are sold under a purchase plan: add planInfo (planName, "
        "planProduct, planPublisher), or the build VM cannot be created (PurchasePlanNotProvided)")]
    old = raw(byos, api="2019-05-01-preview")
    assert [f.message for f in lint(old, codes="AIB322")] == [
        "Images of offer 'rhel-byos' of 'RedHat' are sold under a purchase plan, which API version "
        "2019-05-01-preview cannot pass (planInfo exists from 2020-02-14)"]
    plan = {"planName": "rhel-lvm87", "planProduct": "rhel-byos", "planPublisher": "redhat"}
    for valid in (raw({**byos, "planInfo": plan}), raw(platform("9-lvm-gen2", "RedHat", "RHEL")),
                  raw(platform("rhel-lvm87", "SomeoneElse", "rhel-byos"))):
        assert lint(valid, codes="AIB322") == []
