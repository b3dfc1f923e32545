#!/usr/bin/env python3
"""gen-dashboard.py -- write docs/prometheus/hawatch-dashboard.json, the
Grafana dashboard for hawatch's metrics (hawatch(8), METRICS).

The JSON is generated so its panels stay regular; edit this file, run
`python3 scripts/gen-dashboard.py`, commit both.  `make prom-lint` checks
that the JSON parses and that every hawatch_* name it uses is exported.
"""
import json
import os

DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []


def panel(title, kind, exprs, w=12, h=8, unit=None, desc="", legend=None):
    # left to right, a new row when the width is used up
    if cursor["x"] + w > 24:
        cursor["x"], cursor["y"], cursor["h"] = 0, cursor["y"] + cursor["h"], 0
    x, y = cursor["x"], cursor["y"]
    cursor["x"] += w
    cursor["h"] = max(cursor["h"], h)
    p = {
        "id": len(panels) + 1,
        "title": title,
        "description": desc,
        "type": kind,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": [
            {"refId": chr(65 + i), "expr": e, "datasource": DS,
             "legendFormat": (legend[i] if legend else "__auto"),
             **({"format": "table", "instant": True} if kind == "table" else {})}
            for i, e in enumerate(exprs)
        ],
        "fieldConfig": {"defaults": {"unit": unit} if unit else {},
                        "overrides": []},
        "options": {},
    }
    panels.append(p)


cursor = {"x": 0, "y": 0, "h": 0}
panel("Leader", "stat", ['sum by (instance) (hawatch_leader)'], w=6, h=4,
      desc="1 on the instance holding the leadership lock", legend=["{{instance}}"])
panel("Database up", "stat", ['min by (instance) (hawatch_database_up)'], w=6, h=4,
      legend=["{{instance}}"])
panel("Pools up", "stat", ['min by (pool_id) (hawatch_pool_up)'], w=6, h=4,
      legend=["pool {{pool_id}}"])
panel("Open alerts", "stat", ['sum by (kind) (hawatch_alerts_open) > 0'], w=6, h=4,
      legend=["{{kind}}"])
panel("Hosts by state (leader)", "timeseries",
      ['max by (state) (hawatch_hosts * on (instance) group_left hawatch_leader)'],
      legend=["{{state}}"])
panel("Hosts not alive", "table",
      ['max by (host_id, cluster_id, state) (hawatch_host_state{state!="alive"})'],
      desc="every host whose state is not alive, with its cluster")
panel("Heartbeat age (oldest 10 hosts)", "timeseries",
      ['topk(10, max by (host_id) (hawatch_host_heartbeat_age_seconds))'],
      unit="s", legend=["host {{host_id}}"])
panel("BMC power readings", "timeseries",
      ['max by (state) (count by (instance, state) (hawatch_host_power_state))'],
      legend=["{{state}}"])
panel("Fences by result", "timeseries",
      ['sum by (result) (increase(hawatch_fences_total[$__rate_interval]))',
       'sum(increase(hawatch_fence_requests_total[$__rate_interval]))'],
      legend=["{{result}}", "requested"])
panel("Reconciles by result", "timeseries",
      ['sum by (result) (increase(hawatch_reconciles_total[$__rate_interval]))'],
      legend=["{{result}}"])
panel("VMs", "timeseries",
      ['sum(increase(hawatch_vms_reconciled_total[$__rate_interval]))',
       'sum(increase(hawatch_vms_requeued_total[$__rate_interval]))',
       'sum(increase(hawatch_vms_deferred_total[$__rate_interval]))',
       'sum(increase(hawatch_vms_given_up_total[$__rate_interval]))',
       'max(hawatch_restarts_watching)'],
      legend=["reconciled", "re-queued", "deferred", "given up", "restarts watched"])
panel("Sweeper actions by kind", "timeseries",
      ['sum by (kind) (increase(hawatch_sweeper_actions_total[$__rate_interval]))',
       'max(hawatch_sweeper_paused_domains)'],
      legend=["{{kind}}", "paused domains"])
panel("Tick duration", "timeseries",
      ['histogram_quantile(0.5, sum by (le, instance) (rate(hawatch_tick_duration_seconds_bucket[$__rate_interval])))',
       'histogram_quantile(0.99, sum by (le, instance) (rate(hawatch_tick_duration_seconds_bucket[$__rate_interval])))',
       'max by (instance) (hawatch_tick_interval_seconds)'],
      unit="s", legend=["p50 {{instance}}", "p99 {{instance}}", "interval {{instance}}"])
panel("Time per tick phase", "timeseries",
      ['sum by (phase) (rate(hawatch_tick_phase_seconds_total[$__rate_interval])) / ignoring (phase) group_left sum(rate(hawatch_ticks_total[$__rate_interval]))'],
      unit="s", legend=["{{phase}}"],
      desc="mean seconds per tick spent in each phase")
panel("Tick overruns", "timeseries",
      ['sum by (instance) (increase(hawatch_tick_overruns_total[$__rate_interval]))',
       'max by (instance) (hawatch_last_tick_age_seconds)'],
      legend=["overruns {{instance}}", "last tick age {{instance}}"])
panel("Open alerts by kind", "timeseries",
      ['sum by (kind) (hawatch_alerts_open)'], legend=["{{kind}}"])

dash = {
    "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus",
                  "type": "datasource", "pluginId": "prometheus"}],
    "title": "hawatch",
    "uid": "hawatch",
    "description": "hawatch: host liveness, fencing, reconcile, sweeper, tick",
    "tags": ["hawatch", "cloudstack"],
    "timezone": "browser",
    "schemaVersion": 37,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus",
         "label": "Prometheus"}]},
    "annotations": {"list": []},
    "panels": panels,
}
out = os.path.join(os.path.dirname(__file__), "..", "docs", "prometheus",
                   "hawatch-dashboard.json")
with open(out, "w") as f:
    json.dump(dash, f, indent=2)
    f.write("\n")
