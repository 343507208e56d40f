//! Deadlines near or passed (预警) on the caller's cases.

use chrono::Days;
use fazhi_platform::{DivisionCode, Error, time};
use fazhi_proto::common::v1 as common;

use fazhi_platform::auth::{self, Permission};
use tonic::{Request, Response, Status};

use super::CasesApi;
use crate::domain;

/// Cases one answer looks at, and warnings it holds, at most.
const MAX_CASES: i64 = 10_000;

impl CasesApi {
    pub(super) async fn warnings(
        &self,
        division: &DivisionCode,
    ) -> Result<common::ListWarningsResponse, Error> {
        let today = self.clock.today();
        let watched = self.store.watched_cases(division, MAX_CASES + 1).await?;
        let truncated = watched.len() as i64 > MAX_CASES;
        let mut warnings = Vec::new();
        for (case, published) in watched.iter().take(MAX_CASES as usize) {
            for d in domain::deadlines(case, *published, &self.rules, &self.calendar, today) {
                let Some(level) =
                    fazhi_platform::warning::level(d.due_on, today, today + Days::new(d.near_days))
                else {
                    continue;
                };
                let item = case.power_item_code.as_deref().unwrap_or("未立案");
                warnings.push(common::Warning {
                    kind: d.kind.to_owned(),
                    level: level.to_proto(),
                    record_id: case.id.clone(),
                    division_code: case.division.as_str().to_owned(),
                    due_at: Some(time::to_timestamp(time::end_of_china_day(d.due_on))),
                    title: format!(
                        "案件 …{}（{item}）",
                        &case.id[case.id.len().saturating_sub(8)..]
                    ),
                });
            }
        }
        Ok(fazhi_platform::grpc::warnings_answer(warnings, truncated))
    }
}

pub(super) async fn list_warnings(
    api: &CasesApi,
    request: Request<common::ListWarningsRequest>,
) -> Result<Response<common::ListWarningsResponse>, Status> {
    let caller = auth::caller(&request)?;
    if !(caller.may(Permission::CaseRead) || caller.may(Permission::OversightRead)) {
        return Err(auth::forbidden(Permission::OversightRead).into());
    }
    let r = request.into_inner();
    let division = caller.narrow_code("division_code", &r.division_code)?;
    Ok(Response::new(api.warnings(&division).await?))
}
