"""docs/configuration.md lists every PTGHUB_* variable the code reads."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = [*ROOT.glob("services/**/*.py"), *ROOT.glob("gateway/**/*.py"), *ROOT.glob("deploy/*.py"), ROOT / "tests" / "infra.py"]


def read_variables() -> tuple[set[str], set[str]]:
    """(fixed names, per-service suffixes) of every ``env("NAME")`` / ``PTGHUB_NAME`` the code reads."""
    fixed, per_service = set(), set()
    for path in CODE:
        text = path.read_text()
        fixed |= {f"PTGHUB_{name}" for name in re.findall(r"\benv\(\s*['\"]([A-Z0-9_]+)['\"]", text)}
        fixed |= set(re.findall(r"environ(?:\.get)?\(?\[?\s*['\"](PTGHUB_[A-Z0-9_]+)['\"]", text))
        per_service |= set(re.findall(r"\benv\(\s*f['\"]\{[^}]+\}_([A-Z0-9_]+)['\"]", text))
    return fixed, per_service


def test_the_scan_finds_the_known_variables():
    fixed, per_service = read_variables()
    assert {"PTGHUB_AMQP_URL", "PTGHUB_SMTP_URL", "PTGHUB_BOOTSTRAP_TOKEN", "PTGHUB_TEST_PG_URL"} <= fixed
    assert {"DATABASE_URL", "PORT", "URL"} <= per_service


def test_configuration_documents_every_variable():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    fixed, per_service = read_variables()
    missing = sorted(name for name in fixed if f"`{name}`" not in doc)
    missing += sorted(f"PTGHUB_<SERVICE>_{suffix}" for suffix in per_service if f"`PTGHUB_<SERVICE>_{suffix}`" not in doc)
    assert not missing, f"add to docs/configuration.md: {missing}"
