//! The report's sections on enforcement, outreach, complaints and exams:
//! the figures the township report words, with the year before where it
//! compares.

use std::collections::{BTreeMap, BTreeSet};

use fazhi_platform::complaint_category;

use super::compose::{Writer, Year, change};
use super::model::{percent, share, t};

pub(super) fn enforcement(w: &mut Writer<'_>) {
    let year = w.inputs.year;
    w.report.heading(2, "（五）坚持严格规范公正文明执法");
    let (holders, _) = w.count(
        "通过考试申领执法证（人）",
        "training.certificate_holders",
        |y| y.training.certificate_holders,
    );
    let (section, _) = w.count(
        "科级以上持证（人）",
        "training.certificate_holders_section_level",
        |y| y.training.certificate_holders_section_level,
    );
    let rate = w.rate(
        "执法人员持证率",
        "training.certification_rate",
        |y| percent(y.training.certification_rate),
    );
    let before = w
        .inputs
        .last
        .as_ref()
        .map(|l| l.training.certification_rate);
    let now = w.inputs.this.training.certification_rate;
    let trend = match before {
        Some(b) if now > b + 1e-9 => "，较去年进一步提高",
        Some(b) if now + 1e-9 < b => "，较去年有所下降",
        Some(_) => "，与去年持平",
        None => "",
    };
    let (takers, _) = w.count(
        "年审考试参加（人）",
        "training.annual_review_takers",
        |y| y.training.annual_review_takers,
    );
    let (passed, _) = w.count(
        "年审考试通过（人）",
        "training.annual_review_passed",
        |y| y.training.annual_review_passed,
    );
    let spans = vec![
        t(
            "严格落实执法人员考试、发证、持证上岗制度，坚持“执法必持证、持证必培训、培训必考试”。目前通过考试申领执法证",
        ),
        holders,
        t("人，其中"),
        section,
        t("名科级以上公务员持执法证，执法人员持证率"),
        rate,
        t(format!("{trend}。{year}年度执法证年审考试参加")),
        takers,
        t("人，通过"),
        passed,
        t("人。"),
    ];
    w.report.paragraph(spans);
    let this = &w.inputs.this.cases;
    let (review_required, reviewed) = (this.review_required, this.reviewed);
    let (discussion_required, discussed) = (this.discussion_required, this.discussed);
    let (recording_required, recorded) = (this.recording_required, this.recorded);
    let (published, published_on_time) = (this.published, this.published_on_time);
    let (filed, _) = w.count("立案（件）", "cases.filed", |y| y.cases.filed);
    let (decided_span, _) = w.count("作出决定（件）", "cases.decided", |y| {
        y.cases.decided
    });
    let (penalty_span, _) = w.count(
        "作出行政处罚决定（件）",
        "cases.penalty_decisions",
        |y| y.cases.penalty_decisions,
    );
    let (on_time, _) = w.count(
        "按期作出决定（件）",
        "cases.decided_on_time",
        |y| y.cases.decided_on_time,
    );
    let review = w.rate(
        "法制审核覆盖率",
        "cases.reviewed ÷ cases.review_required",
        |y| share(y.cases.reviewed, y.cases.review_required),
    );
    let discussion = w.rate(
        "集体讨论覆盖率",
        "cases.discussed ÷ cases.discussion_required",
        |y| share(y.cases.discussed, y.cases.discussion_required),
    );
    let recording = w.rate(
        "全过程记录覆盖率",
        "cases.recorded ÷ cases.recording_required",
        |y| share(y.cases.recorded, y.cases.recording_required),
    );
    let publicity = w.rate(
        "按时公示率",
        "cases.published_on_time ÷ cases.published",
        |y| share(y.cases.published_on_time, y.cases.published),
    );
    let spans = vec![
        t(format!("{year}年立案")),
        filed,
        t("件，作出决定"),
        decided_span,
        t("件（其中行政处罚决定"),
        penalty_span,
        t("件），按期作出决定"),
        on_time,
        t(format!(
            "件。落实行政执法“三项制度”：应当法制审核的{review_required}件中已审核{reviewed}件，覆盖率"
        )),
        review,
        t(format!(
            "；依法应当集体讨论的{discussion_required}件中经集体讨论{discussed}件，覆盖率"
        )),
        discussion,
        t(format!(
            "；应当全过程记录的{recording_required}件中已记录{recorded}件，覆盖率"
        )),
        recording,
        t(format!(
            "；公示处罚决定{published}件，其中{published_on_time}件在七个工作日内公示，按时公示率"
        )),
        publicity,
        t("。"),
    ];
    w.report.paragraph(spans);
}

