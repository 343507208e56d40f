//! The demo's complaints: a year and more pushed by the county 12345
//! platform with their received times and due dates, then handled through
//! the workflow as a township enters its past: each step with the time it
//! happened (`occurred_at`), so the figures are those of a real year; what
//! has not happened by now is left open.

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
    // Each handled at the times a township's year would have it; what
    // has not happened by now is left open.
    let results: Vec<anyhow::Result<()>> = stream::iter(pushed.into_iter().enumerate())
        .map(|(n, (id, received))| {
            let received = chrono::DateTime::from_timestamp(received, 0).unwrap_or(now);
            handle(c, t.code, id, received, n as u64, now)
        })
        .buffer_unordered(CONCURRENT)
        .collect()
        .await;
    results.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    Ok(count)
}

/// A number from `n` and `salt`, spread evenly enough for a demo.
fn spread(n: u64, salt: u64) -> u64 {
    let mut x = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 29)
}

/// The steps of one complaint, each at the time it happened.
struct Steps<'a> {
    c: &'a Clients,
    id: String,
    version: i64,
    now: chrono::DateTime<Utc>,
}

impl Steps<'_> {
    /// Whether a step at `at` has happened by now (else the complaint
    /// waits there).
    fn happened(&self, at: chrono::DateTime<Utc>) -> bool {
        at < self.now - Duration::minutes(1)
    }
}

macro_rules! take {
    ($steps:expr, $at:expr, $rpc:ident, $request:ident { $($field:ident: $value:expr),* $(,)? }) => {{
        let mut request = pb::$request::default();
        request.id = $steps.id.clone();
        request.version = $steps.version;
        request.occurred_at = Some(time::to_timestamp($at));
        $(request.$field = $value;)*
        let answer = $steps
            .c
            .complaints
            .clone()
            .$rpc($steps.c.sign(request))
            .await?
            .into_inner();
        $steps.version = answer.version;
    }};
}

/// Dispatched, signed for, replied, followed up and closed at the times a
/// township's year would have them — most within their limits, some not,
/// a few visits unsatisfied and answered again — up to now.
async fn handle(
    c: &Clients,
    unit: &str,
    id: String,
    received: chrono::DateTime<Utc>,
    n: u64,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut s = Steps {
        c,
        id,
        version: 1,
        now,
    };
    let minutes = |salt: u64, from: u64, to: u64| {
        Duration::minutes((from + spread(n, salt) % (to - from)) as i64)
    };
    let dispatched = received + minutes(1, 20, 180);
    if !s.happened(dispatched) {
        return Ok(());
    }
    take!(
        s,
        dispatched,
        dispatch_complaint,
        DispatchComplaintRequest {
            unit: unit.to_owned()
        }
    );
    // One in twelve signed for after the limit.
    let accepted = if spread(n, 2).is_multiple_of(12) {
        dispatched + Duration::days(2) + minutes(3, 0, 240)
    } else {
        dispatched + minutes(3, 10, 20 * 60)
    };
    if !s.happened(accepted) {
        return Ok(());
    }
    take!(s, accepted, accept_complaint, AcceptComplaintRequest {});
    // Replied within the 15 days, one in ten after them.
    let replied = if spread(n, 4).is_multiple_of(10) {
        received + Duration::days(16) + minutes(5, 0, 8 * 24 * 60)
    } else {
        accepted + minutes(5, 60, 12 * 24 * 60)
    };
    if !s.happened(replied) {
        return Ok(());
    }
    take!(
        s,
        replied,
        reply_complaint,
        ReplyComplaintRequest {
            text: "经核查，已依法处理并答复诉求人。".to_owned()
        }
    );
    // Seven in ten followed up; one in twelve of those unsatisfied, half of
    // them answered again and satisfied.
    if spread(n, 6) % 10 >= 7 {
        return Ok(());
    }
    let mut visited = replied + minutes(7, 60, 2 * 24 * 60);
    if !s.happened(visited) {
        return Ok(());
    }
    // One in twenty-four stays unsatisfied: visited, not closed, waiting.
    if spread(n, 8) % 24 == 12 {
        take!(
            s,
            visited,
            follow_up_complaint,
            FollowUpComplaintRequest {
                resolved: false,
                satisfaction: pb::Satisfaction::Unsatisfied as i32,
            }
        );
        return Ok(());
    }
    if spread(n, 8).is_multiple_of(24) {
        take!(
            s,
            visited,
            follow_up_complaint,
            FollowUpComplaintRequest {
                resolved: false,
                satisfaction: pb::Satisfaction::Unsatisfied as i32,
            }
        );
        let reopened = visited + Duration::hours(2);
        let again = reopened + minutes(9, 24 * 60, 5 * 24 * 60);
        visited = again + minutes(10, 60, 2 * 24 * 60);
        if !s.happened(visited) {
            return Ok(());
        }
        take!(
            s,
            reopened,
            reopen_complaint,
            ReopenComplaintRequest {
                note: "诉求人仍不满意".to_owned()
            }
        );
        take!(
            s,
            again,
            reply_complaint,
            ReplyComplaintRequest {
                text: "已再次核查并处理到位。".to_owned()
            }
        );
    }
    let satisfaction = if spread(n, 11).is_multiple_of(7) {
        pb::Satisfaction::BasicallySatisfied
    } else {
        pb::Satisfaction::Satisfied
    };
    take!(
        s,
        visited,
        follow_up_complaint,
        FollowUpComplaintRequest {
            resolved: !spread(n, 12).is_multiple_of(9),
            satisfaction: satisfaction as i32,
        }
    );
    let closed = visited + Duration::hours(1);
    if s.happened(closed) {
        take!(s, closed, close_complaint, CloseComplaintRequest {});
    }
    Ok(())
}
