//! The three lists townships keep — people, attendance, exam results — read
//! row by row with every problem reported against its row and column. No I/O.

use crate::domain::{self, NewPerson};

pub use fazhi_sheet::rows::{Columns, Row, RowProblem, cell, check_header, flag, problem};

/// (row, ID number, score in tenths or absent) of a results list.
pub type ResultRow = (usize, String, Option<i64>);

pub const PEOPLE: Columns = &[
    ("division_code", "行政区划代码"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("unit", "单位"),
    ("employment", "人员类别"),
    ("rank", "职级"),
    ("section_level", "科级以上"),
    ("enforcement_post", "执法岗位"),
];

pub const ATTENDANCE: Columns = &[("id_number", "身份证号"), ("hours", "学时")];

pub const RESULTS: Columns = &[("id_number", "身份证号"), ("score", "成绩")];

fn employment_code(text: &str) -> String {
    match text {
        "公务员" => "civil_servant",
        "事业单位职员" | "职员" | "事业编" => "public_institution",
        "辅助人员" | "辅警" | "协管员" => "auxiliary",
        "工勤人员" | "工勤" => "worker",
        "合同制" | "合同工" | "聘用人员" => "contract",
        "临时人员" | "临时工" => "temporary",
        other => other,
    }
    .to_owned()
}

/// A number with at most one decimal, in tenths.
pub fn tenths(text: &str) -> Option<i64> {
    let value: f64 = text.parse().ok()?;
    let scaled = value * 10.0;
    (value.is_finite() && (scaled - scaled.round()).abs() < 1e-6 && scaled.abs() < 1e9)
        .then(|| scaled.round() as i64)
}

/// People rows as new people (their row numbers kept), and the problems.
pub fn people(rows: &[(usize, Vec<String>)]) -> (Vec<(usize, NewPerson)>, Vec<RowProblem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in rows.iter().skip(1) {
        let section_level = flag(cell(cells, 6));
        let enforcement_post = flag(cell(cells, 7));
        if section_level.is_none() {
            problems.push(problem(*row, "section_level", "must be 是 or 否"));
        }
        if enforcement_post.is_none() {
            problems.push(problem(*row, "enforcement_post", "must be 是 or 否"));
        }
        found.push((
            *row,
            NewPerson {
                rank_level: String::new(),
                division_code: cell(cells, 0).to_owned(),
                name: cell(cells, 1).to_owned(),
                id_number: cell(cells, 2).to_owned(),
                unit: cell(cells, 3).to_owned(),
                employment: employment_code(cell(cells, 4)),
                rank: cell(cells, 5).to_owned(),
                section_level: section_level.unwrap_or(false),
                enforcement_post: enforcement_post.unwrap_or(false),
                joined_on: None,
                legal_qualification: String::new(),
            },
        ));
    }
    (found, problems)
}

/// (row, ID number, tenths) of an attendance list, with hours checked.
pub fn attendance(rows: &[(usize, Vec<String>)]) -> (Vec<(usize, String, i64)>, Vec<RowProblem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in rows.iter().skip(1) {
        let id = match domain::check_id_number("id_number", cell(cells, 0)) {
            Ok(id) => id,
            Err(err) => {
                problems.push(problem(*row, "id_number", err.message));
                continue;
            }
        };
        match tenths(cell(cells, 1)).map(|t| domain::check_hours("hours", t)) {
            Some(Ok(hours)) => found.push((*row, id, hours)),
            Some(Err(err)) => problems.push(problem(*row, "hours", err.message)),
            None => problems.push(problem(
                *row,
                "hours",
                "hours must be a number with at most one decimal",
            )),
        }
    }
    (found, problems)
}

/// (row, ID number, tenths or absent) of a results list, with scores checked.
pub fn results(rows: &[(usize, Vec<String>)]) -> (Vec<ResultRow>, Vec<RowProblem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in rows.iter().skip(1) {
        let id = match domain::check_id_number("id_number", cell(cells, 0)) {
            Ok(id) => id,
            Err(err) => {
                problems.push(problem(*row, "id_number", err.message));
                continue;
            }
        };
        let text = cell(cells, 1);
        if text.is_empty() || text == "缺考" {
            found.push((*row, id, None));
            continue;
        }
        match tenths(text).map(|t| domain::check_score("score", t)) {
            Some(Ok(score)) => found.push((*row, id, Some(score))),
            Some(Err(err)) => problems.push(problem(*row, "score", err.message)),
            None => problems.push(problem(
                *row,
                "score",
                "score must be a number with at most one decimal",
            )),
        }
    }
    (found, problems)
}

/// Problems for ID numbers listed more than once.
pub fn duplicates<'a>(ids: impl Iterator<Item = (usize, &'a str)>) -> Vec<RowProblem> {
    let mut seen = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for (row, id) in ids {
        if let Some(first) = seen.insert(id.to_owned(), row) {
            problems.push(problem(
                row,
                "id_number",
                format!("listed already in row {first}"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[&[&str]]) -> Vec<(usize, Vec<String>)> {
        text.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|c| (*c).to_owned()).collect()))
            .collect()
    }

    #[test]
    fn a_header_in_either_language_is_accepted_and_any_other_refused() {
        assert!(check_header(&rows(&[&["身份证号", "学时"]]), ATTENDANCE).is_ok());
        assert!(check_header(&rows(&[&["id_number", "hours"]]), ATTENDANCE).is_ok());
        let err = check_header(&rows(&[&["姓名", "学时"]]), ATTENDANCE).unwrap_err();
        assert_eq!((err.row, err.field.as_str()), (1, "header"));
        assert_eq!(check_header(&[], ATTENDANCE).unwrap_err().row, 1);
    }

    #[test]
    fn attendance_rows_report_each_bad_cell_with_its_row() {
        let (good, bad) = attendance(&rows(&[
            &["身份证号", "学时"],
            &["11010519491231002X", "2.5"],
            &["110105194912310021", "2"],
            &["11010519491231002X", "25"],
            &["11010519491231002X", "two"],
        ]));
        assert_eq!(good, vec![(2, "11010519491231002X".to_owned(), 25)]);
        let found: Vec<(usize, &str)> = bad.iter().map(|p| (p.row, p.field.as_str())).collect();
        assert_eq!(found, vec![(3, "id_number"), (4, "hours"), (5, "hours")]);
    }

    #[test]
    fn results_take_blank_or_absent_as_not_sitting_and_refuse_out_of_range_scores() {
        let (good, bad) = results(&rows(&[
            &["身份证号", "成绩"],
            &["11010519491231002X", "缺考"],
            &["11010519491231002X", "101"],
        ]));
        assert_eq!(good, vec![(2, "11010519491231002X".to_owned(), None)]);
        assert_eq!((bad[0].row, bad[0].field.as_str()), (3, "score"));
    }

    #[test]
    fn people_rows_read_chinese_categories_and_yes_no_flags() {
        let (good, bad) = people(&rows(&[
            &[
                "行政区划代码",
                "姓名",
                "身份证号",
                "单位",
                "人员类别",
                "职级",
                "科级以上",
                "执法岗位",
            ],
            &[
                "411624100",
                "李四",
                "11010519491231002X",
                "执法大队",
                "公务员",
                "副科级",
                "是",
                "是",
            ],
            &[
                "411624100",
                "王五",
                "11010519491231002X",
                "执法大队",
                "辅助人员",
                "",
                "否",
                "maybe",
            ],
        ]));
        assert_eq!(good[0].1.employment, "civil_servant");
        assert!(good[0].1.section_level && good[0].1.enforcement_post);
        assert_eq!(good[1].1.employment, "auxiliary");
        assert_eq!((bad[0].row, bad[0].field.as_str()), (3, "enforcement_post"));
        let dupes = duplicates(good.iter().map(|(r, p)| (*r, p.id_number.as_str())));
        assert_eq!(dupes[0].row, 3);
    }
}
