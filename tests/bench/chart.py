#!/usr/bin/env python3
"""Draws tether_bench's JSON results and writes them as markdown tables.

    chart.py RESULTS.json [--png FILE] [--markdown FILE]

The chart has two panels, one bar per contender and handler: the round-trip
median with min-max error bars, and the pipelined throughput median with
min-max error bars, both on log axes (the rows span four decades). The
markdown file holds the same tables tether_bench prints, plus the memory
figures, the cache-line probe and the goals.

Needs python3 and matplotlib (Debian: python3-matplotlib) for the chart;
--markdown alone needs only python3.
"""

import argparse
import json
import os
import sys

HANDLER_COLOURS = {"noop": "#3b75af", "busy1us": "#ef8636"}
ROLE_LABEL_COLOURS = {
    "bound": "#555555",
    "reference": "#000000",
    "tether": "#1f4e79",
    "peer": "#7f3f00",
}


def load(path):
    with open(path, encoding="utf-8") as source:
        return json.load(source)


def contender_names(passes, table):
    """Row names in report order, across every handler pass."""
    names = []
    for handler_pass in passes:
        for row in handler_pass[table]:
            if row["name"] not in names:
                names.append(row["name"])
    return names


def roles(passes, table):
    found = {}
    for handler_pass in passes:
        for row in handler_pass[table]:
            found[row["name"]] = row["role"]
    return found


def draw_panel(axis, passes, table, keys, scale, xlabel, p50_key=None):
    median_key, min_key, max_key = keys
    names = contender_names(passes, table)
    role_of = roles(passes, table)
    count = max(len(passes), 1)
    height = 0.8 / count
    for index, handler_pass in enumerate(passes):
        rows = {row["name"]: row for row in handler_pass[table]}
        positions, medians, lower, upper, p50s = [], [], [], [], []
        for position, name in enumerate(names):
            row = rows.get(name)
            if row is None:
                continue
            median = row[median_key] * scale
            positions.append(position + (index - (count - 1) / 2) * height)
            medians.append(median)
            lower.append(median - row[min_key] * scale)
            upper.append(row[max_key] * scale - median)
            if p50_key:
                p50s.append(row[p50_key] * scale)
        axis.barh(
            positions,
            medians,
            height=height,
            xerr=[lower, upper],
            color=HANDLER_COLOURS.get(handler_pass["handler_id"], None),
            error_kw={"elinewidth": 0.8, "capsize": 2},
            label="%s handler" % handler_pass["handler"],
        )
        if p50_key:
            axis.plot(
                p50s,
                positions,
                linestyle="none",
                marker="|",
                markersize=9,
                markeredgewidth=2,
                color="black",
                label="p50 of single round trips" if index == 0 else None,
            )
    axis.set_yticks(range(len(names)))
    axis.set_yticklabels(names, fontsize=8)
    for label, name in zip(axis.get_yticklabels(), names):
        label.set_color(ROLE_LABEL_COLOURS.get(role_of.get(name), "#000000"))
        if role_of.get(name) == "reference":
            label.set_fontweight("bold")
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlabel(xlabel)
    axis.grid(axis="x", which="major", linewidth=0.4, alpha=0.7)


def draw_chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    passes = results["passes"]
    rows = max(
        len(contender_names(passes, "latency")),
        len(contender_names(passes, "throughput")),
        1,
    )
    figure, (latency, throughput) = plt.subplots(
        1, 2, figsize=(15, 1.2 + 0.42 * rows * max(len(passes), 1) / 1.5)
    )
    draw_panel(
        latency,
        passes,
        "latency",
        ("median_ns", "min_ns", "max_ns"),
        1.0,
        "round trip, ns (bar: median of per-repetition means, min-max; "
        "log)",
        p50_key="p50_ns",
    )
    latency.set_title("Round-trip latency (lower is better)", fontsize=10)
    draw_panel(
        throughput,
        passes,
        "throughput",
        ("median_calls_per_s", "min_calls_per_s", "max_calls_per_s"),
        1e-6,
        "M calls/s (median of repetitions, min-max bars; log)",
    )
    throughput.set_title("Pipelined throughput (higher is better)", fontsize=10)
    handles, labels = latency.get_legend_handles_labels()
    figure.legend(
        handles, labels, loc="lower center", ncol=len(labels), fontsize=9
    )
    figure.suptitle(
        "tether_bench: %d repetition(s), %d hardware threads, load %.2f -> "
        "%.2f; label colour: bound, tether (reference in bold), peer"
        % (
            results["reps"],
            results["hardware_threads"],
            results["load_before"],
            results["load_after"],
        ),
        fontsize=10,
    )
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def ratio(value):
    return "-" if not value else "%.3g" % value


