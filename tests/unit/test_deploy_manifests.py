"""deploy/compose.yaml and deploy/k8s/ parse, and name every service with its probes.

There is no Docker engine or cluster here: these checks are what can be known without one.
"""
import re
from pathlib import Path

import pytest
import yaml

from services.kit.config import DEFAULT_PORTS, SERVICE_NAMES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def k8s_documents() -> list[dict]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        documents += [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    return documents


def k8s(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in k8s_documents() if d.get("kind") == kind}


def containers(workload: dict) -> list[dict]:
    return workload["spec"]["template"]["spec"]["containers"]


def env_names(container: dict) -> set[str]:
    return {e["name"] for e in container.get("env", [])}


# -- docker compose ----------------------------------------------------------------------------

def test_compose_runs_every_process():
    services = compose()["services"]
    expected = {"postgres", "rabbitmq", "migrate", "gateway",
                *(f"{s}-api" for s in SERVICE_NAMES), *(f"{s}-worker" for s in SERVICE_NAMES)}
    assert expected <= set(services)
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3-management")
    assert services["postgres"]["image"].startswith("postgres:")


def test_compose_builds_one_image_from_the_dockerfile():
    services = compose()["services"]
    app = [name for name, s in services.items() if "build" in s]
    assert {f"{s}-api" for s in SERVICE_NAMES} <= set(app)
    assert {services[name]["image"] for name in app} == {"ptghub:latest"}
    for name in app:
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / services[name]["build"]["context"] / "deploy" / "Dockerfile").exists()


def test_compose_processes_wait_for_the_migrate_job():
    services = compose()["services"]
    assert "services.kit.manage migrate" in " ".join(services["migrate"]["command"])
    for name in [*(f"{s}-api" for s in SERVICE_NAMES), *(f"{s}-worker" for s in SERVICE_NAMES), "gateway"]:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


def test_compose_runs_apis_on_gunicorn_and_the_gateway_on_uvicorn_workers():
    services = compose()["services"]
    for service in SERVICE_NAMES:
        command = services[f"{service}-api"]["command"]
        assert command[0] == "gunicorn" and "gthread" in command
        assert f"services.{service}.app:create_app()" in command
        assert f"0.0.0.0:{DEFAULT_PORTS[service]}" in command
        assert f":{DEFAULT_PORTS[service]}/healthz" in str(services[f"{service}-api"]["healthcheck"]["test"])
        assert services[f"{service}-worker"]["command"] == ["python", "-m", f"services.{service}.worker"]
    gateway = services["gateway"]
    assert "uvicorn_worker.UvicornWorker" in gateway["command"] and "gateway.app:app" in gateway["command"]
    for service in SERVICE_NAMES:
        assert gateway["environment"][f"PTGHUB_{service.upper()}_URL"] == \
            f"http://{service}-api:{DEFAULT_PORTS[service]}"


def test_compose_gives_each_service_its_own_database_created_by_the_init_script():
    services = compose()["services"]
    created = set(re.findall(r"CREATE DATABASE (\w+)", "".join(
        p.read_text() for p in (DEPLOY / "postgres-init").glob("*.sql"))))
    for owner in [*SERVICE_NAMES, "gateway"]:
        variable = f"PTGHUB_{owner.upper()}_DATABASE_URL"
        url = services["migrate"]["environment"][variable]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
        assert url.rsplit("/", 1)[-1] in created, f"{url} names a database the init script does not create"
    for service in SERVICE_NAMES:
        for process in ("api", "worker"):
            environment = services[f"{service}-{process}"]["environment"]
            databases = {k for k in environment if k.endswith("_DATABASE_URL")}
            assert databases == {f"PTGHUB_{service.upper()}_DATABASE_URL"}, f"{service}-{process} sees {databases}"
            assert environment["PTGHUB_AMQP_URL"].startswith("amqp://")
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]


def test_the_dockerfile_installs_the_project_and_runs_as_non_root():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.search(r"pip install \.", text)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    for needed in ("services", "gateway", "openapi"):
        assert re.search(rf"^COPY {needed} ", text, re.M), f"the image needs {needed}/"


# -- Kubernetes --------------------------------------------------------------------------------

