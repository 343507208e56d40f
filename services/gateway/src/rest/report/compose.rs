//! The annual rule-of-law government report (法治政府建设情况的报告) written
//! from records, in the structure townships use: leadership, measures and
//! results, shortcomings, next year's plan. Every number is a figure with
//! its source; the narrative is left as marked placeholders.

use std::collections::{BTreeMap, BTreeSet};

use fazhi_identity::store::{NamedDivision, RegisterEntry};
use fazhi_platform::{complaint_category, division::DivisionLevel};

use super::model::{Report, Span, percent, share, t};
use crate::rest::oversight::{CaseFigures, ComplaintFigures};
use crate::rest::training::body::TrainingStats;

/// The figures of one year, every service answering.
pub struct Year {
    pub complaints: ComplaintFigures,
    pub cases: CaseFigures,
    pub training: TrainingStats,
}

/// What the report is written from.
pub struct Inputs {
    pub division: NamedDivision,
    pub year: i32,
    pub this: Year,
    /// The year before, when every service answered for it.
    pub last: Option<Year>,
    /// Registered divisions under the division (itself excluded), by code.
    pub under: Vec<NamedDivision>,
    pub documents: Vec<RegisterEntry>,
    pub plans: Vec<RegisterEntry>,
    pub advisers: Vec<RegisterEntry>,
    pub honours: Vec<RegisterEntry>,
}

/// "较上年增加 3" and the like, or nothing without the year before.
fn change(now: i64, before: Option<i64>) -> String {
    match before {
        Some(b) if now > b => format!("，较上年增加{}", now - b),
        Some(b) if now < b => format!("，较上年减少{}", b - now),
        Some(_) => "，与上年持平".to_owned(),
        None => String::new(),
    }
}

struct Writer<'a> {
    report: Report,
    inputs: &'a Inputs,
}

impl Writer<'_> {
    fn summary(&self, field: &str) -> String {
        format!(
            "GET /api/v1/oversight/summary?division={}&year={} → {field}",
            self.inputs.division.code, self.inputs.year
        )
    }

    fn register(&self, register: &str, what: &str) -> String {
        format!(
            "GET /api/v1/registers/{register}?division={} → {what}",
            self.inputs.division.code
        )
    }

    /// A count from the summary, with last year's where there is one.
    fn count(&mut self, label: &str, field: &str, pick: impl Fn(&Year) -> i64) -> (Span, i64) {
        let now = pick(&self.inputs.this);
        let before = self.inputs.last.as_ref().map(&pick);
        let source = self.summary(field);
        let span = self.report.figure(
            label,
            now.to_string(),
            before.map(|b| b.to_string()),
            source,
        );
        (span, now)
    }

    fn rate(&mut self, label: &str, field: &str, pick: impl Fn(&Year) -> String) -> Span {
        let now = pick(&self.inputs.this);
        let before = self.inputs.last.as_ref().map(&pick);
        let source = self.summary(field);
        self.report.figure(label, now, before, source)
    }

    fn plain(&mut self, label: &str, value: impl ToString, source: String) -> Span {
        self.report.figure(label, value.to_string(), None, source)
    }
}

/// The report for `inputs`.
pub fn compose(inputs: &Inputs) -> Report {
    let name = &inputs.division.name;
    let year = inputs.year;
    let mut w = Writer {
        report: Report::new(
            format!("{name}人民政府关于{year}年度法治政府建设情况的报告"),
            "【报送机关】：".to_owned(),
        ),
        inputs,
    };
    w.report.placeholder(format!(
        "【总述：{year}年贯彻落实上级决策部署、推进法治政府建设的总体情况，由本单位填写】"
    ));
    w.report.heading(
        1,
        "一、落实党政主要负责人履行推进法治建设第一责任人职责，将法治建设摆在突出位置",
    );
    w.report.placeholder(
        "【领导小组设立、第一责任人履职、班子会议研究部署法治建设等情况，由本单位填写】",
    );
    w.report
        .heading(1, "二、推进法治政府建设工作的主要措施和成效");
    w.report.heading(2, "（一）学习贯彻习近平法治思想");
    w.report
        .placeholder("【理论中心组学习、班子成员学法等情况，由本单位填写】");
    w.report
        .heading(2, "（二）完善政府机构职能体系，以更好地发挥政府作用");
    w.report
        .placeholder("【职能配置、职能转变等情况，由本单位填写】");
    normative_documents(&mut w);
    emergency_plans(&mut w);
    enforcement(&mut w);
    outreach(&mut w);
    complaints_and_exams(&mut w);
    w.report.heading(2, "（八）持续优化法治化营商环境");
    w.report
        .placeholder("【简政放权、规范执法、惠企政策等情况，由本单位填写】");
    w.report.heading(1, "三、存在不足");
    w.report
        .placeholder("【本年度法治政府建设存在的不足，由本单位填写】");
    w.report
        .heading(1, format!("四、{}年法治政府建设主要思路和计划", year + 1));
    w.report
        .placeholder("【下一年度的工作思路和计划，由本单位填写】");
    w.report.signature = vec![format!("{name}人民政府"), "【成文日期】".to_owned()];
    w.report
}

