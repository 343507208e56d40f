//! The rows of an imported list checked one by one, every problem reported
//! against its row and column.

/// Something wrong with one row of an imported list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based row in the file (the header is row 1).
    pub row: usize,
    /// The column's key (`id_number`), or `header` for the header row.
    pub field: String,
    pub message: String,
}

/// A problem with `field` of `row`.
pub fn problem(row: usize, field: &str, message: impl Into<String>) -> RowProblem {
    RowProblem {
        row,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A row of a file: its 1-based number and its cells.
pub type Row = (usize, Vec<String>);

/// A list's columns: key and the heading townships use.
pub type Columns = &'static [(&'static str, &'static str)];

/// The header row must name the columns in order, by key or by heading.
pub fn check_header(rows: &[(usize, Vec<String>)], columns: Columns) -> Result<(), RowProblem> {
    let Some((row, header)) = rows.first() else {
        return Err(problem(1, "header", "the file is empty"));
    };
    let keys: Vec<&str> = columns.iter().map(|(k, _)| *k).collect();
    let headings: Vec<&str> = columns.iter().map(|(_, h)| *h).collect();
    let given: Vec<&str> = header.iter().map(String::as_str).collect();
    if given == keys || given == headings {
        Ok(())
    } else {
        Err(problem(
            *row,
            "header",
            format!(
                "the header row must be {} (or {})",
                headings.join(", "),
                keys.join(", ")
            ),
        ))
    }
}

/// The `i`th cell of a row, empty past its end.
pub fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

/// 是/否 (or yes/no, true/false, 1/0; empty is 否), `None` otherwise.
pub fn flag(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// The problem a rule's refusal makes of `row`: the field it names (empty
/// for none) and its message.
pub fn refused(row: usize, err: fazhi_platform::Error) -> RowProblem {
    RowProblem {
        row,
        field: err.field.unwrap_or_default(),
        message: err.message,
    }
}

/// What an import did, all or nothing: a list with any problem imports no
/// row at all, and every problem is reported in row order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// Records written: all of them, or none when a row had a problem.
    pub imported: usize,
    /// Every problem found, by row.
    pub rejected: Vec<RowProblem>,
}

impl Report {
    /// `rows` read, `records` written when `problems` is empty.
    pub fn new(rows: usize, records: usize, mut problems: Vec<RowProblem>) -> Self {
        problems.sort_by_key(|p| p.row);
        Self {
            rows,
            imported: if problems.is_empty() { records } else { 0 },
            rejected: problems,
        }
    }

    /// The problems as the contract carries them (`common.v1.RowProblem`).
    pub fn rejected_proto(&self) -> Vec<fazhi_proto::common::v1::RowProblem> {
        self.rejected
            .iter()
            .cloned()
            .map(RowProblem::into_proto)
            .collect()
    }
}

impl RowProblem {
    /// The problem as the contract carries it.
    pub fn into_proto(self) -> fazhi_proto::common::v1::RowProblem {
        fazhi_proto::common::v1::RowProblem {
            row: self.row as i64,
            field: self.field,
            message: self.message,
        }
    }
}
