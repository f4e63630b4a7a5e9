#!/usr/bin/python3
"""Turns the figures the benchmarks measured (tests/perf/figures.sh) into
tests/perf/run.sh's table and JSON: each figure beside the baseline that
bounds it, the ratio, the target issue 18 sets and whether it is met.

    figures_table.py FIGURES.tsv OUT.json [CONTEXT=VALUE ...]

FIGURES.tsv holds "id<TAB>ours<TAB>baseline" lines. This file is the one
place that says what each id means and which target it has; an id it does not
know is shown without a target, so a new figure is never dropped.
"""
import json
import sys

# id (or a prefix ending in "."), what it is, its unit, the baseline, and the
# targets: ("ratio>=", x) ours/baseline at least x; ("ratio<=", x) at most x;
# ("speedup>=", x) baseline/ours at least x; ("<", x) ours below x;
# ("<=", x) ours at most x.
FIGURES = [
    ("get_customer.gateway", "GetCustomer, 32 in flight, through the gateway", "req/s",
     "straight to the customer service", [("ratio>=", 0.8)]),
    ("get_customer.direct", "GetCustomer, 32 in flight, straight to the service", "req/s",
     "sysbench oltp_point_select, 32 threads", [("ratio>=", 0.5)]),
    ("create_customer", "CreateCustomer through the gateway", "req/s",
     "sysbench oltp_insert", [("ratio>=", 0.5)]),
    ("search.p50.", "SearchCustomers p50", "ms", "LIKE '%x%' p50", [("speedup>=", 50)]),
    ("search.p99.", "SearchCustomers p99", "ms", "LIKE '%x%' p99",
     [("<", 20), ("speedup>=", 50)]),
    ("import", "ImportCustomers", "rows/s", "LOAD DATA LOCAL INFILE", [("ratio>=", 0.7)]),
    ("search_index_caught_up", "every imported customer searchable, from the import's start",
     "s", "the import's own time", [("ratio<=", 1.0)]),
    ("order_create", "5-line CreateOrder through the gateway", "req/s",
     "sysbench oltp_insert", [("ratio>=", 0.3)]),
    ("order_confirm_hot", "ConfirmOrder, one hot product, 32 callers", "req/s",
     "UPDATE … WHERE available >= n loop", [("ratio>=", 0.5)]),
    ("service_request.create_p99", "CreateServiceRequest p99", "ms",
     "the list page's indexed SELECT p99", [("ratio<=", 3)]),
    ("service_request.list_p99", "ListServiceRequests p99", "ms",
     "the page's indexed SELECT p99", [("ratio<=", 3)]),
    ("report.median.", "report median", "ms", "one GROUP BY on the source tables",
     [("ratio<=", 1.5)]),
    ("report.p95.", "report p95", "ms", "", [("<", 2000)]),
    ("export.rows", "streamed CSV export of the order list", "rows/s",
     "SELECT … INTO OUTFILE", [("ratio>=", 0.5)]),
    ("export.memory_growth", "reporting RSS growth during the export", "MiB", "", [("<=", 16)]),
    ("feed_lag_p99", "feed lag p99 at 200 writes/s", "ms", "", [("<", 2000)]),
    ("announcement_pull", "OA pull of every announcement change", "changes/s",
     "SELECT of the same rows", [("ratio>=", 0.5)]),
    ("rss.idle.", "RSS idle", "MiB", "", []),
    ("rss.peak.", "RSS peak (VmHWM) over the whole run", "MiB", "", [("<=", 64)]),
]


def describe(figure_id):
    for key, what, unit, baseline, targets in FIGURES:
        if figure_id == key or (key.endswith(".") and figure_id.startswith(key)):
            detail = figure_id[len(key):]
            return (f"{what} ({detail})" if detail else what), unit, baseline, targets
    return figure_id, "", "", []


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def check(kind, limit, ours, baseline):
    """(the value compared, met?) or (None, None) when it cannot be computed."""
    if kind in ("<", "<="):
        return ours, ours < limit if kind == "<" else ours <= limit
    if baseline is None or baseline == 0 or ours is None:
        return None, None
    if kind == "speedup>=":
        return (baseline / ours if ours else None), (ours == 0 or baseline / ours >= limit)
    ratio = ours / baseline
    return ratio, ratio >= limit if kind == "ratio>=" else ratio <= limit


def target_text(kind, limit):
    return {"ratio>=": f"≥ {limit} ×", "ratio<=": f"≤ {limit} ×", "speedup>=": f"≥ {limit} × faster",
            "<": f"< {limit}", "<=": f"≤ {limit}"}[kind]


def main():
    figures_path, json_path = sys.argv[1], sys.argv[2]
    context = dict(arg.split("=", 1) for arg in sys.argv[3:])
    rows = []
    with open(figures_path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0]:
                continue
            figure_id, ours = parts[0], number(parts[1])
            baseline = number(parts[2]) if len(parts) > 2 and parts[2] else None
            what, unit, baseline_what, targets = describe(figure_id)
            checks = []
            for kind, limit in targets:
                value, met = check(kind, limit, ours, baseline) if ours is not None else (None, None)
                checks.append({"target": target_text(kind, limit), "value": value, "met": met})
            rows.append({"id": figure_id, "figure": what, "unit": unit, "ours": ours,
                         "baseline": baseline, "baseline_is": baseline_what, "checks": checks})

    # A figure with a fixed id that no benchmark reported: shown, not dropped.
    measured = {row["id"] for row in rows}
    for key, what, unit, baseline_what, targets in FIGURES:
        if not key.endswith(".") and key not in measured:
            rows.append({"id": key, "figure": what + " (not measured: see the step's log)",
                         "unit": unit, "ours": None, "baseline": None,
                         "baseline_is": baseline_what,
                         "checks": [{"target": target_text(k, x), "value": None, "met": None}
                                    for k, x in targets]})

    def fmt(value):
        if value is None:
            return "—"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"

    print("| figure | ours | baseline in the same run | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        baseline = f"{fmt(row['baseline'])} ({row['baseline_is']})" if row["baseline"] is not None \
            else "—"
        ratio = "—"
        if row["baseline"] and row["ours"]:
            # Latencies beside a scan read better as "how many times faster".
            faster = any(c["target"].endswith("faster") for c in row["checks"])
            ratio = f"{fmt(row['baseline'] / row['ours'])} × faster" if faster \
                else fmt(row["ours"] / row["baseline"])
        targets = "; ".join(c["target"] for c in row["checks"]) or "—"
        met = "; ".join({True: "yes", False: "**no**", None: "?"}[c["met"]]
                        for c in row["checks"]) or "—"
        print(f"| {row['figure']} | {fmt(row['ours'])} {row['unit']} | {baseline} | {ratio} | "
              f"{targets} | {met} |")
    met = sum(1 for r in rows for c in r["checks"] if c["met"])
    total = sum(len(r["checks"]) for r in rows)
    print(f"\n{met} of {total} targets met.")
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump({"context": context, "figures": rows, "targets_met": met, "targets": total}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
