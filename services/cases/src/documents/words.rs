//! The record's values in the words a document uses.

use chrono::{Datelike, NaiveDate};

use crate::domain::{
    Order, OrderKind, Party, PartyKind, Penalty, Record, RecordKind, ServiceMethod,
};

/// 2024年3月11日
pub fn date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// An amount in yuan: 6000元, 6000.50元.
pub fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        format!("{}元", fen / 100)
    } else {
        format!("{}.{:02}元", fen / 100, fen % 100)
    }
}

/// The penalty's kinds, in Art. 9's order.
pub fn penalty(p: &Penalty) -> String {
    let mut parts = Vec::new();
    if p.warning {
        parts.push("警告".to_owned());
    }
    if p.criticism {
        parts.push("通报批评".to_owned());
    }
    if p.fine_fen > 0 {
        parts.push(format!("罚款人民币{}", yuan(p.fine_fen)));
    }
    if p.confiscated_fen > 0 {
        parts.push(format!(
            "没收违法所得、非法财物（价值人民币{}）",
            yuan(p.confiscated_fen)
        ));
    }
    for (given, words) in [
        (p.suspend_licence, "暂扣许可证件"),
        (p.lower_qualification, "降低资质等级"),
        (p.revoke_licence, "吊销许可证件"),
        (p.restrict_business, "限制开展生产经营活动"),
        (p.stop_business, "责令停产停业"),
        (p.close, "责令关闭"),
        (p.restrict_practice, "限制从业"),
    ] {
        if given {
            parts.push(words.to_owned());
        }
    }
    parts.join("；")
}

/// The orders beside a decision, each after a "；".
pub fn orders(orders: &[Order], you: &str) -> String {
    orders
        .iter()
        .map(|o| match (OrderKind::from_code(&o.kind), o.by) {
            (Some(OrderKind::Demolish), Some(by)) => {
                format!("；责令{you}于{}前自行拆除违法建筑物、构筑物", date(by))
            }
            (_, Some(by)) => format!("；责令{you}于{}前改正违法行为", date(by)),
            _ => format!("；责令{you}改正违法行为"),
        })
        .collect()
}

/// The sentence naming the kinds of evidence the case's records hold:
/// 现场照片、视听资料, ….
pub fn evidence(records: &[Record]) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for r in records {
        let words = match r.kind {
            RecordKind::Text => "询问笔录、现场检查笔录",
            RecordKind::Photo => "现场照片",
            RecordKind::Audio => "录音资料",
            RecordKind::Video => "视听资料",
            RecordKind::Document => "书证",
        };
        if !kinds.contains(&words) {
            kinds.push(words);
        }
    }
    if kinds.is_empty() {
        "以上事实有调查取得的证据证实。".to_owned()
    } else {
        format!("以上事实有{}等证据证实。", kinds.join("、"))
    }
}

/// The party as a decision names them (Art. 59(1)).
pub fn party_lines(party: &Party) -> Vec<String> {
    let (name, id) = match party.kind {
        PartyKind::Person => ("当事人", "公民身份号码"),
        PartyKind::Organisation => ("当事人（单位名称）", "统一社会信用代码"),
    };
    vec![
        format!("{name}：{}", party.name),
        format!("{id}：{}", party.id_number),
        format!("住所（地址）：{}", party.address),
    ]
}

pub fn service_method(m: ServiceMethod) -> &'static str {
    match m {
        ServiceMethod::InPerson => "直接送达",
        ServiceMethod::LeftWithWitness => "留置送达",
        ServiceMethod::Post => "邮寄送达",
        ServiceMethod::PublicNotice => "公告送达",
        ServiceMethod::Electronic => "电子送达",
    }
}