def test_every_manifest_is_in_the_namespace():
    for document in k8s_documents():
        if document["kind"] in ("Namespace", "Kustomization"):
            continue
        assert document["metadata"]["namespace"] == "ptghub", document["metadata"]["name"]
    assert "ptghub" in k8s("Namespace")


def test_kustomization_lists_every_manifest_but_the_secret_example():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert set(kustomization["resources"]) == files


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_service_has_an_api_with_probes_a_service_and_a_worker(service):
    deployments, services = k8s("Deployment"), k8s("Service")
    api = deployments[f"{service}-api"]
    (container,) = containers(api)
    assert f"services.{service}.app:create_app()" in container["command"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"containerPort": DEFAULT_PORTS[service], "name": "http"} in container["ports"]
    assert f"PTGHUB_{service.upper()}_DATABASE_URL" in env_names(container)
    assert services[f"{service}-api"]["spec"]["selector"] == api["spec"]["selector"]["matchLabels"]
    assert services[f"{service}-api"]["spec"]["ports"][0]["port"] == DEFAULT_PORTS[service]
    worker = deployments[f"{service}-worker"]
    (container,) = containers(worker)
    assert container["command"] == ["python", "-m", f"services.{service}.worker"]
    assert {f"PTGHUB_{service.upper()}_DATABASE_URL", "PTGHUB_AMQP_URL"} <= env_names(container)


