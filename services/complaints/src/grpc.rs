//! gRPC adapter: proto ↔ domain, and store calls. No rules live here.

use std::sync::Arc;

use fazhi_calendar::Calendar;
use fazhi_platform::{DivisionCode, Error, paging, privacy, time};
use fazhi_proto::{
    common::v1::TimeRange,
    complaints::v1::{self as pb, complaint_service_server::ComplaintService},
};
use tonic::{Request, Response, Status};

use crate::{
    domain::{self, Channel, Complaint, NewComplaint, ReplyRules, RequestType},
    store::{Cursor, Filter, Store},
};

/// Longest id worth looking up; ours are 36-character UUIDs.
const MAX_ID_LEN: usize = 64;

pub struct ComplaintsApi {
    store: Store,
    calendar: Arc<Calendar>,
    rules: ReplyRules,
}

impl ComplaintsApi {
    pub fn new(store: Store, calendar: Arc<Calendar>, rules: ReplyRules) -> Self {
        Self {
            store,
            calendar,
            rules,
        }
    }
}

#[tonic::async_trait]
impl ComplaintService for ComplaintsApi {
    async fn create_complaint(
        &self,
        request: Request<pb::CreateComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let r = request.into_inner();
        let new = NewComplaint {
            channel: channel_from_proto(r.channel)?,
            request_type: request_type_from_proto(r.r#type)?,
            category: r.category,
            content: r.content,
            address: r.address,
            division_code: r.division_code,
            complainant_name: r.complainant_name,
            complainant_phone: r.complainant_phone,
            urgent: r.urgent,
        };
        let complaint = domain::intake(
            new,
            time::now(),
            &self.calendar,
            &self.rules,
            uuid::Uuid::now_v7().to_string(),
            domain::new_tracking_code(),
        )?;
        self.store.insert(complaint.clone()).await?;
        tracing::info!(
            complaint_id = %complaint.id,
            channel = %complaint.channel,
            division = %complaint.division_code,
            "complaint received"
        );
        Ok(Response::new(to_proto(&complaint)))
    }

    async fn get_complaint(
        &self,
        request: Request<pb::GetComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let id = request.into_inner().id;
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(Error::not_found("complaint").into());
        }
        match self.store.get(&id).await? {
            Some(complaint) => Ok(Response::new(to_proto(&complaint))),
            None => Err(Error::not_found("complaint").into()),
        }
    }

    async fn list_complaints(
        &self,
        request: Request<pb::ListComplaintsRequest>,
    ) -> Result<Response<pb::ListComplaintsResponse>, Status> {
        let r = request.into_inner();
        let limit = paging::page_size(r.page_size)?;
        let filter = filter(&r.division_code, r.received.as_ref(), "received")?;
        let after = match paging::decode_token(&r.page_token, 2)? {
            Some(parts) => Some(Cursor {
                received_at: parts[0].parse().map_err(|_| paging::invalid_token())?,
                id: parts[1].clone(),
            }),
            None => None,
        };
        // One extra row tells whether another page follows.
        let mut complaints = self.store.list(&filter, after.as_ref(), limit + 1).await?;
        let next_page_token = if complaints.len() as i64 > limit {
            complaints.truncate(limit as usize);
            complaints
                .last()
                .map(|last| {
                    paging::encode_token(&[
                        &time::to_micros(last.received_at).to_string(),
                        &last.id,
                    ])
                })
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListComplaintsResponse {
            complaints: complaints.iter().map(to_proto).collect(),
            next_page_token,
        }))
    }

    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::ComplaintStats>, Status> {
        let r = request.into_inner();
        let filter = filter(&r.division_code, r.period.as_ref(), "period")?;
        let counts = self.store.counts(&filter).await?;
        let pairs = |rows: Vec<(String, i64)>| {
            rows.into_iter()
                .map(|(key, count)| pb::CountByKey { key, count })
                .collect()
        };
        Ok(Response::new(pb::ComplaintStats {
            received: counts.received,
            urgent: counts.urgent,
            by_channel: pairs(counts.by_channel),
            by_category: pairs(counts.by_category),
            by_status: pairs(counts.by_status),
        }))
    }
}

fn filter(division: &str, range: Option<&TimeRange>, field: &str) -> Result<Filter, Error> {
    let period = time::period_from_proto(range, field)?;
    Ok(Filter {
        division: DivisionCode::parse_optional_field("division_code", division)?,
        received_from: period.start,
        received_to: period.end,
    })
}

