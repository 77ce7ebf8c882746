"""AIB313 secret-in-template."""

import json

import pytest

from lintutil import Found, lint
from rulefix import arm, at, diagnostics

KEY = "Zm9vYmFy" * 10 + "QUJDRE" + "=="  # 88 characters, shaped like a storage account key
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"


def raw(customizer: dict, api: str = "2024-02-01") -> str:
    doc = {
        "type": "Microsoft.VirtualMachineImages/imageTemplates",
        "apiVersion": api,
        "location": "westeurope",
        "properties": {
            "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS",
                       "version": "latest"},
            "customize": [customizer],
            "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
        },
    }
    return json.dumps(doc, indent=2)


@pytest.mark.parametrize("command, secret, kind", [
    ("mysql --user=admin --password=S3cretPassw0rd < /tmp/init.sql", "S3cretPassw0rd",
     "a password on the command line (--password)"),
    ("Install.ps1 -AdminPassword 'Pa55word!'", "Pa55word!", "a password on the command line (-AdminPassword)"),
    ("$pw = ConvertTo-SecureString 'Hunter2222' -AsPlainText -Force", "Hunter2222",
     "a plain-text password (ConvertTo-SecureString)"),
    ("echo 'root:toor1234' | sudo chpasswd", "toor1234", "a password (chpasswd)"),
    ("net user builder Bu1lder!Pw /add", "Bu1lder!Pw", "a password (net user)"),
    ("sshpass -p hunter22 ssh host", "hunter22", "a password (sshpass -p)"),
    ("az login --service-principal -u 1b2c -p Sup3rS3cret! --tenant t", "Sup3rS3cret!", "a password (login -p)"),
    ("docker login myreg.azurecr.io -u admin -p 'hunter22'", "hunter22", "a password (login -p)"),
    ("mysql -u root -pS3cretPw < /tmp/init.sql", "S3cretPw", "a password (mysql -p)"),
    ("export DB='Server=db;Password=Secr3t99;'", "Secr3t99", "a password (Password=)"),
    ("$adminPassword = 'L1teral-Pw'", "L1teral-Pw", "a password ($adminPassword = ...)"),
    ("azcopy copy 'https://acct.blob.core.windows.net/c/f?sv=2020-08-04&sig=AbCdEfGhIjKlMnOpQrSt%3D' /tmp",
     "AbCdEfGhIjKlMnOpQrSt%3D", "a SAS signature (sig=)"),
    (f"az storage blob download --account-key {KEY} -c c -n f", KEY, "a storage account key"),
    (f"curl -H 'Authorization: Bearer {TOKEN}' https://x", TOKEN, "a bearer token"),
    ("echo '-----BEGIN RSA PRIVATE KEY-----' > /root/.ssh/id_rsa", "-----BEGIN RSA PRIVATE KEY-----", "a private key"),
    ("git clone https://ghp_" + "a1B2" * 9 + "@github.com/o/r", "ghp_" + "a1B2" * 9, "a GitHub token"),
])
def test_secrets_in_inline_commands(command, secret, kind):
    text = raw({"type": "Shell", "name": "setup", "inline": ["echo start", command]})
    found = lint(text, codes="AIB313")
    assert found == [Found("AIB313", at(text, secret), f'inline command of Shell customizer "setup" holds {kind}; '
                                                       "keep secrets out of templates")]
    assert secret not in found[0].message
    assert diagnostics(text, "AIB313")[0].severity.label == "warning"


@pytest.mark.parametrize("command", [
    "mysql --user=admin --password=$DB_PASS < /tmp/init.sql",
    "mysql --password=\"${DB_PASS}\"",
    "Install.ps1 -AdminPassword $env:ADMIN_PW",
    "$password = Read-Host -AsSecureString",
    "net user builder * /add",
    "mkdir -p /opt/app && chmod 700 /opt/app",
    "passwd -l root",
    "az login --service-principal -u $APP_ID -p $APP_SECRET --tenant $TENANT",
    "az login --service-principal -u 1b2c -p /tmp/sp.pem --tenant t",
    "echo $PW | docker login -u admin --password-stdin myreg.azurecr.io",
    "mysql -u root -p appdb < /tmp/init.sql",
    "ssh -p 2222 builder@host 'login -f'",
    "echo 'password=<your password>' > /tmp/x",
    "curl -H 'Authorization: Bearer $TOKEN' https://x",
    "az storage blob download --account-key $KEY -c c -n f",
    "wget 'https://acct.blob.core.windows.net/c/f?sv=2020&sig=<sas>'",
])
def test_variables_placeholders_and_ordinary_commands_are_not_secrets(command):
    assert lint(raw({"type": "Shell", "name": "setup", "inline": [command]}), codes="AIB313") == []


