//! The oversight summary as a table: the same columns, in the same order,
//! for every line of every answer — whatever a period held, and whichever
//! service answered — each with the heading a county's spreadsheet uses.

/// How a column's cell is written when its figure is absent from a line
/// whose service answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// A count that is nothing this period: 0.
    Zero,
    /// A rate without a denominator: left empty.
    Empty,
}

/// One column: its key (the figure's path in the JSON summary), its
/// Chinese heading, and what an absent figure is written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub key: String,
    pub heading: String,
    pub absent: Absent,
}

fn col(key: &str, heading: &str, absent: Absent) -> Column {
    Column {
        key: key.to_owned(),
        heading: heading.to_owned(),
        absent,
    }
}

const CHANNELS: [(&str, &str); 7] = [
    ("hotline_12345", "12345热线"),
    ("mailbox", "投诉信箱"),
    ("petition_hall", "信访大厅"),
    ("service_station", "群众诉求服务站"),
    ("web", "网上"),
    ("mobile_app", "移动端"),
    ("referral", "上级转办"),
];

const TYPES: [(&str, &str); 5] = [
    ("inquiry", "咨询"),
    ("help", "求助"),
    ("suggestion", "建议"),
    ("complaint", "投诉"),
    ("report", "举报"),
];

const COMPLAINTS: [(&str, &str, Absent); 32] = [
    ("received", "诉求受理数", Absent::Zero),
    ("urgent", "紧急诉求数", Absent::Zero),
    ("dispatched", "派单数", Absent::Zero),
    ("accepted_on_time", "按时签收数", Absent::Zero),
    ("due", "应办结数", Absent::Zero),
    ("replied_on_time", "按时办结数", Absent::Zero),
    ("replied_late", "逾期答复数", Absent::Zero),
    ("overdue", "超期数", Absent::Zero),
    ("replied", "已答复数", Absent::Zero),
    ("visited", "回访数", Absent::Zero),
    ("resolved", "已解决数", Absent::Zero),
    ("satisfied", "满意数", Absent::Zero),
    ("basically_satisfied", "基本满意数", Absent::Zero),
    ("unsatisfied", "不满意数", Absent::Zero),
    ("closed", "办结数", Absent::Zero),
    ("returned", "退单数", Absent::Zero),
    ("reopened", "重办数", Absent::Zero),
    ("duplicates", "重复件数", Absent::Zero),
    ("handed_off", "转其他途径数", Absent::Zero),
    ("extended", "延期数", Absent::Zero),
    ("supervised", "督办数", Absent::Zero),
    ("escalated", "转执法数", Absent::Zero),
    ("withdrawn", "撤单数", Absent::Zero),
    ("reassigned", "改派数", Absent::Zero),
    ("closed_without_follow_up", "未回访办结数", Absent::Zero),
    ("returned_to_county", "退回县直部门数", Absent::Zero),
    ("response_rate", "响应率", Absent::Empty),
    ("on_time_rate", "按时办结率", Absent::Empty),
    ("resolution_rate", "解决率", Absent::Empty),
    ("satisfaction_rate", "满意率", Absent::Empty),
    ("follow_up_rate", "回访率", Absent::Empty),
    ("repeat_rate", "重复率", Absent::Empty),
];

const CASES: [(&str, &str); 26] = [
    ("total", "案件线索数"),
    ("filed", "立案数"),
    ("decided", "作出决定数"),
    ("decided_on_time", "按期决定数"),
    ("penalty_decisions", "作出行政处罚决定数"),
    ("no_penalty_decisions", "不予处罚决定数"),
    ("dismissed", "违法事实不成立数"),
    ("transferred", "移送数"),
    ("simple_decisions", "当场处罚数"),
    ("closed", "结案数"),
    ("review_required", "应法制审核数"),
    ("reviewed", "法制审核数"),
    ("discussion_required", "应集体讨论数"),
    ("discussed", "集体讨论数"),
    ("recording_required", "应全过程记录数"),
    ("recorded", "全过程记录数"),
    ("published", "公示数"),
    ("published_on_time", "按时公示数"),
    ("avg_days_to_filing", "平均立案天数"),
    ("avg_days_to_decision", "平均决定天数"),
    ("fines_imposed_fen", "罚没决定金额（分）"),
    ("fines_collected_fen", "罚没收缴金额（分）"),
    ("late_charges_fen", "加处罚款金额（分）"),
    ("certification_refusals", "无证执法拦截数"),
    ("not_filed", "不予立案数"),
    ("terminated", "终止数"),
];

const TRAINING: [(&str, &str, Absent); 14] = [
    ("people", "人员数", Absent::Zero),
    ("enforcement_staff", "执法岗位人数", Absent::Zero),
    ("certificate_holders", "持证人数", Absent::Zero),
    (
        "certificate_holders_section_level",
        "科级以上持证人数",
        Absent::Zero,
    ),
    (
        "certificate_holders_suspended",
        "暂扣执法证人数",
        Absent::Zero,
    ),
    (
        "certificate_holders_in_good_standing",
        "正常持证人数",
        Absent::Zero,
    ),
    ("certification_rate", "持证率", Absent::Empty),
    ("annual_review_takers", "年审参加人数", Absent::Zero),
    ("annual_review_passed", "年审通过人数", Absent::Zero),
    ("training_hours_per_person", "人均培训学时", Absent::Zero),
    ("training_requirement_met_rate", "学时达标率", Absent::Empty),
    ("outreach_events", "普法活动次数", Absent::Zero),
    ("outreach_materials", "普法资料份数", Absent::Zero),
    ("outreach_people_reached", "普法受众人次", Absent::Zero),
];

/// Every column of the table, in order: the division and its name, then
/// the complaint figures (channels, types and categories each in full),
/// the case figures and the training figures.
pub fn columns(categories: &[(&str, &str)]) -> Vec<Column> {
    let mut all = vec![
        col("division_code", "行政区划代码", Absent::Empty),
        col("name", "名称", Absent::Empty),
    ];
    let (received, rest) = COMPLAINTS.split_at(2);
    for (key, heading, absent) in received {
        all.push(col(&format!("complaints.{key}"), heading, *absent));
    }
    for (code, name) in CHANNELS {
        all.push(col(
            &format!("complaints.by_channel.{code}"),
            &format!("{name}受理数"),
            Absent::Zero,
        ));
    }
    for (code, name) in TYPES {
        all.push(col(
            &format!("complaints.by_type.{code}"),
            &format!("{name}类诉求数"),
            Absent::Zero,
        ));
    }
    for (code, name) in categories {
        all.push(col(
            &format!("complaints.by_category.{code}"),
            &format!("{name}类诉求数"),
            Absent::Zero,
        ));
    }
    for (key, heading, absent) in rest {
        all.push(col(&format!("complaints.{key}"), heading, *absent));
    }
    for (key, heading) in CASES {
        all.push(col(&format!("cases.{key}"), heading, Absent::Zero));
    }
    for (key, heading, absent) in TRAINING {
        all.push(col(&format!("training.{key}"), heading, absent));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_named_once_and_headed() {
        let columns = columns(&[("illegal_construction", "违法建设"), ("other", "其他")]);
        let mut keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
        let count = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), count, "no column twice");
        assert!(columns.iter().all(|c| !c.heading.is_empty()));
        assert_eq!(columns[0].key, "division_code");
        assert!(keys.contains(&"complaints.by_category.other"));
        assert_eq!(count, 2 + COMPLAINTS.len() + 7 + 5 + 2 + CASES.len() + 14);
    }
}