fn channel_from_proto(value: i32) -> Result<Channel, Error> {
    let channel = match pb::Channel::try_from(value) {
        Ok(pb::Channel::Hotline12345) => Channel::Hotline12345,
        Ok(pb::Channel::Mailbox) => Channel::Mailbox,
        Ok(pb::Channel::PetitionHall) => Channel::PetitionHall,
        Ok(pb::Channel::ServiceStation) => Channel::ServiceStation,
        Ok(pb::Channel::Web) => Channel::Web,
        Ok(pb::Channel::MobileApp) => Channel::MobileApp,
        Ok(pb::Channel::Referral) => Channel::Referral,
        Ok(pb::Channel::Unspecified) | Err(_) => {
            return Err(Error::invalid_field(
                "channel",
                "required",
                "channel is required",
            ));
        }
    };
    Ok(channel)
}

fn channel_to_proto(channel: Channel) -> pb::Channel {
    match channel {
        Channel::Hotline12345 => pb::Channel::Hotline12345,
        Channel::Mailbox => pb::Channel::Mailbox,
        Channel::PetitionHall => pb::Channel::PetitionHall,
        Channel::ServiceStation => pb::Channel::ServiceStation,
        Channel::Web => pb::Channel::Web,
        Channel::MobileApp => pb::Channel::MobileApp,
        Channel::Referral => pb::Channel::Referral,
    }
}

fn request_type_from_proto(value: i32) -> Result<RequestType, Error> {
    let request_type = match pb::RequestType::try_from(value) {
        Ok(pb::RequestType::Inquiry) => RequestType::Inquiry,
        Ok(pb::RequestType::Help) => RequestType::Help,
        Ok(pb::RequestType::Suggestion) => RequestType::Suggestion,
        Ok(pb::RequestType::Complaint) => RequestType::Complaint,
        Ok(pb::RequestType::Report) => RequestType::Report,
        Ok(pb::RequestType::Unspecified) | Err(_) => {
            return Err(Error::invalid_field("type", "required", "type is required"));
        }
    };
    Ok(request_type)
}

fn request_type_to_proto(request_type: RequestType) -> pb::RequestType {
    match request_type {
        RequestType::Inquiry => pb::RequestType::Inquiry,
        RequestType::Help => pb::RequestType::Help,
        RequestType::Suggestion => pb::RequestType::Suggestion,
        RequestType::Complaint => pb::RequestType::Complaint,
        RequestType::Report => pb::RequestType::Report,
    }
}

fn status_to_proto(status: domain::Status) -> pb::Status {
    use domain::Status as S;
    match status {
        S::Received => pb::Status::Received,
        S::Dispatched => pb::Status::Dispatched,
        S::Accepted => pb::Status::Accepted,
        S::Replied => pb::Status::Replied,
        S::Visited => pb::Status::Visited,
        S::Closed => pb::Status::Closed,
        S::Returned => pb::Status::Returned,
        S::Duplicate => pb::Status::Duplicate,
        S::HandedOff => pb::Status::HandedOff,
    }
}

/// The complaint as callers see it. Personal data is masked: no caller role
/// yet needs the full name or number.
fn to_proto(c: &Complaint) -> pb::Complaint {
    let complainant =
        (c.complainant.name.is_some() || c.complainant.phone.is_some()).then(|| pb::Complainant {
            name: c
                .complainant
                .name
                .as_deref()
                .map(privacy::mask_name)
                .unwrap_or_default(),
            phone: c
                .complainant
                .phone
                .as_deref()
                .map(privacy::mask_phone)
                .unwrap_or_default(),
        });
    pb::Complaint {
        id: c.id.clone(),
        tracking_code: c.tracking_code.clone(),
        channel: channel_to_proto(c.channel) as i32,
        r#type: request_type_to_proto(c.request_type) as i32,
        category: c.category.clone(),
        content: c.content.clone(),
        address: c.address.clone(),
        division_code: c.division_code.to_string(),
        complainant,
        urgent: c.urgent,
        status: status_to_proto(c.status) as i32,
        received_at: Some(time::to_timestamp(c.received_at)),
        reply_due: Some(time::to_timestamp(c.reply_due)),
        feedback_due: c.feedback_due.map(time::to_timestamp),
        version: c.version,
    }
}