def test_the_gateway_has_probes_a_service_and_reaches_every_api():
    gateway = k8s("Deployment")["gateway"]
    (container,) = containers(gateway)
    assert "gateway.app:app" in container["command"] and "uvicorn_worker.UvicornWorker" in container["command"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert "gateway" in k8s("Service")
    assert "PTGHUB_AMQP_URL" in env_names(container), "the live stream's queue"
    config = k8s("ConfigMap")["ptghub-config"]["data"]
    for service in SERVICE_NAMES:
        assert config[f"PTGHUB_{service.upper()}_URL"] == f"http://{service}-api:{DEFAULT_PORTS[service]}"


def test_the_migrate_job_migrates_every_database():
    job = k8s("Job")["ptghub-migrate"]
    (container,) = containers(job)
    assert "python -m services.kit.manage migrate" in " ".join(container["command"])
    assert {f"PTGHUB_{owner.upper()}_DATABASE_URL" for owner in [*SERVICE_NAMES, "gateway"]} <= env_names(container)


def test_every_secret_and_config_reference_exists():
    secret = k8s("Secret")["ptghub-secrets"]["stringData"]
    configmaps = k8s("ConfigMap")
    for name, workload in {**k8s("Deployment"), **k8s("Job")}.items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in configmaps, name
            for variable in container.get("env", []):
                ref = variable["valueFrom"]["secretKeyRef"]
                assert ref["name"] == "ptghub-secrets" and ref["key"] in secret, f"{name}: {variable['name']}"


# -- every PTGHUB_* variable a manifest sets is one the code reads (and is documented) ---------

def test_manifests_set_only_documented_variables():
    documented = set(re.findall(r"PTGHUB_[A-Z0-9_]+", (DEPLOY.parent / "docs" / "configuration.md").read_text()))
    documented |= {f"PTGHUB_{owner.upper()}_{suffix}" for owner in [*SERVICE_NAMES, "gateway"]
                   for suffix in ("DATABASE_URL", "PORT", "URL")}
    text = (DEPLOY / "compose.yaml").read_text() + "".join(p.read_text() for p in K8S.glob("*.yaml"))
    used = set(re.findall(r"\b(PTGHUB_[A-Z0-9_]+)", text))
    assert used - documented == set()


# -- who may reach whom: compose publishes only the gateway; k8s NetworkPolicies ----------------

APIS = [f"{s}-api" for s in SERVICE_NAMES]
WORKERS = [f"{s}-worker" for s in (*SERVICE_NAMES, "gateway")]


def test_compose_publishes_only_the_gateway_port():
    services = compose()["services"]
    published = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert published == {"gateway": ["8080:8080"]}
    for api, service in zip(APIS, SERVICE_NAMES):
        assert services[api]["expose"] == [str(DEFAULT_PORTS[service])]


def test_compose_gives_the_internal_key_to_the_gateway_and_the_apis_only():
    text = (DEPLOY / "compose.yaml").read_text()
    assert "${PTGHUB_INTERNAL_KEY:?" in text, "required, never a default key"
    services = compose()["services"]
    holders = {name for name, s in services.items() if "PTGHUB_INTERNAL_KEY" in (s.get("environment") or {})}
    assert holders == {"gateway", *APIS}


def test_compose_runs_the_gateway_worker():
    worker = compose()["services"]["gateway-worker"]
    assert worker["command"] == ["python", "-m", "gateway.worker"]
    assert {"PTGHUB_GATEWAY_DATABASE_URL", "PTGHUB_AMQP_URL"} <= set(worker["environment"])
    assert worker["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_k8s_takes_the_internal_key_from_the_secret_for_the_gateway_and_the_apis_only():
    holders = set()
    for name, deployment in k8s("Deployment").items():
        (container,) = containers(deployment)
        for variable in container.get("env", []):
            if variable["name"] == "PTGHUB_INTERNAL_KEY":
                assert variable["valueFrom"]["secretKeyRef"] == {"name": "ptghub-secrets", "key": "internal-key"}
                holders.add(name)
    assert holders == {"gateway", *APIS}


def test_k8s_runs_the_gateway_worker():
    (container,) = containers(k8s("Deployment")["gateway-worker"])
    assert container["command"] == ["python", "-m", "gateway.worker"]
    assert {"PTGHUB_GATEWAY_DATABASE_URL", "PTGHUB_AMQP_URL"} <= env_names(container)
    assert "ports" not in container


def pod_labels() -> dict[str, dict[str, str]]:
    return {name: w["spec"]["template"]["metadata"]["labels"] for name, w in {**k8s("Deployment"), **k8s("Job")}.items()}


def selects(selector: dict, labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, f"only matchLabels is understood here: {selector}"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def ingress_policies(labels: dict[str, str]) -> list[dict]:
    return [p for p in k8s("NetworkPolicy").values()
            if "Ingress" in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], labels)]


def ingress_rules(labels: dict[str, str]) -> list[dict]:
    return [rule for p in ingress_policies(labels) for rule in p["spec"].get("ingress", [])]


def admitted_pods(rule: dict) -> set[str]:
    """The ptghub pods a rule lets in (a rule without ``from`` admits everyone, inside or out)."""
    sources = rule.get("from")
    assert sources, "a rule with no sources admits everything"
    admitted = set()
    for source in sources:
        assert set(source) == {"podSelector"}, f"only pods of this namespace may be admitted: {source}"
        admitted |= {name for name, labels in pod_labels().items() if selects(source["podSelector"], labels)}
    return admitted


def test_every_ptghub_pod_is_isolated_for_ingress():
    deny = k8s("NetworkPolicy")["ptghub-default-deny-ingress"]["spec"]
    assert deny["policyTypes"] == ["Ingress"] and not deny.get("ingress")
    for name, labels in pod_labels().items():
        assert selects(deny["podSelector"], labels), f"{name} is not covered by the default deny"


def test_every_policy_selects_a_pod():
    for name, policy in k8s("NetworkPolicy").items():
        assert any(selects(policy["spec"]["podSelector"], labels) for labels in pod_labels().values()), name


def test_only_the_gateway_is_reachable_from_outside_and_only_on_its_port():
    for name, labels in pod_labels().items():
        open_rules = [rule for rule in ingress_rules(labels) if not rule.get("from")]
        if name == "gateway":
            assert open_rules and all(rule["ports"] == [{"protocol": "TCP", "port": "http"}] for rule in open_rules)
        else:
            assert not open_rules, f"{name} is reachable from anywhere"


@pytest.mark.parametrize("api", APIS)
def test_each_service_api_is_reachable_from_the_gateway_only(api):
    rules = ingress_rules(pod_labels()[api])
    assert rules, f"nothing may reach {api}: the gateway could not either"
    for rule in rules:
        assert admitted_pods(rule) == {"gateway"}, f"{api} admits {admitted_pods(rule)}"
        assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]
    (container,) = containers(k8s("Deployment")[api])
    assert container["ports"][0]["name"] == "http"


@pytest.mark.parametrize("pod", [*WORKERS, "ptghub-migrate"])
def test_workers_and_the_migrate_job_take_no_ingress(pod):
    assert ingress_policies(pod_labels()[pod]), f"{pod} is not isolated"
    assert ingress_rules(pod_labels()[pod]) == []
