//! Each workflow step's request read into the step it asks for, the
//! permission it needs and whether it needs a note.

use fazhi_platform::{DivisionCode, Error, auth::Permission, proto_enum::given, time};
use fazhi_proto::complaints::v1 as pb;

use super::super::convert;
use crate::domain::{self, Step};

/// One workflow step as its RPC asks for it: the complaint at the version
/// read, a note, the step (none: a dispatch by the routing list), the
/// permission it needs and whether it needs a note.
pub(in crate::grpc) struct Asked {
    pub(super) id: String,
    pub(super) version: i64,
    pub(super) note: String,
    pub(super) step: Option<Step>,
    pub(super) permission: Permission,
    pub(super) note_required: bool,
    /// When it happened, for a step entered after the fact.
    pub(super) occurred_at: Option<time::Timestamp>,
}

impl Asked {
    fn new(
        id: String,
        version: i64,
        note: String,
        occurred_at: Option<time::Timestamp>,
        step: Step,
        permission: Permission,
    ) -> Self {
        Self {
            id,
            version,
            note,
            step: Some(step),
            permission,
            note_required: false,
            occurred_at,
        }
    }

    fn with_note(mut self) -> Self {
        self.note_required = true;
        self
    }
}

use Permission::{
    ComplaintDispatch as DESK, ComplaintHandle as HANDLE, ComplaintSupervise as COUNTY,
};

pub(in crate::grpc) fn dispatch(r: pb::DispatchComplaintRequest) -> Result<Asked, Error> {
    // No unit: the routing list names it, once the complaint is read.
    let step = if r.unit.trim().is_empty() {
        None
    } else {
        Some(Step::Dispatch {
            unit: DivisionCode::parse_field("dispatch.unit", &r.unit)?,
            routing_version: None,
        })
    };
    Ok(Asked {
        id: r.id,
        version: r.version,
        note: r.note,
        step,
        permission: DESK,
        note_required: false,
        occurred_at: r.occurred_at,
    })
}

pub(in crate::grpc) fn accept(r: pb::AcceptComplaintRequest) -> Result<Asked, Error> {
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        Step::Accept,
        HANDLE,
    ))
}

pub(in crate::grpc) fn return_to_desk(r: pb::ReturnComplaintRequest) -> Result<Asked, Error> {
    let reason = given(
        "return.reason",
        convert::return_reason("return.reason", r.reason)?,
    )?;
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        Step::Return { reason },
        HANDLE,
    ))
}

pub(in crate::grpc) fn request_extension(
    r: pb::RequestComplaintExtensionRequest,
) -> Result<Asked, Error> {
    let step = Step::RequestExtension {
        working_days: u32::try_from(r.working_days).unwrap_or(0),
    };
    Ok(Asked::new(r.id, r.version, r.note, r.occurred_at, step, HANDLE).with_note())
}

pub(in crate::grpc) fn decide_extension(
    r: pb::DecideComplaintExtensionRequest,
) -> Result<Asked, Error> {
    let step = Step::DecideExtension {
        approved: r.approved,
    };
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        step,
        COUNTY,
    ))
}

pub(in crate::grpc) fn reply(r: pb::ReplyComplaintRequest) -> Result<Asked, Error> {
    let step = Step::Reply {
        text: domain::note("reply.text", &r.text, true)?,
    };
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        step,
        HANDLE,
    ))
}

pub(in crate::grpc) fn follow_up(r: pb::FollowUpComplaintRequest) -> Result<Asked, Error> {
    let satisfaction = given(
        "follow_up.satisfaction",
        convert::satisfaction("follow_up.satisfaction", r.satisfaction)?,
    )?;
    let step = Step::FollowUp {
        resolved: r.resolved,
        satisfaction,
    };
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        step,
        DESK,
    ))
}

pub(in crate::grpc) fn close(r: pb::CloseComplaintRequest) -> Result<Asked, Error> {
    let without_visit = convert::no_visit("without_follow_up", r.without_follow_up)?;
    let asked = Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        Step::Close { without_visit },
        DESK,
    );
    // Unreachable: the tries made are named in the note.
    Ok(if without_visit == Some(domain::NoVisit::Unreachable) {
        asked.with_note()
    } else {
        asked
    })
}

pub(in crate::grpc) fn reopen(r: pb::ReopenComplaintRequest) -> Result<Asked, Error> {
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        Step::Reopen,
        DESK,
    ))
}

pub(in crate::grpc) fn mark_duplicate(
    r: pb::MarkComplaintDuplicateRequest,
) -> Result<Asked, Error> {
    let step = Step::MarkDuplicate {
        of: r.of.trim().to_owned(),
    };
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        step,
        DESK,
    ))
}

pub(in crate::grpc) fn hand_off(r: pb::HandOffComplaintRequest) -> Result<Asked, Error> {
    let to = given("hand_off.to", convert::hand_off("hand_off.to", r.to)?)?;
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        Step::HandOff { to },
        DESK,
    )
    .with_note())
}

pub(in crate::grpc) fn supervise(r: pb::SuperviseComplaintRequest) -> Result<Asked, Error> {
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        Step::Supervise,
        COUNTY,
    ))
}

pub(in crate::grpc) fn escalate(r: pb::EscalateComplaintRequest) -> Result<Asked, Error> {
    let act_on = time::date_from_proto("escalate.act_on", r.act_on.as_ref())?;
    let step = Step::Escalate {
        lead: domain::Lead {
            party_kind: match pb::PartyKind::try_from(r.party_kind) {
                Ok(pb::PartyKind::Person) => "person".to_owned(),
                Ok(pb::PartyKind::Organisation) => "organisation".to_owned(),
                _ => String::new(),
            },
            party_name: r.party_name,
            party_id_number: r.party_id_number,
            act_on,
            continuing: r.continuing,
            facts: String::new(),
        },
    };
    Ok(Asked::new(
        r.id,
        r.version,
        r.note,
        r.occurred_at,
        step,
        DESK,
    ))
}
