//! The oversight summary as a table — one line per township and the total
//! line — for a county overseer's spreadsheet: CSV or .xlsx. Every figure of
//! the JSON summary becomes a column named by its path
//! (`complaints.received`, `cases.filed`, `training.certificate_holders`).

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::Value;

use crate::edge::problem::Problem;

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

/// The header and the lines: each township, then the total.
pub fn table(summary: &Value) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines: Vec<Vec<(String, String)>> = summary["townships"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    line(
                        r["division_code"].as_str().unwrap_or_default(),
                        r["name"].as_str().unwrap_or_default(),
                        r,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    lines.push(line(
        summary["division"].as_str().unwrap_or_default(),
        "合计",
        summary,
    ));
    // Every column any line has, in the order first met.
    let mut header: Vec<String> = Vec::new();
    for l in &lines {
        for (key, _) in l {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let rows = lines
        .into_iter()
        .map(|l| {
            header
                .iter()
                .map(|h| {
                    l.iter()
                        .find(|(k, _)| k == h)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    (header, rows)
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
pub fn file(summary: &Value, format: &str) -> Result<Response, Problem> {
    let (header, rows) = table(summary);
    let (bytes, content_type, extension) = match format {
        "csv" => {
            let mut text = String::from("\u{feff}");
            for line in std::iter::once(&header).chain(rows.iter()) {
                let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
                text.push_str(&cells.join(","));
                text.push_str("\r\n");
            }
            (text.into_bytes(), "text/csv; charset=utf-8", "csv")
        }
        _ => {
            let titles: Vec<&str> = header.iter().map(String::as_str).collect();
            let book = fazhi_sheet::write_xlsx("汇总", &titles, &rows)?;
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
    fn each_township_then_the_total_with_every_figure_as_a_column() {
        let summary = json!({
            "division": "411624",
            "complaints": { "received": 4, "by_channel": { "hotline_12345": 4 } },
            "cases": null,
            "training": { "certificate_holders": 9, "exams": [1, 2] },
            "townships": [
                { "division_code": "411624100", "name": "老城镇",
                  "complaints": { "received": 3, "by_channel": { "hotline_12345": 3 } },
                  "cases": null, "training": { "certificate_holders": 5 } },
            ],
        });
        let (header, rows) = table(&summary);
        assert_eq!(
            header,
            vec![
                "division_code",
                "name",
                "complaints.by_channel.hotline_12345",
                "complaints.received",
                "cases",
                "training.certificate_holders",
            ]
        );
        assert_eq!(rows[0], vec!["411624100", "老城镇", "3", "3", "", "5"]);
        assert_eq!(rows[1], vec!["411624", "合计", "4", "4", "", "9"]);
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
