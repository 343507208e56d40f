//! The power list imported from a CSV or .xlsx file, all or nothing.

use fazhi_platform::{
    Code, Error, ErrorKind,
    auth::{self, Permission},
};
use fazhi_proto::cases::v1 as pb;
use fazhi_sheet::Format;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain;
use crate::lists::{self, RowProblem};

/// Lists parsed at once; parsing is CPU work and a file may be large.
pub(super) const CONCURRENT_IMPORTS: usize = 2;

pub(super) async fn import_power_items(
    api: &CasesApi,
    request: Request<pb::ImportPowerItemsRequest>,
) -> Result<Response<pb::PowerImportReport>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::PowerManage)?;
    let r = request.into_inner();
    let format = Format::from_code(r.format.trim()).ok_or_else(|| {
        Error::invalid_field(
            "format",
            Code::UnknownCode,
            "format must be one of csv, xlsx",
        )
    })?;
    let _reading = api.imports.clone().try_acquire_owned().map_err(|_| {
        Error::new(
            ErrorKind::ResourceExhausted,
            Code::ImportsBusy,
            "other lists are being imported; retry in a moment",
        )
    })?;
    let content = r.content;
    let rows = tokio::task::spawn_blocking(move || fazhi_sheet::read(format, &content))
        .await
        .map_err(Error::internal)??;
    let data_rows = rows.len().saturating_sub(1);
    if let Err(problem) = lists::check_header(&rows, lists::POWER_ITEMS) {
        return Ok(Response::new(report(data_rows, 0, vec![problem])));
    }
    let (found, mut problems) = lists::power_items(&rows);
    let mut items = Vec::with_capacity(found.len());
    // A row whose cells are wrong already is reported once, for those cells.
    let flagged: std::collections::HashSet<usize> = problems.iter().map(|p| p.row).collect();
    for (row, new) in found.into_iter().filter(|(row, _)| !flagged.contains(row)) {
        let outside = new
            .holders
            .iter()
            .find(|d| caller.check_writes("holders", d).is_err());
        if let Some(division) = outside {
            problems.push(lists::problem(
                row,
                "holders",
                format!("division {division} is outside the divisions you act for"),
            ));
            continue;
        }
        match domain::new_power_item(new, new_id()) {
            Ok(item) => items.push((row, item)),
            Err(err) => problems.push(fazhi_sheet::rows::refused(row, err)),
        }
    }
    problems.extend(lists::repeated_codes(
        items.iter().map(|(row, item)| (*row, item.code.as_str())),
    ));
    let codes: Vec<String> = items.iter().map(|(_, i)| i.code.clone()).collect();
    let taken = api.store.taken_power_codes(&codes).await?;
    for (row, item) in &items {
        if taken.contains(&item.code) {
            problems.push(lists::problem(
                *row,
                "code",
                format!("power item code {} is taken", item.code),
            ));
        }
    }
    if !problems.is_empty() {
        return Ok(Response::new(report(data_rows, 0, problems)));
    }
    let items: Vec<_> = items.into_iter().map(|(_, item)| item).collect();
    api.store.insert_power_items(&items).await?;
    tracing::info!(items = items.len(), "power list imported");
    Ok(Response::new(report(data_rows, items.len(), Vec::new())))
}

fn report(rows: usize, imported: usize, problems: Vec<RowProblem>) -> pb::PowerImportReport {
    let report = fazhi_sheet::rows::Report::new(rows, imported, problems);
    pb::PowerImportReport {
        rows: report.rows as i64,
        imported: report.imported as i64,
        rejected: report.rejected_proto(),
    }
}