fn in_year(day: &str, year: i32) -> bool {
    day.starts_with(&format!("{year:04}-"))
}

fn normative_documents(w: &mut Writer<'_>) {
    let year = w.inputs.year;
    let docs: Vec<&RegisterEntry> = w
        .inputs
        .documents
        .iter()
        .filter(|e| in_year(&e.dated, year))
        .collect();
    let issued = docs.len();
    let filed = docs.iter().filter(|e| e.filed_on.is_some()).count();
    let reviewed = docs.iter().filter(|e| e.reviewed_on.is_some()).count();
    let corrected = docs.iter().filter(|e| e.corrected_on.is_some()).count();
    w.report.heading(
        2,
        "（三）健全依法行政制度体系，加快推进政府治理规范化、程序化、法治化",
    );
    let source = |what: &str| w.register("normative-documents", &format!("{what}（{year}年印发）"));
    let (s1, s2, s3, s4) = (
        source("条数"),
        source("有报备日期的条数"),
        source("有审查日期的条数"),
        source("有纠正日期的条数"),
    );
    let spans = vec![
        t("严格遵守“有件必备、有备必审、有错必纠”的原则，明确专人负责文件审核工作。"),
        t(format!("{year}年共制定行政规范性文件")),
        w.plain("制定行政规范性文件（件）", issued, s1),
        t("件，报送备案"),
        w.plain("报送备案（件）", filed, s2),
        t("件，经审查"),
        w.plain("经审查（件）", reviewed, s3),
        t("件，对审查发现问题的文件及时纠正"),
        w.plain("纠正（件）", corrected, s4),
        t("件。"),
    ];
    w.report.paragraph(spans);
}

fn emergency_plans(w: &mut Writer<'_>) {
    let year = w.inputs.year;
    let end = format!("{year:04}-12-31");
    let own = &w.inputs.division.code;
    let township: Vec<&RegisterEntry> = w
        .inputs
        .plans
        .iter()
        .filter(|e| &e.division_code == own && in_year(&e.dated, year))
        .collect();
    let general = township
        .iter()
        .filter(|e| e.kind.as_deref() == Some("general"))
        .count();
    let special = township.len() - general;
    let villages: BTreeSet<&str> = w
        .inputs
        .under
        .iter()
        .filter(|d| d.code.level() == DivisionLevel::Village)
        .map(|d| d.code.as_str())
        .collect();
    let planned: BTreeSet<&str> = w
        .inputs
        .plans
        .iter()
        .filter(|e| e.division_code.level() == DivisionLevel::Village && e.dated <= end)
        .map(|e| e.division_code.as_str())
        .collect();
    w.report
        .heading(2, "（四）健全突发事件应对体系，依法预防和处置重大突发事件");
    let s1 = w.register(
        "emergency-plans",
        &format!("本级总体预案条数（{year}年制定或修订）"),
    );
    let s2 = w.register(
        "emergency-plans",
        &format!("本级专项预案条数（{year}年制定或修订）"),
    );
    let s3 = w.register(
        "emergency-plans",
        &format!("至{year}年末有预案的村（社区）数"),
    );
    let s4 = format!(
        "GET /api/v1/divisions?under={} → 村（社区）数",
        w.inputs.division.code
    );
    let spans = vec![
        t(format!("{year}年制定或修订突发事件总体应急预案")),
        w.plain("本级总体应急预案（件）", general, s1),
        t("件、专项应急预案"),
        w.plain("本级专项应急预案（件）", special, s2),
        t("件；督促"),
        w.plain("制定应急预案的村（社区）（个）", planned.len(), s3),
        t("个行政村、居委会制定应急预案（登记在册的村、社区共"),
        w.plain("登记的村（社区）（个）", villages.len(), s4),
        t("个），提高突发事件应对的法治化、规范化水平。"),
    ];
    w.report.paragraph(spans);
}

fn enforcement(w: &mut Writer<'_>) {
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
    let (decided, recorded) = (this.decided, this.recorded);
    let (published, published_on_time) = (this.published, this.published_on_time);
    let (filed, _) = w.count("立案（件）", "cases.filed", |y| y.cases.filed);
    let (decided_span, _) = w.count("作出处罚决定（件）", "cases.decided", |y| {
        y.cases.decided
    });
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
        "cases.recorded ÷ cases.decided",
        |y| share(y.cases.recorded, y.cases.decided),
    );
    let publicity = w.rate(
        "按时公示率",
        "cases.published_on_time ÷ cases.published",
        |y| share(y.cases.published_on_time, y.cases.published),
    );
    let spans = vec![
        t(format!("{year}年立案")),
        filed,
        t("件，作出行政处罚决定"),
        decided_span,
        t("件，其中按期作出决定"),
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
            "；作出决定的{decided}件中全过程记录{recorded}件，覆盖率"
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

fn outreach(w: &mut Writer<'_>) {
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

fn complaints_and_exams(w: &mut Writer<'_>) {
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