def test_urls_and_restart_commands():
    sas = "https://acct.blob.core.windows.net/scripts/setup.ps1?sp=r&sig=0123456789abcdefABCDEF%2B%3D"
    text = raw({"type": "PowerShell", "name": "setup", "scriptUri": sas})
    assert lint(text, codes="AIB313") == [Found(
        "AIB313", at(text, "0123456789abcdefABCDEF%2B%3D"),
        'scriptUri of PowerShell customizer "setup" holds a SAS signature (sig=); keep secrets out of templates')]
    restart = raw({"type": "WindowsRestart", "restartCommand": "shutdown /r & net user admin S3cure!99 /add"})
    assert [f.message for f in lint(restart, codes="AIB313")] == [
        "restartCommand of WindowsRestart customizer holds a password (net user); keep secrets out of templates"]


def test_escaped_strings_are_reported_on_the_secret_itself():
    text = raw({"type": "Shell", "name": "s", "inline": ["echo \"x\\y\" && mysql --password=S3cretPassw0rd"]})
    assert [f.range for f in lint(text, codes="AIB313")] == [at(text, "S3cretPassw0rd")]


def test_escaped_strings_in_yaml_are_reported_on_the_secret_itself():
    text = 'type: Microsoft.VirtualMachineImages/imageTemplates\napiVersion: "2024-02-01"\nlocation: westeurope\n' \
           'properties:\n  source: {type: PlatformImage, publisher: Canonical, offer: o, sku: s, version: latest}\n' \
           '  customize:\n    - type: Shell\n      name: s\n      inline:\n' \
           '        - "echo \\"\\u00e9\\" && mysql --password=S3cretPassw0rd"\n' \
           '  distribute: [{type: VHD, runOutputName: vhd}]\n'
    assert [f.range for f in lint(text, "t.yaml", codes="AIB313")] == [at(text, "S3cretPassw0rd")]


@pytest.mark.parametrize("command, secret, kind", [
    ("curl -fsSL -u deploy:Hunter2Pass https://repo.example.com/x", "Hunter2Pass", "a password (-u user:password)"),
    ("$env:DB_PASSWORD = 'Tr0ub4dor'", "Tr0ub4dor", "a secret ($env:DB_PASSWORD = ...)"),
    ("net user builder Bu1lder!Pw /add", "Bu1lder!Pw", "a password (net user)"),
    ("export SB='Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=" + "A" * 43 + "='",
     "A" * 43 + "=", "a shared access key (connection string)"),
    ("git clone https://builder:gh0stP4ss@dev.example.com/repo.git", "gh0stP4ss",
     "a likely secret (basic auth credentials)"),
    ('api_key = "q8Zr2LmN4vT6wX1y"', "q8Zr2LmN4vT6wX1y", "a likely secret (secret keyword)"),
    ("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE",
     "a likely secret (aws access key)"),
])
def test_command_line_forms_and_detect_secrets(command, secret, kind):
    text = raw({"type": "PowerShell", "name": "p", "inline": [command]})
    found = lint(text, codes="AIB313")
    assert found == [Found("AIB313", at(text, secret), f'inline command of PowerShell customizer "p" holds {kind}; '
                                                       "keep secrets out of templates")]
    assert secret not in found[0].message


@pytest.mark.parametrize("command", [
    'secret_key = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"',
    'client_secret = "1b2c3d4e-1111-2222-3333-444455556666"',
    'token = "/subscriptions/1b2c3d4e-1111-2222-3333-444455556666/resourceGroups/rg"',
    "password = \"[parameters('pw')]\"",
    "$env:DB_PASSWORD = \"$secret\"",
    "curl -u \"$USER:$PASS\" https://x",
])
def test_checksums_guids_resource_ids_and_expressions_are_not_secrets(command):
    text = raw({"type": "PowerShell", "name": "p", "inline": [command]})
    assert lint(text, codes="AIB313") == []


def test_validators_and_arm_variables():
    text = arm({
        "source": {"type": "PlatformImage", "publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
        "validate": {"inVMValidations": [{"type": "Shell", "name": "check", "inline": "[variables('checks')]"}]},
        "distribute": [{"type": "VHD", "runOutputName": "vhd"}],
    }, variables={"checks": ["test -f /x", "sshpass -p hunter22 ssh host true"]})
    assert lint(text, codes="AIB313") == [Found(
        "AIB313", at(text, "hunter22"),
        'inline command of Shell validator "check" holds a password (sshpass -p); keep secrets out of templates')]
    assert [r.message for r in diagnostics(text, "AIB313")[0].related] == ["value used here"]


@pytest.mark.parametrize("text, expected", [
    (b'"inline": ["export PASSWORD=x"]', True),
    (b'"api_Key": "x"', True),
    (b'"value": "AKIAIOSFODNN7EXAMPLE"', True),
    (b'"uri": "https://user:hunter2@example.com/x"', True),
    (b'"uri": "https://example.com/x:8080@y"', False),  # no credentials: a path, not user:password@host
    (b'{"type": "Shell", "inline": ["apt-get update"]}', False),
])
def test_documents_worth_asking_detect_secrets_about(text, expected):
    from aiblint.rules.aib313_secret_in_template import worth_asking

    assert worth_asking(text) is expected
