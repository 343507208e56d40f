//! `fazhi-bench report`: every benchmark asked for, each in a process of its
//! own (so one's data and caches never help the next), and the county
//! summary at three sizes; what each printed is written up in BENCHMARKS.md —
//! the machine, every run beside its ceiling, the goals with their figures —
//! and the summary's time against the records it sums as an SVG.

use std::{fmt::Write as _, time::Instant};

use anyhow::Context;
use clap::ValueEnum;
use tokio::process::Command;

use crate::{Args, Bench};

/// The county sizes the summary is measured at (complaints; a tenth as many
/// cases and a hundredth as many people).
const SCALES: [usize; 3] = [10_000, 100_000, 1_000_000];
/// The write-ahead log's goal holds through ten minutes of pushing.
const WAL_SECONDS: u64 = 600;
const REPORT: &str = "BENCHMARKS.md";
const CHART: &str = "BENCHMARKS-summary.svg";

/// One benchmark process and what it printed.
struct Section {
    heading: String,
    command: String,
    output: String,
    succeeded: bool,
    seconds: f64,
}

/// A measured phase as the benchmark printed it.
#[derive(Debug, Clone, PartialEq)]
struct Phase {
    title: String,
    rate: String,
    p50: f64,
    p99: f64,
    errors: String,
}

pub async fn write(args: &Args) -> anyhow::Result<()> {
    let me = std::env::current_exe().context("the benchmark's own path")?;
    let wanted = |bench: Bench| args.only.is_empty() || args.only.contains(&bench);
    let mut plan: Vec<(String, Vec<String>)> = Vec::new();
    for bench in Bench::value_variants()
        .iter()
        .copied()
        .filter(|b| wanted(*b))
    {
        let name = bench
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let seconds = match bench {
            Bench::Wal => WAL_SECONDS.max(args.seconds),
            _ => args.seconds,
        };
        let common = vec![
            "--only".to_owned(),
            name.clone(),
            "--seconds".to_owned(),
            seconds.to_string(),
            "--concurrency".to_owned(),
            args.concurrency.to_string(),
        ];
        if bench == Bench::Oversight {
            for scale in SCALES {
                let mut run = common.clone();
                run.extend(["--complaints".to_owned(), scale.to_string()]);
                plan.push((format!("{name} at {} complaints", thousands(scale)), run));
            }
        } else {
            plan.push((name.clone(), common.clone()));
        }
        if let (Bench::Complaints, Some(postgres)) = (bench, &args.postgres) {
            let mut run = common;
            run.extend(["--postgres".to_owned(), postgres.clone()]);
            plan.push((format!("{name} on PostgreSQL"), run));
        }
    }
    let mut sections = Vec::new();
    for (heading, run) in plan {
        println!("fazhi-bench report: {heading} …");
        let started = Instant::now();
        let output = Command::new(&me)
            .args(&run)
            .output()
            .await
            .with_context(|| format!("running {heading}"))?;
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            text.push_str(&String::from_utf8_lossy(&output.stderr));
        }
        sections.push(Section {
            heading,
            command: format!("fazhi-bench {}", run.join(" ")),
            output: text,
            succeeded: output.status.success(),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    let mut machine = machine().await;
    if let Some(postgres) = &args.postgres {
        machine.push(("PostgreSQL".into(), postgres_version(postgres).await));
    }
    let points = summary_points(&sections);
    if !points.is_empty() {
        std::fs::write(CHART, chart(&points))?;
    }
    std::fs::write(REPORT, markdown(&machine, &sections, !points.is_empty()))?;
    println!("wrote {REPORT}");
    Ok(())
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The phases a benchmark printed: a title line, then its throughput,
/// p50, p99 and errors indented beneath it.
fn phases(output: &str) -> Vec<Phase> {
    let lines: Vec<&str> = output.lines().collect();
    let value = |line: &str, label: &str| -> Option<String> {
        line.trim_start()
            .strip_prefix(label)
            .map(|rest| rest.trim().to_owned())
    };
    let millis = |text: String| -> f64 {
        text.trim_end_matches("ms")
            .trim()
            .parse()
            .unwrap_or(f64::NAN)
    };
    lines
        .windows(5)
        .filter_map(|w| {
            Some(Phase {
                title: w[0].trim().to_owned(),
                rate: value(w[1], "throughput")?,
                p50: millis(value(w[2], "latency p50")?),
                p99: millis(value(w[3], "latency p99")?),
                errors: value(w[4], "errors")?,
            })
        })
        .collect()
}

/// (complaints, summary p50, summary p99, ceiling p99) of each oversight run.
fn summary_points(sections: &[Section]) -> Vec<(usize, f64, f64, f64)> {
    let mut points = Vec::new();
    for section in sections {
        let found = phases(&section.output);
        let summary = found
            .iter()
            .find(|p| p.title.starts_with("REST county summary over"));
        let ceiling = found
            .iter()
            .find(|p| p.title.starts_with("ceiling: the complaint sums"));
        let size = section
            .command
            .split_whitespace()
            .skip_while(|w| *w != "--complaints")
            .nth(1)
            .and_then(|n| n.parse().ok());
        if let (Some(s), Some(c), Some(size)) = (summary, ceiling, size) {
            points.push((size, s.p50, s.p99, c.p99));
        }
    }
    points.sort_by_key(|p| p.0);
    points
}

/// The PostgreSQL server's version, as it says it.
async fn postgres_version(url: &str) -> String {
    let asked = async {
        let pool = sqlx::AnyPool::connect(url).await?;
        let version: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&pool)
            .await?;
        pool.close().await;
        Ok::<_, sqlx::Error>(version)
    };
    asked.await.unwrap_or_else(|e| format!("unknown ({e})"))
}

async fn machine() -> Vec<(String, String)> {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().to_owned()))
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let sqlite = sqlite_version()
        .await
        .unwrap_or_else(|e| format!("unknown ({e})"));
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .await
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    vec![
        ("CPU".into(), format!("{cpu}, {cores} cores")),
        ("Memory".into(), memory),
        (
            "Kernel".into(),
            read("/proc/sys/kernel/osrelease").trim().to_owned(),
        ),
        ("SQLite".into(), sqlite),
        ("Commit".into(), commit),
        (
            "Written".into(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ]
}

async fn sqlite_version() -> anyhow::Result<String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect("sqlite::memory:").await?;
    Ok(sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut db)
        .await?)
}

