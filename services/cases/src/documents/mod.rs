//! The documents a township serves on the party, written from the case's
//! record: the 行政处罚事先告知书 (行政处罚法 Arts. 44–45, 63–64), the
//! 行政处罚决定书 or 不予行政处罚决定书 with every content Art. 59 asks for,
//! and the 送达回证 (Art. 61). Each is a [`Document`] — its text, built here
//! without I/O — written out as .docx by [`docx`].

mod docx;
mod words;

pub use docx::docx;

use chrono::NaiveDate;
use fazhi_platform::{Code, Error, ErrorKind};

use crate::domain::Decision;
use crate::domain::{Case, DecisionKind, PartyKind, PowerItem, Record, ServiceMethod, WaiverKind};
use words::{date, evidence, orders, party_lines, penalty};

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Notice,
    Decision,
    ServiceReceipt,
}

/// A document's text: its heading, number, body and the rows of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The agency as it heads the page (老城镇人民政府).
    pub agency: String,
    /// 行政处罚决定书, …
    pub title: String,
    /// Its number (文号), when it has one.
    pub number: String,
    /// Lines before the body, flush left (the party).
    pub heading: Vec<String>,
    /// Paragraphs, each indented two characters.
    pub body: Vec<String>,
    /// A form's rows (label, value), for the 送达回证.
    pub rows: Vec<(String, String)>,
    /// The agency and the day at the foot, flush right.
    pub signature: Vec<String>,
}

/// What a document is written from.
pub struct Source<'a> {
    pub case: &'a Case,
    /// The power item the case cites: its name and legal basis.
    pub item: &'a PowerItem,
    pub records: &'a [Record],
    /// The agency in whose name it goes out (老城镇人民政府).
    pub agency: &'a str,
    /// Where 行政复议 is applied for (沈丘县人民政府).
    pub appeal_to: &'a str,
}

fn not_yet(what: &str) -> Error {
    Error::new(
        ErrorKind::FailedPrecondition,
        Code::InvalidTransition,
        format!("the case has no {what} to write the document from"),
    )
}

/// The document of `kind` as the record stands.
pub fn write(kind: DocumentKind, s: &Source<'_>) -> Result<Document, Error> {
    match kind {
        DocumentKind::Notice => notice(s),
        DocumentKind::Decision => decision(s),
        DocumentKind::ServiceReceipt => receipt(s),
    }
}

fn decided(case: &Case) -> Result<&Decision, Error> {
    case.proceedings
        .decision
        .as_ref()
        .ok_or_else(|| not_yet("decision"))
}

fn you(case: &Case) -> &'static str {
    match case.party.kind {
        PartyKind::Person => "你",
        PartyKind::Organisation => "你单位",
    }
}

fn basis(item: &PowerItem) -> &str {
    &item.legal_basis
}

/// 行政处罚事先告知书: the facts, the basis, the penalty proposed and the
/// party's rights with their last days.
fn notice(s: &Source<'_>) -> Result<Document, Error> {
    let case = s.case;
    let notice = case
        .proceedings
        .notice
        .as_ref()
        .ok_or_else(|| not_yet("notice"))?;
    let you = you(case);
    let filed = case.filed_on.ok_or_else(|| not_yet("filing"))?;
    let mut body = vec![
        format!(
            "本机关于{}对{}涉嫌{}一案立案调查。经查：{}。",
            date(filed),
            you,
            s.item
                .name
                .trim_start_matches('对')
                .trim_end_matches("的行政处罚"),
            case.facts.trim_end_matches('。')
        ),
        evidence(s.records),
        format!(
            "{you}的上述行为违反了{}的规定。依据{}的规定，本机关拟对{you}作出如下行政处罚：{}。",
            basis(s.item),
            basis(s.item),
            penalty(&notice.penalty)
        ),
        format!(
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，{you}有权进行陈述和申辩。请于{}前向本机关提出，逾期未提出的，视为放弃此权利。",
            date(notice.statement_due)
        ),
    ];
    if let Some(due) = notice.hearing_due {
        body.push(format!(
            "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，{you}有权要求举行听证。请于{}前向本机关提出，逾期未提出的，视为放弃此权利。",
            date(due)
        ));
    }
    Ok(Document {
        agency: s.agency.to_owned(),
        title: "行政处罚事先告知书".into(),
        number: case.proceedings.case_number.clone(),
        heading: vec![format!("{}：", case.party.name)],
        body,
        rows: Vec::new(),
        signature: vec![s.agency.to_owned(), date(notice.on)],
    })
}

