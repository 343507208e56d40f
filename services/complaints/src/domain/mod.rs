//! The complaint domain: what a request is, how it is checked on intake, and
//! when its reply is due. No I/O here; storage and transport call in.

mod category;
mod coded;
pub mod delivery;
mod duplicates;
mod escalation;
pub mod figures;
mod handling;
mod intake;
pub mod past;
mod phone;
pub mod replay;
pub mod routing;
mod rules;
mod tracking;
pub mod visibility;
pub(crate) mod workflow;

pub use category::{CATEGORIES, Category, category_by_code};
pub use duplicates::{address_similarity, suggests};
pub use escalation::{
    Lead, case_ended, case_milestone, check_lead, lead_division, milestones_since,
};
pub use handling::{Extension, HandOff, Handling, NoVisit, ReturnReason, Satisfaction, Visit};
pub use intake::{Complainant, Complaint, NewComplaint, ReplyDays, ReplyRules, Ticket, intake};
pub use phone::normalize_phone;
pub use routing::{Route, RoutingList, check_routes, no_route, route};
pub use tracking::{new_tracking_code, normalize_tracking_code};
pub use visibility::{Seen, Viewer, at_desk, visible, visible_as};
pub use workflow::{Step, apply, check_duplicate_target, note, outside_calendar};

use fazhi_platform::coded_enum;

coded_enum! {
    /// Where a request came in (受理渠道).
    Channel {
        Hotline12345 => "hotline_12345",
        /// 投诉信箱
        Mailbox => "mailbox",
        /// 信访大厅
        PetitionHall => "petition_hall",
        /// 群众诉求服务站
        ServiceStation => "service_station",
        Web => "web",
        MobileApp => "mobile_app",
        /// 上级转办
        Referral => "referral",
    }
}

coded_enum! {
    /// What the requester asks for (诉求类型); decides the reply deadline.
    RequestType {
        /// 咨询
        Inquiry => "inquiry",
        /// 求助
        Help => "help",
        /// 建议
        Suggestion => "suggestion",
        /// 投诉
        Complaint => "complaint",
        /// 举报
        Report => "report",
    }
}

coded_enum! {
    /// Where a request stands in its workflow.
    Status {
        /// 受理
        Received => "received",
        /// 派单
        Dispatched => "dispatched",
        /// 签收
        Accepted => "accepted",
        /// 答复
        Replied => "replied",
        /// 回访
        Visited => "visited",
        /// 办结
        Closed => "closed",
        /// 退单
        Returned => "returned",
        /// merged into an earlier request
        Duplicate => "duplicate",
        /// advised to 110/119/120/122, a court, arbitration or 信访
        HandedOff => "handed_off",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_variant() {
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(*channel));
        }
        for kind in RequestType::ALL {
            assert_eq!(RequestType::from_code(kind.code()), Some(*kind));
        }
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(*status));
        }
        assert_eq!(
            Channel::from_code("HOTLINE_12345"),
            None,
            "codes are lower-case"
        );
    }
}