fn markdown(machine: &[(String, String)], sections: &[Section], chart: bool) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo run --release -p fazhi-bench --features run -- report` on a release \
         build: each benchmark starts `fazhi serve` over fresh data, drives it through REST or \
         gRPC from the same machine, and measures its ceiling in the same run — the same work \
         straight on the store, on a bare SQLite file, or pgbench's one-row insert on \
         PostgreSQL. Every figure below is copied from what the benchmark printed; nothing is \
         edited by hand.\n"
    );
    let _ = writeln!(md, "## Machine\n");
    for (name, value) in machine {
        let _ = writeln!(md, "- {name}: {value}");
    }
    let _ = writeln!(md, "\n## Goals\n");
    let _ = writeln!(
        md,
        "Each benchmark's own line: the goal, the figure measured, and its ceiling.\n"
    );
    for section in sections {
        for line in section.output.lines().filter(|l| l.starts_with("goal")) {
            let _ = writeln!(
                md,
                "- **{}**: {}",
                section.heading,
                line.trim_start_matches("goals:").trim()
            );
        }
        if !section.succeeded {
            let _ = writeln!(
                md,
                "- **{}**: the benchmark failed (its output is below)",
                section.heading
            );
        }
    }
    let why: Vec<(&str, &str)> = sections
        .iter()
        .flat_map(|section| {
            section
                .output
                .lines()
                .filter_map(|l| l.strip_prefix("why:"))
                .map(|l| (section.heading.as_str(), l.trim()))
        })
        .collect();
    if !why.is_empty() {
        let _ = writeln!(md, "\n## Misses, and where the time goes\n");
        let _ = writeln!(
            md,
            "Each goal missed, by how much, and where its time goes, from the layers the same run \
             measured apart (the store alone, the service without the gateway, the bare transports) \
             and the profiles printed with it.\n"
        );
        for (heading, line) in why {
            let _ = writeln!(md, "- **{heading}**: {line}");
        }
    }
    if chart {
        let _ = writeln!(md, "\n## The county summary against the records it sums\n");
        let _ = writeln!(
            md,
            "![county summary p50 and p99 against complaints]({CHART})\n"
        );
    }
    for section in sections {
        let _ = writeln!(md, "\n## {}\n", section.heading);
        let _ = writeln!(
            md,
            "`{}` — {:.0} s{}\n",
            section.command,
            section.seconds,
            if section.succeeded {
                ""
            } else {
                ", **failed**"
            }
        );
        let found = phases(&section.output);
        if !found.is_empty() {
            let _ = writeln!(md, "| run | throughput | p50 ms | p99 ms | errors |");
            let _ = writeln!(md, "|---|---|---|---|---|");
            for p in &found {
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.2} | {:.2} | {} |",
                    p.title.replace('|', "/"),
                    p.rate,
                    p.p50,
                    p.p99,
                    p.errors
                );
            }
        }
        let _ = writeln!(
            md,
            "\n<details><summary>What it printed</summary>\n\n```text\n{}\n```\n</details>",
            section.output.trim_end()
        );
    }
    md
}

/// The summary's p50 and p99 and its ceiling's p99 against complaints, on a
/// logarithmic axis of records, with the 100 ms goal.
fn chart(points: &[(usize, f64, f64, f64)]) -> String {
    let (width, height, left, right, top, bottom) = (640.0, 400.0, 70.0, 20.0, 30.0, 50.0);
    let highest = points
        .iter()
        .flat_map(|p| [p.1, p.2, p.3])
        .filter(|v| v.is_finite())
        .fold(100.0_f64, f64::max)
        * 1.15;
    let (low, high) = (
        (points[0].0 as f64).log10().floor(),
        (points[points.len() - 1].0 as f64)
            .log10()
            .ceil()
            .max((points[0].0 as f64).log10().floor() + 1.0),
    );
    let x = |n: usize| left + ((n as f64).log10() - low) / (high - low) * (width - left - right);
    let y = |ms: f64| top + (1.0 - ms / highest) * (height - top - bottom);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"18\" font-size=\"14\">County summary through REST, 20 townships (4 clients)</text>\n"
    );
    // Axes, ticks and the goal.
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"black\"/>",
        height - bottom,
        width - right,
        height - bottom,
        height - bottom
    );
    let mut power = low;
    while power <= high {
        let n = 10_f64.powf(power) as usize;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(n),
            height - bottom + 18.0,
            thousands(n)
        );
        power += 1.0;
    }
    for step in 0..=4 {
        let ms = highest / 4.0 * f64::from(step);
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{ms:.0} ms</text>",
            left - 6.0,
            y(ms) + 4.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">complaints (a tenth as many cases, a hundredth as many people)</text>",
        (left + width - right) / 2.0,
        height - 10.0
    );
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{2}\" y=\"{3:.1}\" fill=\"#c00\" text-anchor=\"end\">goal p99 100 ms</text>",
        y(100.0),
        width - right,
        width - right - 4.0,
        y(100.0) - 4.0
    );
    for (pick, colour, label) in [
        (1usize, "#1f77b4", "summary p50"),
        (2, "#ff7f0e", "summary p99"),
        (3, "#2ca02c", "ceiling p99 (complaint sums on the store)"),
    ] {
        let value = |p: &(usize, f64, f64, f64)| match pick {
            1 => p.1,
            2 => p.2,
            _ => p.3,
        };
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.0), y(value(p))))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            path.join(" ")
        );
        for p in points {
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"><title>{}: {:.1} ms</title></circle>",
                x(p.0),
                y(value(p)),
                thousands(p.0),
                value(p)
            );
        }
        let row = 40.0 + 16.0 * pick as f64;
        let _ = writeln!(
            svg,
            "<rect x=\"{0}\" y=\"{1}\" width=\"12\" height=\"4\" fill=\"{colour}\"/>\
             <text x=\"{2}\" y=\"{3}\">{label}</text>",
            left + 12.0,
            row - 4.0,
            left + 30.0,
            row
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_read_as_the_benchmarks_print_them() {
        let printed = "seeded 10 complaints\n\
            REST county summary over 10000 complaints, 20 townships and the total, 4 clients\n  \
            throughput        120 /s (1200 in 10.0 s)\n  latency p50       30.50 ms\n  \
            latency p99       41.25 ms\n  errors            0\ngoals: summary p99 ≤ 100 ms\n";
        assert_eq!(
            phases(printed),
            vec![Phase {
                title: "REST county summary over 10000 complaints, 20 townships and the total, 4 clients"
                    .into(),
                rate: "120 /s (1200 in 10.0 s)".into(),
                p50: 30.5,
                p99: 41.25,
                errors: "0".into(),
            }]
        );
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