/// How the party was heard before the decision.
fn heard(case: &Case) -> Option<String> {
    let p = &case.proceedings;
    let notice = p.notice.as_ref()?;
    let you = you(case);
    let mut text = format!(
        "本机关于{}向{you}送达了《行政处罚事先告知书》",
        date(notice.on)
    );
    text.push_str(&match p.defence_on {
        Some(on) => format!("，{you}于{}提出了陈述、申辩，本机关已予复核", date(on)),
        None => format!("，{you}在规定期限内未提出陈述、申辩"),
    });
    if notice.hearing_due.is_some() {
        text.push_str(&match (&p.hearing, &p.hearing_waiver) {
            (_, Some(w)) => match WaiverKind::from_code(&w.how) {
                Some(WaiverKind::NoShow) => {
                    format!("，{}无正当理由未参加听证，视为放弃听证", date(w.on))
                }
                Some(WaiverKind::Withdrawn) => format!("，并于{}撤回听证申请", date(w.on)),
                _ => format!("，并于{}书面放弃听证", date(w.on)),
            },
            (Some(h), None) => match h.held_on {
                Some(on) => format!("，本机关于{}依法举行了听证", date(on)),
                None => "，并要求举行听证".to_owned(),
            },
            (None, None) => "，未要求举行听证".to_owned(),
        });
    }
    text.push('。');
    Some(text)
}

/// 行政处罚决定书 (Art. 59) or 不予行政处罚决定书.
fn decision(s: &Source<'_>) -> Result<Document, Error> {
    let case = s.case;
    let d = decided(case)?;
    let kind = DecisionKind::from_code(&d.kind).ok_or_else(|| not_yet("decision"))?;
    let you = you(case);
    let mut body = vec![format!("经查：{}。", case.facts.trim_end_matches('。'))];
    body.push(evidence(s.records));
    body.extend(heard(case));
    let title = match kind {
        DecisionKind::Penalty => {
            let mut decided = format!(
                "{you}的上述行为违反了{}的规定。依据{}的规定，本机关决定：{}",
                basis(s.item),
                basis(s.item),
                penalty(&d.penalty)
            );
            decided.push_str(&orders(&d.orders, you));
            decided.push('。');
            body.push(decided);
            if d.penalty.fine_fen > 0 {
                body.push(format!(
                    "{you}应当自收到本决定书之日起十五日内，将罚款缴至指定银行或者通过电子支付系统缴纳。到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额（《中华人民共和国行政处罚法》第七十二条）。确有经济困难需要延期或者分期缴纳的，可以向本机关提出申请（第六十六条）。"
                ));
            }
            "行政处罚决定书"
        }
        DecisionKind::Dismissed => {
            body.push(
                "经调查，违法事实不能成立。依据《中华人民共和国行政处罚法》第五十七条第一款第（三）项的规定，本机关决定不予行政处罚。"
                    .into(),
            );
            "不予行政处罚决定书"
        }
        DecisionKind::FirstViolation => {
            let corrected = case.proceedings.corrected_on.map(date).unwrap_or_default();
            body.push(format!(
                "{you}的上述行为系初次违法且危害后果轻微，并于{corrected}及时改正。依据《中华人民共和国行政处罚法》第三十三条第一款的规定，本机关决定不予行政处罚{}。",
                orders(&d.orders, you)
            ));
            "不予行政处罚决定书"
        }
        DecisionKind::NoPenalty => {
            body.push(format!(
                "{you}的上述行为违法情节轻微，依法可以不予行政处罚。依据《中华人民共和国行政处罚法》第五十七条第一款第（二）项的规定，本机关决定不予行政处罚{}。",
                orders(&d.orders, you)
            ));
            "不予行政处罚决定书"
        }
        DecisionKind::Transferred => {
            return Err(Error::new(
                ErrorKind::FailedPrecondition,
                Code::InvalidTransition,
                "a case transferred goes out with its 移送书, not a decision to the party",
            ));
        }
    };
    body.push(format!(
        "如不服本决定，{you}可以自收到本决定书之日起六十日内向{}申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。行政复议或者行政诉讼期间，本决定不停止执行，法律另有规定的除外。",
        s.appeal_to
    ));
    if kind == DecisionKind::Penalty {
        body.push(format!(
            "{you}逾期不申请行政复议、不提起行政诉讼，又不履行本决定的，本机关将依法强制执行或者申请人民法院强制执行。"
        ));
    }
    Ok(Document {
        agency: s.agency.to_owned(),
        title: title.into(),
        number: d.number.clone(),
        heading: party_lines(&case.party),
        body,
        rows: Vec::new(),
        signature: vec![s.agency.to_owned(), date(d.on)],
    })
}

