#!/bin/sh
# prom-lint.sh -- check the Prometheus material in docs/prometheus/ (make
# prom-lint, part of make check):
#   * hawatch.rules.yml passes `promtool check rules`, and its cases in
#     hawatch.rules.test.yml pass `promtool test rules`;
#   * hawatch-dashboard.json is valid JSON and is what
#     scripts/gen-dashboard.py writes;
#   * every hawatch_* name the rules and the dashboard use is one the
#     daemon exports (src/metrics_render.c).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/docs/prometheus
command -v promtool >/dev/null || { echo "prom-lint: promtool not installed (make deps)" >&2; exit 1; }
promtool check rules "$dir/hawatch.rules.yml"
(cd "$dir" && promtool test rules hawatch.rules.test.yml)
python3 - "$top" <<'PY'
import json, os, re, subprocess, sys, tempfile
top = sys.argv[1]
d = os.path.join(top, "docs", "prometheus")
dash_path = os.path.join(d, "hawatch-dashboard.json")
with open(dash_path) as f:
    text = f.read()
json.loads(text)
gen = open(os.path.join(top, "scripts", "gen-dashboard.py")).read()
with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "scripts"))
    os.makedirs(os.path.join(tmp, "docs", "prometheus"))
    with open(os.path.join(tmp, "scripts", "gen-dashboard.py"), "w") as f:
        f.write(gen)
    subprocess.run([sys.executable, os.path.join(tmp, "scripts", "gen-dashboard.py")], check=True)
    fresh = open(os.path.join(tmp, "docs", "prometheus", "hawatch-dashboard.json")).read()
if fresh != text:
    sys.exit("prom-lint: hawatch-dashboard.json differs from scripts/gen-dashboard.py's output (run it)")
exported = set(re.findall(r"hawatch_[a-z_]+", open(os.path.join(top, "src", "metrics_render.c")).read()))
bad = []
for name in ("hawatch.rules.yml", "hawatch.rules.test.yml", "hawatch-dashboard.json"):
    used = set(re.findall(r"hawatch_[a-z_]+", open(os.path.join(d, name)).read()))
    bad += ["%s: %s" % (name, u) for u in sorted(used - exported)]
if bad:
    sys.exit("prom-lint: names not exported by hawatch:\n  " + "\n  ".join(bad))
print("prom-lint: dashboard valid JSON, %d panels; every metric name exported" % len(json.loads(text)["panels"]))
PY
