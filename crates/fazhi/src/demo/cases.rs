//! The demo's enforcement cases through the cases service's own API: a power
//! item the townships hold, then leads found over the year, each filed,
//! notified, decided, served and published on its own days as far as today
//! allows.

use chrono::{Datelike, Duration, NaiveDate};
use fazhi_platform::time::date_to_proto;
use fazhi_proto::{cases::v1 as pb, common::v1::EnforcementCategory};

use super::{Clients, shape::Dice, shape::Township, training::id_number};

pub const POWER_ITEM: &str = "330217001000";

/// The county's power item for building without a rural planning permit,
/// held by every township.
pub async fn power_item(c: &Clients, holders: Vec<String>, today: NaiveDate) -> anyhow::Result<()> {
    c.cases
        .clone()
        .create_power_item(c.sign(pb::CreatePowerItemRequest {
            item: Some(pb::PowerItem {
                code: POWER_ITEM.to_owned(),
                name: "对未取得乡村建设规划许可证进行建设的行政处罚".to_owned(),
                legal_basis: "《中华人民共和国城乡规划法》第六十五条".to_owned(),
                kind: pb::PowerKind::Penalty as i32,
                source: pb::PowerSource::Assigned as i32,
                category: EnforcementCategory::Comprehensive as i32,
                effective_from: date_to_proto(
                    NaiveDate::from_ymd_opt(today.year() - 3, 1, 1).unwrap_or(today),
                ),
                holder_division_codes: holders,
                ..Default::default()
            }),
        }))
        .await?;
    Ok(())
}

/// Leads found over last year and this one; returns how many.
pub async fn load(
    c: &Clients,
    t: &Township,
    index: usize,
    officers: &[String],
    today: NaiveDate,
    dice: &mut Dice,
) -> anyhow::Result<usize> {
    // Certified since last April: cases are found after that.
    let first = NaiveDate::from_ymd_opt(today.year() - 1, 4, 10).unwrap_or(today);
    let days = (today - first).num_days().max(1);
    let count = (t.cases_per_year as i64 * days / 365) as usize;
    for n in 0..count {
        let discovered = first + Duration::days(dice.below(days as u64) as i64);
        let pair: Vec<String> = {
            let a = dice.below(officers.len() as u64 - 1) as usize;
            vec![officers[a].clone(), officers[a + 1].clone()]
        };
        run(c, t, index * 1000 + 500 + n, discovered, pair, today, dice).await?;
    }
    Ok(count)
}

#[allow(clippy::too_many_arguments)]
async fn run(
    c: &Clients,
    t: &Township,
    n: usize,
    discovered: NaiveDate,
    officers: Vec<String>,
    today: NaiveDate,
    dice: &mut Dice,
) -> anyhow::Result<()> {
    let mut cases = c.cases.clone();
    let lead = cases
        .create_lead(c.sign(pb::CreateLeadRequest {
            lead: Some(pb::Case {
                division_code: t.code.to_owned(),
                source: pb::CaseSource::Inspection as i32,
                party: Some(pb::Party {
                    kind: pb::PartyKind::Person as i32,
                    name: format!("当事人{}", n % 100),
                    id_number: id_number(n),
                    address: format!("{}某村", t.name),
                }),
                facts: format!(
                    "巡查发现{}辖区内有未取得乡村建设规划许可证建房的行为",
                    t.name
                ),
                act_on: date_to_proto(discovered - Duration::days(10)),
                discovered_on: date_to_proto(discovered),
                ..Default::default()
            }),
            request_id: String::new(),
        }))
        .await?
        .into_inner();
    let Some(case) = lead.case else {
        anyhow::bail!("the lead came back without its case");
    };
    let id = case.id;
    let filed = discovered + Duration::days(2);
    if filed > today {
        return Ok(());
    }
    let mut version = cases
        .file_case(c.sign(pb::FileCaseRequest {
            case_id: id.clone(),
            version: case.version,
            power_item_code: POWER_ITEM.to_owned(),
            officer_ids: officers,
            on: date_to_proto(filed),
            ..Default::default()
        }))
        .await?
        .into_inner()
        .version;
    let notified = filed + Duration::days(20 + dice.below(30) as i64);
    if notified > today {
        return Ok(());
    }
    // ¥1,000 to ¥4,000: below Henan's ¥5,000, so no hearing is offered.
    let penalty = pb::Penalty {
        warning: false,
        fine_fen: (1_000 + dice.below(4) as i64 * 1_000) * 100,
        ..Default::default()
    };
    version = cases
        .notify_party(c.sign(pb::NotifyPartyRequest {
            case_id: id.clone(),
            version,
            on: date_to_proto(notified),
            penalty: Some(penalty.clone()),
        }))
        .await?
        .into_inner()
        .version;
    // After the statement window (3 working days, a holiday perhaps between).
    let decided = notified + Duration::days(20);
    if decided > today {
        return Ok(());
    }
    version = cases
        .decide_case(c.sign(pb::DecideCaseRequest {
            case_id: id.clone(),
            version,
            on: date_to_proto(decided),
            kind: pb::DecisionKind::Penalty as i32,
            penalty: Some(penalty),
            // A building without a permit: removed within thirty days.
            orders: vec![pb::Order {
                kind: pb::OrderKind::Demolish as i32,
                by: date_to_proto(decided + Duration::days(30)),
            }],
        }))
        .await?
        .into_inner()
        .version;
    let served = decided + Duration::days(1);
    if served > today {
        return Ok(());
    }
    cases
        .serve_decision(c.sign(pb::ServeDecisionRequest {
            case_id: id.clone(),
            version,
            on: date_to_proto(served),
            method: pb::ServiceMethod::InPerson as i32,
            consented: false,
        }))
        .await?;
    let published = decided + Duration::days(2 + dice.below(3) as i64);
    if published > today {
        return Ok(());
    }
    cases
        .publish_decision(c.sign(pb::PublishDecisionRequest {
            case_id: id,
            agency: format!("{}人民政府", t.name),
            violation: "未取得乡村建设规划许可证进行建设".to_owned(),
            on: date_to_proto(published),
        }))
        .await?;
    Ok(())
}