/// 送达回证: the decision served, on whom, where, how and when; the
/// signatures are written by hand.
fn receipt(s: &Source<'_>) -> Result<Document, Error> {
    let case = s.case;
    let d = decided(case)?;
    let title = match DecisionKind::from_code(&d.kind) {
        Some(DecisionKind::Penalty) => "行政处罚决定书",
        Some(DecisionKind::Transferred) | None => return Err(not_yet("decision to serve")),
        _ => "不予行政处罚决定书",
    };
    let service = case.proceedings.service.as_ref();
    let method = service.and_then(|x| ServiceMethod::from_code(&x.method));
    let blank = || "　".repeat(6);
    let on: Option<NaiveDate> = service.map(|x| x.on);
    let note = match method {
        Some(ServiceMethod::PublicNotice) => "公告送达，自公告之日起经过三十日，即视为送达。",
        Some(ServiceMethod::Post) => "邮寄送达，以回执上注明的收件日期为送达日期。",
        Some(ServiceMethod::LeftWithWitness) => {
            "受送达人拒绝签收，已邀请见证人到场，说明情况并留置送达，全过程已录像。"
        }
        Some(ServiceMethod::Electronic) => "经受送达人书面同意，电子送达。",
        _ => "",
    };
    let rows = vec![
        (
            "送达文书名称".to_owned(),
            format!("{title}（{}）", d.number),
        ),
        ("案号".to_owned(), case.proceedings.case_number.clone()),
        ("受送达人".to_owned(), case.party.name.clone()),
        ("送达地点".to_owned(), case.party.address.clone()),
        (
            "送达方式".to_owned(),
            method
                .map(words::service_method)
                .unwrap_or_default()
                .to_owned(),
        ),
        ("送达日期".to_owned(), on.map(date).unwrap_or_else(blank)),
        ("送达人（签名）".to_owned(), blank()),
        (
            "受送达人（签名）".to_owned(),
            format!("{}年　月　日", blank()),
        ),
        ("见证人（签名）".to_owned(), blank()),
        ("备注".to_owned(), note.to_owned()),
    ];
    Ok(Document {
        agency: s.agency.to_owned(),
        title: "送达回证".into(),
        number: String::new(),
        heading: Vec::new(),
        body: Vec::new(),
        rows,
        signature: vec![s.agency.to_owned()],
    })
}

/// The document as plain text, line by line: what the .docx says, for
/// reading and for the snapshot tests.
pub fn text(doc: &Document) -> String {
    let mut out = format!("{}\n{}\n", doc.agency, doc.title);
    if !doc.number.is_empty() {
        out.push_str(&format!("{}\n", doc.number));
    }
    out.push('\n');
    for line in &doc.heading {
        out.push_str(&format!("{line}\n"));
    }
    for paragraph in &doc.body {
        out.push_str(&format!("　　{paragraph}\n"));
    }
    for (label, value) in &doc.rows {
        out.push_str(&format!("{label}｜{value}\n"));
    }
    out.push('\n');
    for line in &doc.signature {
        out.push_str(&format!("{line:>30}\n"));
    }
    out
}

#[cfg(test)]
mod tests;
