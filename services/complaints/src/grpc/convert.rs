//! The complaint in the contract's terms, both ways: a new complaint read
//! from its request, and a complaint written out with personal data masked
//! unless revealed.

use fazhi_platform::{Code, Error, privacy, proto_enum::from_proto, time};
use fazhi_proto::complaints::v1 as pb;

use super::workflow;
use crate::domain::{self, Channel, Complaint, NewComplaint, RequestType};

fazhi_platform::proto_enum!(=> channel_proto, Channel, pb::Channel, "CHANNEL_");
fazhi_platform::proto_enum!(=> request_type_proto, RequestType, pb::RequestType, "REQUEST_TYPE_");
fazhi_platform::proto_enum!(=> status_proto, domain::Status, pb::Status, "STATUS_");
fazhi_platform::proto_enum!(
    return_reason,
    return_reason_proto,
    domain::ReturnReason,
    pb::ReturnReason,
    "RETURN_REASON_"
);
fazhi_platform::proto_enum!(
    satisfaction,
    satisfaction_proto,
    domain::Satisfaction,
    pb::Satisfaction,
    "SATISFACTION_"
);
fazhi_platform::proto_enum!(
    no_visit,
    no_visit_proto,
    domain::NoVisit,
    pb::NoVisit,
    "NO_VISIT_"
);
fazhi_platform::proto_enum!(
    hand_off,
    hand_off_proto,
    domain::HandOff,
    pb::HandOffTo,
    "HAND_OFF_TO_"
);

/// A value intake needs: unset or unknown, it is required.
fn required<T: fazhi_platform::proto_enum::Coded>(
    field: &str,
    value: i32,
    prefix: &str,
    name_of: impl Fn(i32) -> Option<&'static str>,
) -> Result<T, Error> {
    from_proto(field, value, prefix, name_of)
        .ok()
        .flatten()
        .ok_or_else(|| Error::invalid_field(field, Code::Required, format!("{field} is required")))
}

pub(super) fn new_complaint(r: pb::CreateComplaintRequest) -> Result<NewComplaint, Error> {
    Ok(NewComplaint {
        channel: required("channel", r.channel, "CHANNEL_", |v| {
            pb::Channel::try_from(v).ok().map(|c| c.as_str_name())
        })?,
        request_type: required("type", r.r#type, "REQUEST_TYPE_", |v| {
            pb::RequestType::try_from(v).ok().map(|t| t.as_str_name())
        })?,
        category: r.category,
        content: r.content,
        address: r.address,
        division_code: r.division_code,
        complainant_name: r.complainant_name,
        complainant_phone: r.complainant_phone,
        urgent: r.urgent,
        concerns_unit: r.concerns_unit,
        concerns_officer: r.concerns_officer,
    })
}

/// A status in the contract's terms.
pub(super) fn status_to_proto(status: domain::Status) -> pb::Status {
    pb::Status::try_from(status_proto(status)).unwrap_or(pb::Status::Unspecified)
}

/// Whether a complainant's name and phone leave the service as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Personal {
    Masked,
    Revealed,
}

/// The complaint as callers see it; personal data masked unless revealed.
pub(super) fn to_proto(c: &Complaint, personal: Personal) -> pb::Complaint {
    let show = |value: &Option<String>, mask: fn(&str) -> String| {
        value
            .as_deref()
            .map(|v| match personal {
                Personal::Masked => mask(v),
                Personal::Revealed => v.to_owned(),
            })
            .unwrap_or_default()
    };
    let complainant =
        (c.complainant.name.is_some() || c.complainant.phone.is_some()).then(|| pb::Complainant {
            name: show(&c.complainant.name, privacy::mask_name),
            phone: show(&c.complainant.phone, privacy::mask_phone),
        });
    pb::Complaint {
        id: c.id.clone(),
        tracking_code: c.tracking_code.clone(),
        channel: channel_proto(c.channel),
        r#type: request_type_proto(c.request_type),
        category: c.category.clone(),
        content: c.content.clone(),
        address: c.address.clone(),
        division_code: c.division_code.to_string(),
        complainant,
        urgent: c.urgent,
        status: status_proto(c.status),
        received_at: Some(time::to_timestamp(c.received_at)),
        reply_due: Some(time::to_timestamp(c.reply_due)),
        feedback_due: c.feedback_due.map(time::to_timestamp),
        handling: Some(workflow::handling_proto(&c.handling)),
        version: c.version,
        source: c
            .ticket
            .as_ref()
            .map(|t| t.source.clone())
            .unwrap_or_default(),
        external_id: c
            .ticket
            .as_ref()
            .map(|t| t.external_id.clone())
            .unwrap_or_default(),
        updated_at: Some(time::to_timestamp(c.updated_at)),
    }
}
