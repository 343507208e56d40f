//! Deadlines near or passed (预警): certificates expiring within 30 days
//! (red once their last day passed while still in force), and in the fourth
//! quarter officers short of the year's training hours (due at year end).

use chrono::{Datelike, Days, NaiveDate};
use fazhi_platform::grpc::MAX_WARNINGS;
use fazhi_platform::{DivisionCode, Error, time};
use fazhi_proto::common::v1 as common;

use super::TrainingApi;

/// Days before a certificate's last day it is warned of.
const EXPIRY_NEAR_DAYS: u64 = 30;

fn due(day: NaiveDate) -> Option<fazhi_proto::Timestamp> {
    Some(time::to_timestamp(time::end_of_china_day(day)))
}

impl TrainingApi {
    pub(super) async fn warnings(
        &self,
        scope: &DivisionCode,
    ) -> Result<common::ListWarningsResponse, Error> {
        let today = self.clock.today();
        let limit = MAX_WARNINGS as i64 + 1;
        let expiring = self
            .store
            .expiring_certificates(scope, today + Days::new(EXPIRY_NEAR_DAYS), limit)
            .await?;
        let mut truncated = expiring.len() > MAX_WARNINGS;
        let mut warnings = Vec::new();
        for c in expiring.into_iter().take(MAX_WARNINGS) {
            let Ok(last) = NaiveDate::parse_from_str(&c.valid_until, "%Y-%m-%d") else {
                continue;
            };
            warnings.push(common::Warning {
                kind: "certificate_expiry".to_owned(),
                // Only certificates ending by the near day are asked for.
                level: fazhi_platform::warning::level(last, today, last)
                    .map_or(common::WarningLevel::Yellow as i32, |l| l.to_proto()),
                record_id: c.id,
                division_code: c.division_code,
                due_at: due(last),
                title: format!("执法证 {}", c.number),
            });
        }
        if today.month() >= 10 {
            let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
            let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
            let required = i64::from(self.rules.hours_per_year) * 10;
            let short = self
                .store
                .short_of_hours(scope, (year_start, today), required, limit)
                .await?;
            truncated |= short.len() > MAX_WARNINGS;
            for p in short.into_iter().take(MAX_WARNINGS) {
                warnings.push(common::Warning {
                    kind: "training_hours".to_owned(),
                    level: fazhi_platform::warning::Level::Yellow.to_proto(),
                    record_id: p.person_id,
                    division_code: p.division_code,
                    due_at: due(year_end),
                    title: format!(
                        "{}：本年{}学时，应达{}学时",
                        p.name,
                        p.hours_tenths as f64 / 10.0,
                        self.rules.hours_per_year
                    ),
                });
            }
        }
        Ok(fazhi_platform::grpc::warnings_answer(warnings, truncated))
    }
}
