//! The words ledgers use for the coded values, and the codes themselves.

use fazhi_platform::complaint_category::CATEGORIES;

use crate::domain::{Channel, NoVisit, RequestType, ReturnReason, Satisfaction};

pub fn channel(text: &str) -> Option<Channel> {
    Channel::from_code(text).or(match text {
        "12345" | "12345热线" | "热线" | "12345政务服务便民热线" => {
            Some(Channel::Hotline12345)
        }
        "投诉信箱" | "信箱" => Some(Channel::Mailbox),
        "信访大厅" | "信访" | "来访" => Some(Channel::PetitionHall),
        "群众诉求服务站" | "诉求服务站" => Some(Channel::ServiceStation),
        "网站" | "网上" | "门户网站" => Some(Channel::Web),
        "移动端" | "手机" | "App" | "APP" | "小程序" => Some(Channel::MobileApp),
        "上级转办" | "转办" => Some(Channel::Referral),
        _ => None,
    })
}

pub fn request_type(text: &str) -> Option<RequestType> {
    RequestType::from_code(text).or(match text {
        "咨询" => Some(RequestType::Inquiry),
        "求助" => Some(RequestType::Help),
        "建议" => Some(RequestType::Suggestion),
        "投诉" => Some(RequestType::Complaint),
        "举报" => Some(RequestType::Report),
        _ => None,
    })
}

/// A category's code, given by code or by its name (违法建设).
pub fn category(text: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|c| c.code == text || c.name == text)
        .map(|c| c.code)
}

pub fn return_reason(text: &str) -> Option<ReturnReason> {
    ReturnReason::from_code(text).or(match text {
        "非本单位职责" | "派错单位" | "不属本单位" => Some(ReturnReason::WrongUnit),
        "属县级部门职责" | "县直部门职责" | "属县级部门" => {
            Some(ReturnReason::CountyDepartment)
        }
        "不属本辖区" | "非本辖区" => Some(ReturnReason::OutsideArea),
        "诉求不清" | "信息不全" => Some(ReturnReason::Incomplete),
        _ => None,
    })
}

pub fn satisfaction(text: &str) -> Option<Satisfaction> {
    Satisfaction::from_code(text).or(match text {
        "满意" | "非常满意" => Some(Satisfaction::Satisfied),
        "基本满意" => Some(Satisfaction::BasicallySatisfied),
        "不满意" => Some(Satisfaction::Unsatisfied),
        _ => None,
    })
}

/// Why the requester was not visited, written where the rating would be.
pub fn no_visit(text: &str) -> Option<NoVisit> {
    match text {
        "匿名" | "anonymous" => Some(NoVisit::Anonymous),
        "联系不上" | "无法联系" | "unreachable" => Some(NoVisit::Unreachable),
        "拒绝回访" | "拒访" | "declined" => Some(NoVisit::Declined),
        _ => None,
    }
}
