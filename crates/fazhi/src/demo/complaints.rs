//! The demo's complaints: a year and more pushed by the county 12345
//! platform with their received times and due dates, then handled through
//! the workflow. Workflow steps are stamped when they are taken, so what the
//! demo handles it handles today; a few recent ones are left open.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use fazhi_platform::time;
use fazhi_proto::complaints::v1 as pb;
use futures::{StreamExt, stream};

use super::{
    Clients,
    shape::{CATEGORIES, CHANNELS, Dice, Township},
};

/// Items per push (the batch limit).
const BATCH: usize = 1_000;
/// Complaints handled at once.
const CONCURRENT: usize = 16;

/// Pushes the township's complaints from the first day of last year to
/// `now` and handles them; returns how many were pushed.
pub async fn load(
    c: &Clients,
    t: &Township,
    villages: &[(String, String)],
    now: chrono::DateTime<Utc>,
    dice: &mut Dice,
) -> anyhow::Result<usize> {
    let today = fazhi_platform::time::china_date(now);
    let first = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today) - 1, 1, 1).unwrap_or(today);
    let days = (today - first).num_days().max(1);
    let count = (t.complaints_per_year as i64 * days / 365) as usize;
    let mut items = Vec::with_capacity(count);
    for n in 0..count {
        let offset = dice.below(days as u64) as i64;
        let received = time::china()
            .from_local_datetime(
                &(first + Duration::days(offset))
                    .and_hms_opt(8 + dice.below(10) as u32, dice.below(60) as u32, 0)
                    .unwrap_or_default(),
            )
            .single()
            .map_or(now, |t| t.with_timezone(&Utc))
            .min(now - Duration::minutes(5));
        let (village_code, village) = &villages[dice.below(villages.len() as u64) as usize];
        let category = dice.pick(CATEGORIES);
        let channel = dice.pick(CHANNELS);
        items.push(pb::PushedComplaint {
            source: "county_12345".to_owned(),
            external_id: format!("demo-{}-{n:05}", t.code),
            received_at: Some(time::to_timestamp(received)),
            due_at: Some(time::to_timestamp(received + Duration::days(15))),
            complaint: Some(pb::CreateComplaintRequest {
                channel,
                r#type: pb::RequestType::Complaint as i32,
                category: category.to_owned(),
                content: format!("群众反映{village}一带的问题，请依法处理。"),
                address: format!("{}{village}", t.name),
                division_code: village_code.clone(),
                complainant_name: Some(format!("群众{}", n % 97)),
                complainant_phone: Some(format!("1380000{:04}", n % 10_000)),
                ..Default::default()
            }),
        });
    }
    let mut pushed = Vec::with_capacity(count);
    for chunk in items.chunks(BATCH) {
        let answer = c
            .complaints
            .clone()
            .push_complaints(c.sign(pb::PushComplaintsRequest {
                items: chunk.to_vec(),
            }))
            .await?
            .into_inner();
        for result in answer.results {
            anyhow::ensure!(
                !result.id.is_empty(),
                "a demo complaint was refused: {}",
                result.message
            );
            let received = chunk[result.index as usize]
                .received_at
                .as_ref()
                .map_or(0, |t| t.seconds);
            pushed.push((result.id, received));
        }
    }
    // The newest few stay open: signed for or not yet dispatched.
    pushed.sort_by_key(|(_, received)| *received);
    let open = pushed.len().min(6);
    let handled = pushed.len() - open;
    let steps: Vec<(String, bool)> = pushed
        .iter()
        .take(handled)
        .enumerate()
        .map(|(i, (id, _))| (id.clone(), i % 10 < 7))
        .collect();
    let results: Vec<anyhow::Result<()>> = stream::iter(steps)
        .map(|(id, visit)| handle(c, t.code, id, visit))
        .buffer_unordered(CONCURRENT)
        .collect()
        .await;
    results.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    for (id, _) in pushed.iter().skip(handled).take(3) {
        dispatch(c, id, 1, t.code).await?;
    }
    Ok(pushed.len())
}

async fn dispatch(c: &Clients, id: &str, version: i64, unit: &str) -> anyhow::Result<i64> {
    let answer = c
        .complaints
        .clone()
        .dispatch_complaint(c.sign(pb::DispatchComplaintRequest {
            id: id.to_owned(),
            version,
            unit: unit.to_owned(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    Ok(answer.version)
}

/// Dispatched to the township, signed for, replied, and (when `visit`) followed up and closed.
async fn handle(c: &Clients, unit: &str, id: String, visit: bool) -> anyhow::Result<()> {
    let mut complaints = c.complaints.clone();
    let version = dispatch(c, &id, 1, unit).await?;
    let version = complaints
        .accept_complaint(c.sign(pb::AcceptComplaintRequest {
            id: id.clone(),
            version,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .version;
    let version = complaints
        .reply_complaint(c.sign(pb::ReplyComplaintRequest {
            id: id.clone(),
            version,
            text: "经核查，已依法处理并答复诉求人。".to_owned(),
            ..Default::default()
        }))
        .await?
        .into_inner()
        .version;
    if visit {
        let satisfaction = if id.as_bytes().last().is_some_and(|b| b % 7 == 0) {
            pb::Satisfaction::BasicallySatisfied
        } else {
            pb::Satisfaction::Satisfied
        };
        let version = complaints
            .follow_up_complaint(c.sign(pb::FollowUpComplaintRequest {
                id: id.clone(),
                version,
                resolved: true,
                satisfaction: satisfaction as i32,
                ..Default::default()
            }))
            .await?
            .into_inner()
            .version;
        complaints
            .close_complaint(c.sign(pb::CloseComplaintRequest {
                id: id.clone(),
                version,
                ..Default::default()
            }))
            .await?;
    }
    Ok(())
}
