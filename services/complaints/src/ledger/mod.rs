//! A township's ledger or a 12345 platform's export (工单台账), read row by
//! row: each row one request with the dated steps it went through, every
//! problem named against its row and column. No I/O; the rows are built
//! into complaints by the workflow's own rules (`grpc::import`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use fazhi_platform::{DivisionCode, time};
pub use fazhi_sheet::rows::{Columns, RowProblem, cell, check_header, flag, problem};

use crate::domain::{NewComplaint, NoVisit, ReturnReason, Step};

mod labels;

/// The ledger's columns, in order: key and the heading the platforms print.
pub const COLUMNS: Columns = &[
    ("external_id", "工单编号"),
    ("source", "来源"),
    ("received_at", "受理时间"),
    ("channel", "渠道"),
    ("request_type", "类型"),
    ("category", "分类"),
    ("content", "诉求内容"),
    ("address", "地址"),
    ("division_code", "区划代码"),
    ("complainant_name", "诉求人"),
    ("complainant_phone", "电话"),
    ("dispatched_at", "派单时间"),
    ("unit", "承办单位"),
    ("accepted_at", "签收时间"),
    ("returned_at", "退单时间"),
    ("return_reason", "退单原因"),
    ("extended_at", "延期批准时间"),
    ("extension_days", "延期天数"),
    ("replied_at", "答复时间"),
    ("reply", "答复内容"),
    ("visited_at", "回访时间"),
    ("resolved", "是否解决"),
    ("satisfaction", "满意度"),
    ("closed_at", "办结时间"),
    ("duplicate_of", "重复件原工单编号"),
];

/// The column index of `key`.
fn at(key: &str) -> usize {
    COLUMNS
        .iter()
        .position(|(k, _)| *k == key)
        .unwrap_or(usize::MAX)
}

/// One step the row says happened, with its time and note.
#[derive(Debug, Clone)]
pub struct Dated {
    pub step: Step,
    pub at: DateTime<Utc>,
    pub note: String,
    /// The column the step's time came from, for the problem naming it.
    pub field: &'static str,
}

/// One row of the ledger, read.
#[derive(Debug, Clone)]
pub struct Entry {
    /// 1-based row in the file.
    pub row: usize,
    pub source: String,
    pub external_id: String,
    pub received_at: DateTime<Utc>,
    pub new: NewComplaint,
    /// Its steps in the order they happened.
    pub steps: Vec<Dated>,
    /// The 工单编号 (same source) of the request it repeats.
    pub duplicate_of: Option<String>,
}

/// A time as ledgers write it, China time: `2025-03-02 09:15[:00]`,
/// `2025/3/2 9:15`, a bare day (its first instant), or RFC 3339.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let text = text.replace('/', "-").replace('T', " ");
    let naive = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    time::china()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The rows of a ledger (the header first, already checked) read into
/// entries, and every problem found.
pub fn read(rows: &[(usize, Vec<String>)]) -> (Vec<Entry>, Vec<RowProblem>) {
    let mut entries = Vec::with_capacity(rows.len().saturating_sub(1));
    let mut problems = Vec::new();
    for (row, cells) in rows.iter().skip(1) {
        match entry(*row, cells) {
            Ok(entry) => entries.push(entry),
            Err(mut found) => problems.append(&mut found),
        }
    }
    (entries, problems)
}

