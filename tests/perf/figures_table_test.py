#!/usr/bin/python3
"""figures_table.py decides whether each of issue 18's targets is met: these
cases pin each kind of target, the rows nobody measured, and the JSON."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figures_table.py")


def render(lines):
    with tempfile.TemporaryDirectory() as work:
        figures = os.path.join(work, "figures.tsv")
        out = os.path.join(work, "figures.json")
        with open(figures, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
        text = subprocess.run([sys.executable, TABLE, figures, out, "scale=test"], check=True,
                              capture_output=True, text=True).stdout
        with open(out, encoding="utf-8") as f:
            return text, json.load(f)


def checks(doc, figure_id):
    row = next(r for r in doc["figures"] if r["id"] == figure_id)
    return [c["met"] for c in row["checks"]]


class FiguresTableTest(unittest.TestCase):
    def test_a_ratio_at_least_is_met_at_the_limit_and_missed_below(self):
        _, doc = render(["get_customer.gateway\t800\t1000", "create_customer\t499\t1000"])
        self.assertEqual(checks(doc, "get_customer.gateway"), [True])
        self.assertEqual(checks(doc, "create_customer"), [False])

    def test_a_ratio_at_most_is_missed_above(self):
        _, doc = render(["search_index_caught_up\t955\t140",
                         "service_request.list_p99\t9\t3"])
        self.assertEqual(checks(doc, "search_index_caught_up"), [False])
        self.assertEqual(checks(doc, "service_request.list_p99"), [True])

    def test_search_needs_both_its_bound_and_its_speed_up(self):
        _, doc = render(["search.p99.admin\t19\t1900", "search.p99.sales\t21\t2100",
                         "search.p99.head\t10\t400"])
        self.assertEqual(checks(doc, "search.p99.admin"), [True, True])
        self.assertEqual(checks(doc, "search.p99.sales"), [False, True])
        self.assertEqual(checks(doc, "search.p99.head"), [True, False])

    def test_prefixed_figures_take_their_family_target(self):
        text, doc = render(["report.median.dashboard\t150\t100", "rss.peak.org\t95"])
        self.assertEqual(checks(doc, "report.median.dashboard"), [True])
        self.assertEqual(checks(doc, "rss.peak.org"), [False])
        self.assertIn("RSS peak (VmHWM) over the whole run (org)", text)

    def test_a_figure_nobody_measured_is_listed_as_not_measured(self):
        text, doc = render(["import\t7000\t10000"])
        self.assertIn("ImportCustomers", text)
        self.assertEqual(checks(doc, "import"), [True])
        missing = next(r for r in doc["figures"] if r["id"] == "order_create")
        self.assertIsNone(missing["ours"])
        self.assertEqual([c["met"] for c in missing["checks"]], [None])
        self.assertIn("not measured", text)
        self.assertEqual(doc["context"], {"scale": "test"})

    def test_the_count_of_targets_met_is_printed(self):
        text, doc = render(["get_customer.gateway\t900\t1000"])
        self.assertEqual(doc["targets_met"], 1)
        self.assertIn(f"1 of {doc['targets']} targets met.", text)


if __name__ == "__main__":
    unittest.main()