def markdown_latency(handler_pass):
    lines = [
        "| contender | median ns | min-max ns | p50 ns | p99 ns | p99.9 ns "
        "| x tether | x floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in handler_pass["latency"]:
        name = row["name"]
        if row["role"] == "reference":
            name = "**%s**" % name
        lines.append(
            "| %s | %.0f | %.0f-%.0f | %d | %d | %d | %s | %s |"
            % (
                name,
                row["median_ns"],
                row["min_ns"],
                row["max_ns"],
                row["p50_ns"],
                row["p99_ns"],
                row["p999_ns"],
                ratio(row["vs_tether"]),
                ratio(row["vs_floor"]),
            )
        )
    return lines


def markdown_throughput(handler_pass):
    lines = [
        "| contender | median M/s | min-max M/s | x tether | x ceiling |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in handler_pass["throughput"]:
        name = row["name"]
        if row["role"] == "reference":
            name = "**%s**" % name
        lines.append(
            "| %s | %.3f | %.3f-%.3f | %s | %s |"
            % (
                name,
                row["median_calls_per_s"] / 1e6,
                row["min_calls_per_s"] / 1e6,
                row["max_calls_per_s"] / 1e6,
                ratio(row["vs_tether"]),
                ratio(row["vs_ceiling"]),
            )
        )
    return lines


def markdown_how(rows, count_key, unit):
    return [
        "- *%s*: %s; %d %s/rep" % (row["name"], row["how"], row[count_key], unit)
        for row in rows
    ]


def markdown_memory(memory):
    if not memory:
        return ["Not measured in this run."]
    mib = 1024.0 * 1024.0
    return [
        "| figure | value |",
        "| --- | ---: |",
        "| reserved per call credit at open (heap) | %.0f B |"
        % memory["reserved_heap_bytes_per_credit"],
        "| reserved per call credit at open (RSS) | %.0f B |"
        % memory["reserved_rss_bytes_per_credit"],
        "| grown per in-flight call (heap), %d held | %.1f B |"
        % (memory["in_flight_calls"], memory["grown_heap_bytes_per_call"]),
        "| grown per in-flight call (RSS), %d held | %.1f B |"
        % (memory["in_flight_calls"], memory["grown_rss_bytes_per_call"]),
        "| RSS after warm-up | %.2f MiB |" % (memory["rss_after_warm_up"] / mib),
        "| RSS after %d-call soak (%.1f s) | %.2f MiB |"
        % (
            memory["soak_calls_done"],
            memory["soak_seconds"],
            memory["rss_after_soak"] / mib,
        ),
        "| RSS growth over the soak | %+.3f MiB |"
        % ((memory["rss_after_soak"] - memory["rss_after_warm_up"]) / mib),
        "| RSS growth over the soak's second half | %+.3f MiB |"
        % ((memory["rss_after_soak"] - memory["rss_at_half_soak"]) / mib),
        "| heap growth over the soak | %+.3f MiB |"
        % ((memory["heap_after_soak"] - memory["heap_after_warm_up"]) / mib),
    ]


def markdown_goals(results):
    lines = ["| verdict | goal | measured | figures |", "| --- | --- | ---: | --- |"]
    for goal in results["goals"]:
        measured = (
            "-"
            if goal["verdict"] == "n/a"
            else "%.3g %s" % (goal["measured"], goal["unit"])
        )
        lines.append(
            "| %s | %s | %s | %s |"
            % (goal["verdict"], goal["goal"], measured, goal["detail"])
        )
    if results.get("notes"):
        lines += ["", "Where the time goes:", ""]
        lines += [
            "- %s: %.3g x (%s)" % (note["note"], note["measured"], note["detail"])
            for note in results["notes"]
        ]
    return lines


def write_markdown(results, path, chart_name):
    probe = results.get("cache_line_probe_ns_per_rep", [])
    lines = [
        "# tether_bench results",
        "",
        "Generated by `tests/bench/chart.py` from `tether_bench --json`; "
        "regenerate with `bash .ci/bench`. How the suite works: "
        "[README.md](README.md).",
        "",
        "%d repetition(s)%s on %d hardware threads; load average %.2f before, "
        "%.2f after; clock %s (~%.0f ns per read); the run took %.0f s%s."
        % (
            results["reps"],
            " (smoke)" if results["smoke"] else "",
            results["hardware_threads"],
            results["load_before"],
            results["load_after"],
            results["clock"],
            results["clock_read_ns"],
            results["elapsed_s"],
            " on %s" % results["date_utc"] if results.get("date_utc") else "",
        ),
        "",
        "Cache-line round trip before each repetition (median spin ping-pong, "
        "ns): %s." % ", ".join("%.0f" % value for value in probe),
        "",
    ]
    if chart_name:
        lines += ["![latency and throughput per contender](%s)" % chart_name, ""]
    lines += ["## Goals (no-op handler)", ""] + markdown_goals(results) + [""]
    for handler_pass in results["passes"]:
        lines += [
            "## %s handler" % handler_pass["handler"],
            "",
            "### Round-trip latency",
            "",
            "Median and min-max of the per-repetition mean; percentiles over "
            "every round trip. x tether: median / median of the reference "
            "(bold); x floor: median / median of the first floor.",
            "",
        ]
        lines += markdown_latency(handler_pass) + [""]
        lines += markdown_how(handler_pass["latency"], "round_trips_per_rep", "round trips")
        lines += [
            "",
            "### Pipelined throughput",
            "",
            "Millions of calls per second until all N completed; x ceiling: "
            "median / median of the first ceiling.",
            "",
        ]
        lines += markdown_throughput(handler_pass) + [""]
        lines += markdown_how(handler_pass["throughput"], "calls_per_rep", "calls")
        lines.append("")
    lines += ["## Memory", ""] + markdown_memory(results.get("memory")) + [""]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="tether_bench --json output")
    parser.add_argument("--png", help="where to write the chart")
    parser.add_argument("--markdown", help="where to write the tables")
    args = parser.parse_args(argv)
    if not args.png and not args.markdown:
        parser.error("nothing to do: give --png and/or --markdown")
    results = load(args.results)
    if args.png:
        draw_chart(results, args.png)
    if args.markdown:
        chart_name = None
        if args.png:
            chart_name = os.path.relpath(
                os.path.abspath(args.png),
                os.path.dirname(os.path.abspath(args.markdown)),
            )
        write_markdown(results, args.markdown, chart_name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