pub(super) fn outreach(w: &mut Writer<'_>) {
    w.report.heading(2, "（六）全面提高法治思维和依法行政能力");
    let (events, e) = w.count(
        "普法宣传活动（次）",
        "training.outreach_events",
        |y| y.training.outreach_events,
    );
    let (materials, _) = w.count(
        "派发宣传资料（份）",
        "training.outreach_materials",
        |y| y.training.outreach_materials,
    );
    let (people, _) = w.count(
        "受教育群众（人次）",
        "training.outreach_people_reached",
        |y| y.training.outreach_people_reached,
    );
    let before = w.inputs.last.as_ref().map(|l| l.training.outreach_events);
    let spans = vec![
        t("加强群众普法宣传教育，开展送法进校园、送法下乡等活动。全年共开展普法宣传活动"),
        events,
        t(format!("次{}，派发宣传资料", change(e, before))),
        materials,
        t("份，受教育群众"),
        people,
        t("人次。"),
    ];
    w.report.paragraph(spans);
    let end = format!("{:04}-12-31", w.inputs.year);
    let names: BTreeMap<&str, &str> = w
        .inputs
        .under
        .iter()
        .map(|d| (d.code.as_str(), d.name.as_str()))
        .collect();
    let honours: Vec<String> = w
        .inputs
        .honours
        .iter()
        .filter(|e| e.dated <= end)
        .map(|e| {
            let village = names
                .get(e.division_code.as_str())
                .copied()
                .unwrap_or(e.division_code.as_str());
            format!("{village}（{}）", e.title)
        })
        .collect();
    let source = w.register(
        "demonstration-villages",
        &format!("至{}年末的条数", w.inputs.year),
    );
    let count = w.plain("民主法治示范村（个）", honours.len(), source);
    let mut spans = vec![
        t("民主法治示范村创建：至年末共有民主法治示范村"),
        count,
        t("个"),
    ];
    if !honours.is_empty() {
        spans.push(t(format!("：{}", honours.join("、"))));
    }
    spans.push(t("。"));
    w.report.paragraph(spans);
}

pub(super) fn complaints_and_exams(w: &mut Writer<'_>) {
    let year = w.inputs.year;
    w.report
        .heading(2, "（七）提高依法行政水平，加强法治教育培训");
    let (received, r) = w.count("受理投诉（宗）", "complaints.received", |y| {
        y.complaints.received
    });
    let before = w.inputs.last.as_ref().map(|l| l.complaints.received);
    let mut categories: Vec<(&String, &i64)> =
        w.inputs.this.complaints.by_category.iter().collect();
    categories.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut concern = Vec::new();
    for (code, n) in categories.into_iter().take(4) {
        let name = complaint_category::category_by_code(code).map_or(code.as_str(), |c| c.name);
        let field = format!("complaints.by_category.{code}");
        let source = w.summary(&field);
        let span = w.plain(&format!("投诉内容：{name}（宗）"), n, source);
        concern.push((name.to_owned(), span));
    }
    let (replied, _) = w.count("已答复（宗）", "complaints.replied", |y| {
        y.complaints.replied
    });
    let on_time = w.rate("按时办结率", "complaints.on_time_rate", |y| {
        y.complaints.on_time_rate.map_or("—".to_owned(), percent)
    });
    let satisfaction = w.rate("满意率", "complaints.satisfaction_rate", |y| {
        y.complaints
            .satisfaction_rate
            .map_or("—".to_owned(), percent)
    });
    let mut spans = vec![
        t(
            "建立健全行政执法投诉举报制度，通过投诉信箱、信访大厅、群众诉求服务站、12345热线等渠道受理投诉。",
        ),
        t(format!("{year}年共受理投诉")),
        received,
        t(format!("宗{}", change(r, before))),
    ];
    if !concern.is_empty() {
        spans.push(t("（内容涉及"));
        let last = concern.len() - 1;
        for (i, (name, span)) in concern.into_iter().enumerate() {
            spans.push(t(name));
            spans.push(span);
            spans.push(t(if i == last { "宗等）" } else { "宗、" }));
        }
    }
    spans.extend([
        t("，已答复"),
        replied,
        t("宗，按时办结率"),
        on_time,
        t("，回访满意率"),
        satisfaction,
        t("，确保行政执法投诉和监督渠道畅通。"),
    ]);
    w.report.paragraph(spans);
    let exam = |y: &Year| {
        y.training
            .exams
            .iter()
            .find(|e| e.kind == "law_study")
            .cloned()
    };
    let (registered, sat) = exam(&w.inputs.this).map_or((0, 0), |e| (e.registered, e.sat));
    let participation = w.rate(
        "学法考试参考率",
        "training.exams[law_study].participation_rate",
        |y| exam(y).map_or("—".to_owned(), |e| share(e.sat, e.registered)),
    );
    let excellent = w.rate(
        "学法考试优秀率",
        "training.exams[law_study].excellent_rate",
        |y| exam(y).map_or("—".to_owned(), |e| share(e.excellent, e.sat)),
    );
    let spans = vec![
        t(format!(
            "积极落实学法考试常态化：{year}年应参加学法考试{registered}人，实际参考{sat}人，参考率"
        )),
        participation,
        t("，优秀率"),
        excellent,
        t("。"),
    ];
    w.report.paragraph(spans);
    let end = format!("{year:04}-12-31");
    let advised: BTreeSet<&str> = w
        .inputs
        .advisers
        .iter()
        .filter(|e| e.dated <= end)
        .map(|e| e.division_code.as_str())
        .collect();
    let source = w.register(
        "legal-advisers",
        &format!("至{year}年末聘有法律顾问的村（社区）数"),
    );
    let count = w.plain("聘请法律顾问的村（社区）（个）", advised.len(), source);
    w.report.paragraph(vec![
        t("推进一村（社区）一法律顾问：至年末"),
        count,
        t("个村（社区）聘请了法律顾问。"),
    ]);
}