fn entry(row: usize, cells: &[String]) -> Result<Entry, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let text = |key: &str| cell(cells, at(key));
    let required = |key: &'static str, problems: &mut Vec<RowProblem>| {
        let value = text(key);
        if value.is_empty() {
            problems.push(problem(row, key, "is required"));
        }
        value.to_owned()
    };
    let external_id = required("external_id", &mut problems);
    let source = required("source", &mut problems);
    let when = |key: &'static str, problems: &mut Vec<RowProblem>| {
        let value = text(key);
        if value.is_empty() {
            return None;
        }
        let parsed = parse_time(value);
        if parsed.is_none() {
            problems.push(problem(
                row,
                key,
                format!("{value:?} is not a time like 2025-03-02 09:15"),
            ));
        }
        parsed
    };
    let received_at = when("received_at", &mut problems);
    if text("received_at").is_empty() {
        problems.push(problem(row, "received_at", "is required"));
    }
    let channel = labels::channel(text("channel"));
    if channel.is_none() {
        problems.push(problem(
            row,
            "channel",
            format!("{:?} is not a channel (12345热线, 投诉信箱, 信访大厅, 群众诉求服务站, 网站, 移动端, 上级转办)", text("channel")),
        ));
    }
    let request_type = labels::request_type(text("request_type"));
    if request_type.is_none() {
        problems.push(problem(
            row,
            "request_type",
            format!(
                "{:?} is not a type (咨询, 求助, 建议, 投诉, 举报)",
                text("request_type")
            ),
        ));
    }
    let category = labels::category(text("category"));
    if category.is_none() {
        problems.push(problem(
            row,
            "category",
            format!(
                "{:?} is not a category (GET /api/v1/complaint-categories)",
                text("category")
            ),
        ));
    }
    let optional = |key: &str| Some(text(key).to_owned()).filter(|v| !v.is_empty());

    let mut steps = Vec::new();
    let dispatched_at = when("dispatched_at", &mut problems);
    let unit = match text("unit") {
        "" => None,
        code => match DivisionCode::parse(code) {
            Ok(unit) => Some(unit),
            Err(why) => {
                problems.push(problem(row, "unit", format!("{code:?} {why}")));
                None
            }
        },
    };
    let returned_at = when("returned_at", &mut problems);
    let accepted_at = when("accepted_at", &mut problems);
    if let Some(at) = dispatched_at {
        match &unit {
            Some(unit) => steps.push(dated(
                Step::Dispatch {
                    unit: unit.clone(),
                    routing_version: None,
                },
                at,
                "",
                "dispatched_at",
            )),
            None if text("unit").is_empty() => problems.push(problem(
                row,
                "unit",
                "a dispatch names its unit's division code",
            )),
            None => {}
        }
    }
    if let Some(at) = returned_at {
        let reason_text = text("return_reason");
        match labels::return_reason(reason_text) {
            Some(reason) => {
                steps.push(dated(Step::Return { reason }, at, reason_text, "returned_at"));
                // Signed for after the return: dispatched again when the
                // return was decided.
                if let (Some(unit), Some(accepted)) = (&unit, accepted_at)
                    && accepted >= at
                    && reason != ReturnReason::CountyDepartment
                {
                    steps.push(dated(Step::Dispatch { unit: unit.clone(), routing_version: None }, at, "", "returned_at"));
                }
            }
            None => problems.push(problem(
                row,
                "return_reason",
                format!("{reason_text:?} is not a reason (非本单位职责, 属县级部门职责, 不属本辖区, 诉求不清)"),
            )),
        }
    }
    if let Some(at) = accepted_at {
        steps.push(dated(Step::Accept, at, "", "accepted_at"));
    }
    if let Some(at) = when("extended_at", &mut problems) {
        match text("extension_days").parse::<u32>() {
            Ok(days) if days > 0 => {
                steps.push(dated(
                    Step::RequestExtension { working_days: days },
                    at,
                    "",
                    "extended_at",
                ));
                steps.push(dated(
                    Step::DecideExtension { approved: true },
                    at,
                    "",
                    "extended_at",
                ));
            }
            _ => problems.push(problem(
                row,
                "extension_days",
                "an approved extension names its days (1 or more)",
            )),
        }
    }
    if let Some(at) = when("replied_at", &mut problems) {
        let text = text("reply").to_owned();
        if text.is_empty() {
            problems.push(problem(row, "reply", "a reply gives its text"));
        }
        steps.push(dated(Step::Reply { text }, at, "", "replied_at"));
    }
    let visited_at = when("visited_at", &mut problems);
    let satisfaction = text("satisfaction");
    let mut without_visit = None;
    match (
        visited_at,
        labels::satisfaction(satisfaction),
        labels::no_visit(satisfaction),
    ) {
        (Some(at), Some(satisfaction), _) => match flag(text("resolved")) {
            Some(resolved) => steps.push(dated(
                Step::FollowUp {
                    resolved,
                    satisfaction,
                },
                at,
                "",
                "visited_at",
            )),
            None => problems.push(problem(row, "resolved", "must be 是 or 否")),
        },
        (Some(_), None, _) => problems.push(problem(
            row,
            "satisfaction",
            "a follow-up rates the handling: 满意, 基本满意 or 不满意",
        )),
        (None, Some(_), _) => problems.push(problem(
            row,
            "satisfaction",
            "a satisfaction needs its follow-up (回访时间)",
        )),
        (None, None, Some(why)) => without_visit = Some(why),
        (None, None, None) if satisfaction.is_empty() => {}
        (None, None, None) => problems.push(problem(
            row,
            "satisfaction",
            format!("{satisfaction:?} is not 满意, 基本满意, 不满意, 匿名, 联系不上 or 拒绝回访"),
        )),
    }
    if let Some(at) = when("closed_at", &mut problems) {
        let note = match without_visit {
            Some(NoVisit::Unreachable) => "台账记载：回访联系不上".to_owned(),
            _ => String::new(),
        };
        steps.push(dated(Step::Close { without_visit }, at, &note, "closed_at"));
    } else if without_visit.is_some() {
        problems.push(problem(
            row,
            "closed_at",
            "closing without a follow-up gives its time (办结时间)",
        ));
    }
    let duplicate_of = optional("duplicate_of");
    if duplicate_of.is_some() {
        for key in ["replied_at", "visited_at", "closed_at"] {
            if !text(key).is_empty() {
                problems.push(problem(row, key, "a merged duplicate is answered with its original's reply and follow-up: leave it empty"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (Some(received_at), Some(channel), Some(request_type), Some(category)) =
        (received_at, channel, request_type, category)
    else {
        return Err(vec![problem(row, "header", "unreadable row")]);
    };
    Ok(Entry {
        row,
        source,
        external_id,
        received_at,
        new: NewComplaint {
            channel,
            request_type,
            category: category.to_owned(),
            content: text("content").to_owned(),
            address: text("address").to_owned(),
            division_code: text("division_code").to_owned(),
            complainant_name: optional("complainant_name"),
            complainant_phone: optional("complainant_phone"),
            urgent: false,
            concerns_unit: None,
            concerns_officer: None,
        },
        steps,
        duplicate_of,
    })
}

fn dated(step: Step, at: DateTime<Utc>, note: &str, field: &'static str) -> Dated {
    Dated {
        step,
        at,
        note: note.to_owned(),
        field,
    }
}

#[cfg(test)]
mod tests;
