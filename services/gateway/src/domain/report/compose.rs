//! The annual rule-of-law government report (法治政府建设情况的报告) written
//! from records, in the structure townships use: leadership, measures and
//! results, shortcomings, next year's plan. Every number is a figure with
//! its source; the narrative is left as marked placeholders.

use std::collections::BTreeSet;

use fazhi_identity::store::{NamedDivision, RegisterEntry};
use fazhi_platform::division::DivisionLevel;

use super::model::{Report, Span, t};
use crate::domain::figures::{CaseFigures, ComplaintFigures, TrainingStats};

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
pub(super) fn change(now: i64, before: Option<i64>) -> String {
    match before {
        Some(b) if now > b => format!("，较上年增加{}", now - b),
        Some(b) if now < b => format!("，较上年减少{}", b - now),
        Some(_) => "，与上年持平".to_owned(),
        None => String::new(),
    }
}

pub(super) struct Writer<'a> {
    pub(super) report: Report,
    pub(super) inputs: &'a Inputs,
}

impl Writer<'_> {
    pub(super) fn summary(&self, field: &str) -> String {
        format!(
            "GET /api/v1/oversight/summary?division={}&year={} → {field}",
            self.inputs.division.code, self.inputs.year
        )
    }

    pub(super) fn register(&self, register: &str, what: &str) -> String {
        format!(
            "GET /api/v1/registers/{register}?division={} → {what}",
            self.inputs.division.code
        )
    }

    /// A count from the summary, with last year's where there is one.
    pub(super) fn count(
        &mut self,
        label: &str,
        field: &str,
        pick: impl Fn(&Year) -> i64,
    ) -> (Span, i64) {
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

    pub(super) fn rate(
        &mut self,
        label: &str,
        field: &str,
        pick: impl Fn(&Year) -> String,
    ) -> Span {
        let now = pick(&self.inputs.this);
        let before = self.inputs.last.as_ref().map(&pick);
        let source = self.summary(field);
        self.report.figure(label, now, before, source)
    }

    pub(super) fn plain(&mut self, label: &str, value: impl ToString, source: String) -> Span {
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
    super::sections::enforcement(&mut w);
    super::sections::outreach(&mut w);
    super::sections::complaints_and_exams(&mut w);
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
