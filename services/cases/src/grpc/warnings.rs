//! Deadlines near or passed (预警) on the caller's cases.

use chrono::Days;
use fazhi_platform::grpc::MAX_WARNINGS;
use fazhi_platform::{DivisionCode, Error, time};
use fazhi_proto::common::v1 as common;

use fazhi_platform::auth::{self, Permission};
use tonic::{Request, Response, Status};

use super::CasesApi;

impl CasesApi {
    pub(super) async fn warnings(
        &self,
        division: &DivisionCode,
    ) -> Result<common::ListWarningsResponse, Error> {
        let today = self.clock.today();
        let (near, more) = self
            .store
            .near_deadlines(division, today, &self.rules, MAX_WARNINGS)
            .await?;
        let warnings = near
            .into_iter()
            .filter_map(|(case, d)| {
                let level = fazhi_platform::warning::level(
                    d.due_on,
                    today,
                    today + Days::new(d.near_days),
                )?;
                let item = case.power_item_code.as_deref().unwrap_or("未立案");
                Some(common::Warning {
                    kind: d.kind.to_owned(),
                    level: level.to_proto(),
                    record_id: case.id.clone(),
                    division_code: case.division.as_str().to_owned(),
                    due_at: Some(time::to_timestamp(time::end_of_china_day(d.due_on))),
                    title: format!(
                        "案件 …{}（{item}）",
                        &case.id[case.id.len().saturating_sub(8)..]
                    ),
                })
            })
            .collect();
        Ok(fazhi_platform::grpc::warnings_answer(warnings, more))
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
