//! The oversight summary as a table — one line per township and the total
//! line — for a county overseer's spreadsheet: CSV or .xlsx. Every figure of
//! the JSON summary becomes a column named by its path
//! (`complaints.received`, `cases.filed`, `training.certificate_holders`).

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::Value;

use crate::{
    domain::summary_table::{self, Absent},
    edge::problem::Problem,
};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Adds `value`'s leaves to `row` under `prefix`; lists are left out (exam
/// kinds and the like have their own endpoints).
fn flatten(prefix: &str, value: &Value, row: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                flatten(&format!("{prefix}.{key}"), inner, row);
            }
        }
        Value::Array(_) => {}
        Value::Null => row.push((prefix.to_owned(), String::new())),
        Value::String(s) => row.push((prefix.to_owned(), s.clone())),
        other => row.push((prefix.to_owned(), other.to_string())),
    }
}

fn line(code: &str, name: &str, figures: &Value) -> Vec<(String, String)> {
    let mut row = vec![
        ("division_code".to_owned(), code.to_owned()),
        ("name".to_owned(), name.to_owned()),
    ];
    for part in ["complaints", "cases", "training"] {
        flatten(part, &figures[part], &mut row);
    }
    row
}

/// The header and the lines: each township, then the total, in the fixed
/// columns of [`summary_table::columns`] (headed by key, or in Chinese with
/// `zh`). A figure a line lacks is 0 for a count and empty for a rate; a
/// service that did not answer leaves its cells empty.
pub fn table(summary: &Value, zh: bool) -> (Vec<String>, Vec<Vec<Cell>>) {
    let categories: Vec<(&str, &str)> = fazhi_platform::complaint_category::CATEGORIES
        .iter()
        .map(|c| (c.code, c.name))
        .collect();
    let columns = summary_table::columns(&categories);
    let mut lines: Vec<(Vec<(String, String)>, &Value)> = summary["townships"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let l = line(
                        r["division_code"].as_str().unwrap_or_default(),
                        r["name"].as_str().unwrap_or_default(),
                        r,
                    );
                    (l, r)
                })
                .collect()
        })
        .unwrap_or_default();
    lines.push((
        line(
            summary["division"].as_str().unwrap_or_default(),
            "合计",
            summary,
        ),
        summary,
    ));
    let header = columns
        .iter()
        .map(|c| if zh { c.heading.clone() } else { c.key.clone() })
        .collect();
    let rows = lines
        .into_iter()
        .map(|(l, figures)| {
            columns
                .iter()
                .map(|c| {
                    let found = l.iter().find(|(k, _)| *k == c.key).map(|(_, v)| v.clone());
                    let part = c.key.split('.').next().unwrap_or_default();
                    let answered =
                        c.key == "division_code" || c.key == "name" || !figures[part].is_null();
                    match found {
                        Some(v) => cell(&c.key, v),
                        None if answered && c.absent == Absent::Zero => Cell::Number(0.0),
                        None => Cell::Text(String::new()),
                    }
                })
                .collect()
        })
        .collect();
    (header, rows)
}

/// A cell of the table: a figure is a number (so a spreadsheet sums it), a
/// code or name is text (a division code is never a number).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

fn cell(key: &str, value: String) -> Cell {
    if key == "division_code" || key == "name" {
        return Cell::Text(value);
    }
    match value.parse::<f64>() {
        Ok(n) => Cell::Number(n),
        Err(_) => Cell::Text(value),
    }
}

/// A cell as CSV writes it. Text a spreadsheet would run as a formula (it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return: a township
/// named `=cmd|…`) is opened with an apostrophe, so it is shown, never run;
/// a number is left as it is.
fn csv_cell(text: &str) -> String {
    let formula =
        text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table as a file: `csv` (UTF-8 with a byte-order mark, as Excel and
/// WPS open it) or `xlsx`.
pub fn file(summary: &Value, format: &str, zh: bool) -> Result<Response, Problem> {
    let (header, rows) = table(summary, zh);
    let (bytes, content_type, extension) = match format {
        "csv" => {
            let mut text = String::from("\u{feff}");
            let texts = rows
                .iter()
                .map(|r| r.iter().map(Cell::text).collect::<Vec<_>>());
            for line in std::iter::once(header.clone()).chain(texts) {
                let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
                text.push_str(&cells.join(","));
                text.push_str("\r\n");
            }
            (text.into_bytes(), "text/csv; charset=utf-8", "csv")
        }
        _ => {
            let titles: Vec<&str> = header.iter().map(String::as_str).collect();
            let cells: Vec<Vec<fazhi_sheet::Cell>> = rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| match c {
                            Cell::Text(t) => fazhi_sheet::Cell::Text(t),
                            Cell::Number(n) => fazhi_sheet::Cell::Number(n),
                        })
                        .collect()
                })
                .collect();
            let book = fazhi_sheet::write_xlsx_cells("汇总", &titles, &cells)?;
            (book, XLSX, "xlsx")
        }
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"oversight-summary.{extension}\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_columns_for_every_line_zeros_written_and_a_service_down_left_empty() {
        let summary = json!({
            "division": "411624",
            "complaints": { "received": 4, "by_channel": { "hotline_12345": 4 } },
            "cases": null,
            "training": { "certificate_holders": 9, "exams": [1, 2] },
            "townships": [
                { "division_code": "411624100", "name": "老城镇",
                  "complaints": { "received": 3, "by_channel": { "hotline_12345": 3 },
                                  "response_rate": 0.5 },
                  "cases": null, "training": { "certificate_holders": 5 } },
            ],
        });
        let (header, rows) = table(&summary, false);
        let at = |key: &str| header.iter().position(|h| h == key).unwrap();
        let categories = fazhi_platform::complaint_category::CATEGORIES.len();
        assert_eq!(header.len(), 2 + 32 + 7 + 5 + categories + 26 + 14);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == header.len()));
        let text = |s: &str| Cell::Text(s.to_owned());
        assert_eq!(
            rows[0][at("division_code")],
            text("411624100"),
            "a code stays text"
        );
        assert_eq!(rows[1][at("name")], text("合计"));
        assert_eq!(rows[0][at("complaints.received")], Cell::Number(3.0));
        assert_eq!(
            rows[1][at("complaints.by_channel.hotline_12345")],
            Cell::Number(4.0)
        );
        // A channel nothing came in by is 0, not a missing column.
        assert_eq!(
            rows[0][at("complaints.by_channel.mailbox")],
            Cell::Number(0.0)
        );
        // A rate without a denominator is empty; one with it, a number.
        assert_eq!(rows[1][at("complaints.response_rate")], text(""));
        assert_eq!(rows[0][at("complaints.response_rate")], Cell::Number(0.5));
        // The cases service did not answer: its cells are empty, never 0.
        assert_eq!(rows[0][at("cases.filed")], text(""));
        assert_eq!(
            rows[1][at("training.certificate_holders")],
            Cell::Number(9.0)
        );
        let (zh, _) = table(&summary, true);
        assert_eq!(zh[at("complaints.received")], "诉求受理数");
        assert_eq!(zh[at("cases.filed")], "立案数");
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_shown_as_text() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("+1+1"), "'+1+1");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(csv_cell("-12.5"), "-12.5");
        assert_eq!(csv_cell("老城镇"), "老城镇");
    }
}
