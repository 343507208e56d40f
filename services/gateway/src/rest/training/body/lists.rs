//! The report of an imported list.

use fazhi_proto::training::v1 as pb;
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::edge::problem::RowProblem;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: i64,
    /// Rows written: all of them, or none when any is rejected.
    pub imported: i64,
    pub rejected: Vec<RowProblem>,
    /// The session or exam created, for attendance and results.
    pub created_id: String,
    /// For people: each row imported and the id of the person it recorded.
    pub people: Vec<ImportedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportedRow {
    /// 1-based row in the file; the header is row 1.
    pub row: i64,
    pub id: String,
}

impl From<pb::ImportReport> for ImportReport {
    fn from(r: pb::ImportReport) -> Self {
        Self {
            rows: r.rows,
            imported: r.imported,
            rejected: r
                .rejected
                .into_iter()
                .map(|p| RowProblem {
                    row: p.row,
                    field: p.field,
                    message: p.message,
                })
                .collect(),
            created_id: r.created_id,
            people: r
                .people
                .into_iter()
                .map(|p| ImportedRow {
                    row: p.row,
                    id: p.id,
                })
                .collect(),
        }
    }
}
