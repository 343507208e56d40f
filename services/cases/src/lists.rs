//! The power list (权限清单) as a county publishes it — a CSV or .xlsx table
//! — read row by row with every problem reported against its row and
//! column. No I/O.

use chrono::NaiveDate;
use fazhi_platform::DivisionCode;
use fazhi_platform::category::EnforcementCategory;
pub use fazhi_sheet::rows::{Columns, Row, RowProblem, cell, check_header, problem};

use crate::domain::{MAX_HOLDERS, NewPowerItem, PowerKind, PowerSource};

pub const POWER_ITEMS: Columns = &[
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("legal_basis", "实施依据"),
    ("kind", "权力类型"),
    ("source", "来源"),
    ("category", "执法类别"),
    ("effective_from", "生效日期"),
    ("effective_to", "失效日期"),
    ("holders", "承接区划"),
];

fn kind(text: &str) -> Option<PowerKind> {
    PowerKind::from_code(text).or(match text {
        "行政处罚" => Some(PowerKind::Penalty),
        "行政强制" | "行政强制措施" => Some(PowerKind::CoerciveMeasure),
        "行政检查" => Some(PowerKind::Inspection),
        _ => None,
    })
}

fn source(text: &str) -> Option<PowerSource> {
    PowerSource::from_code(text).or(match text {
        "赋权" | "下放" | "委托" => Some(PowerSource::Assigned),
        "自有" | "法定" => Some(PowerSource::Own),
        _ => None,
    })
}

fn category(text: &str) -> Option<EnforcementCategory> {
    EnforcementCategory::from_code(text).or_else(|| {
        EnforcementCategory::ALL
            .iter()
            .copied()
            .find(|c| c.name_zh() == text)
    })
}

/// A day written 2024-03-01, 2024/3/1 or 2024.3.1.
fn day(text: &str) -> Option<NaiveDate> {
    let normal = text.replace(['/', '.'], "-");
    let mut parts = normal.split('-').map(str::parse::<u32>);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d)), None) => {
            NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
        }
        _ => None,
    }
}

/// Power list rows as new items (their row numbers kept), and the problems
/// found in their cells. The items' own checks come after.
pub fn power_items(rows: &[Row]) -> (Vec<(usize, NewPowerItem)>, Vec<RowProblem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in rows.iter().skip(1) {
        let row = *row;
        let mut bad = |field: &str, message: String| problems.push(problem(row, field, message));
        // The value a cell held, or a problem naming its column.
        fn read<T>(
            value: Option<T>,
            field: &str,
            message: &str,
            bad: &mut impl FnMut(&str, String),
        ) -> Option<T> {
            if value.is_none() {
                bad(field, message.to_owned());
            }
            value
        }
        let kind = read(
            kind(cell(cells, 3)),
            "kind",
            "must be 行政处罚, 行政强制措施 or 行政检查",
            &mut bad,
        );
        let source = read(
            source(cell(cells, 4)),
            "source",
            "must be 赋权 or 自有",
            &mut bad,
        );
        let category = read(
            category(cell(cells, 5)),
            "category",
            "is not an enforcement category",
            &mut bad,
        );
        let effective_from = read(
            day(cell(cells, 6)),
            "effective_from",
            "must be a date such as 2024-03-01",
            &mut bad,
        );
        let effective_to = match cell(cells, 7) {
            "" => None,
            text => read(
                day(text),
                "effective_to",
                "must be a date or empty",
                &mut bad,
            ),
        };
        let named: Vec<&str> = cell(cells, 8)
            .split(['、', ';', '；', ',', '，', ' '])
            .filter(|c| !c.is_empty())
            .collect();
        let mut holders = Vec::new();
        if named.len() > MAX_HOLDERS {
            bad(
                "holders",
                format!("an item names at most {MAX_HOLDERS} divisions"),
            );
        } else {
            for code in named {
                match DivisionCode::parse_field("holders", code) {
                    Ok(d) => holders.push(d),
                    Err(err) => bad("holders", err.message),
                }
            }
        }
        found.push((
            row,
            NewPowerItem {
                code: cell(cells, 0).to_owned(),
                name: cell(cells, 1).to_owned(),
                legal_basis: cell(cells, 2).to_owned(),
                kind,
                source,
                category,
                effective_from,
                effective_to,
                holders,
            },
        ));
    }
    (found, problems)
}

/// A problem for each code that appears on more than one row.
pub fn repeated_codes<'a>(codes: impl Iterator<Item = (usize, &'a str)>) -> Vec<RowProblem> {
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for (row, code) in codes {
        match first.get(code) {
            Some(earlier) => problems.push(problem(
                row,
                "code",
                format!("code {code} is on row {earlier} already"),
            )),
            None => {
                first.insert(code, row);
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| (i + 1, cells.iter().map(|c| (*c).to_owned()).collect()))
            .collect()
    }

    const HEADER: &[&str] = &[
        "事项编码",
        "事项名称",
        "实施依据",
        "权力类型",
        "来源",
        "执法类别",
        "生效日期",
        "失效日期",
        "承接区划",
    ];

    #[test]
    fn a_row_in_the_countys_words_reads_as_an_item() {
        let (found, problems) = power_items(&rows(&[
            HEADER,
            &[
                "330217001000",
                "对未取得乡村建设规划许可证进行建设的行政处罚",
                "《城乡规划法》第六十五条",
                "行政处罚",
                "自有",
                "综合行政执法",
                "2022/1/1",
                "",
                "411624100、411624101",
            ],
        ]));
        assert_eq!(problems, vec![]);
        let (row, item) = &found[0];
        assert_eq!(*row, 2);
        assert_eq!(item.kind, Some(PowerKind::Penalty));
        assert_eq!(item.source, Some(PowerSource::Own));
        assert_eq!(item.category, Some(EnforcementCategory::Comprehensive));
        assert_eq!(item.effective_from, NaiveDate::from_ymd_opt(2022, 1, 1));
        assert_eq!(item.holders.len(), 2);
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported_with_its_column() {
        let (_, problems) = power_items(&rows(&[
            HEADER,
            &[
                "x", "n", "b", "罚款", "上级", "城管", "明天", "昨天", "4116",
            ],
        ]));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "kind",
                "source",
                "category",
                "effective_from",
                "effective_to",
                "holders"
            ]
        );
        assert!(problems.iter().all(|p| p.row == 2));
    }

    #[test]
    fn a_code_listed_twice_is_reported_on_its_second_row() {
        let problems = repeated_codes([(2, "a"), (3, "b"), (4, "a")].into_iter());
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].row, problems[0].field.as_str()), (4, "code"));
    }
}
