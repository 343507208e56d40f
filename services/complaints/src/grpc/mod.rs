//! gRPC adapter: proto ↔ domain, and store calls. No rules live here.

use fazhi_platform::Code;
use std::sync::Arc;

use fazhi_calendar::Calendar;
use fazhi_platform::{
    DivisionCode, Error,
    auth::{self, Permission, Role},
    paging, privacy, time,
};
use fazhi_proto::complaints::v1::{self as pb, complaint_service_server::ComplaintService};
use tonic::{Request, Response, Status};

mod convert;
mod deliveries;
mod feed;
mod import;
mod platform_events;
mod push;
mod routing;
mod scope;
mod stats;
mod warnings;
mod workflow;

use convert::{Personal, new_complaint, status_to_proto, to_proto};
use scope::filter;

use crate::{
    domain::{self, ReplyRules},
    store::{Cursor, Store},
};

pub struct ComplaintsApi {
    store: Store,
    calendar: Arc<Calendar>,
    rules: ReplyRules,
    /// Wakes the outbox relay when a step wrote a message.
    relay: Arc<tokio::sync::Notify>,
    clock: fazhi_platform::clock::SharedClock,
    /// Ledgers imported at once; more are refused until one is done.
    imports: Arc<tokio::sync::Semaphore>,
}

impl ComplaintsApi {
    pub fn new(
        store: Store,
        calendar: Arc<Calendar>,
        rules: ReplyRules,
        relay: Arc<tokio::sync::Notify>,
        clock: fazhi_platform::clock::SharedClock,
    ) -> Self {
        Self {
            store,
            calendar,
            rules,
            relay,
            clock,
            imports: Arc::new(tokio::sync::Semaphore::new(1)),
        }
    }
}

#[tonic::async_trait]
impl ComplaintService for ComplaintsApi {
    async fn create_complaint(
        &self,
        request: Request<pb::CreateComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let caller = auth::caller(&request)?;
        let r = request.into_inner();
        // Citizens submit over the web through the public endpoint; recording
        // a request from any other channel is staff work.
        let citizen_on_the_web =
            caller.roles == [Role::Citizen] && r.channel == pb::Channel::Web as i32;
        if !(citizen_on_the_web || caller.may(Permission::ComplaintCreate)) {
            return Err(auth::forbidden(Permission::ComplaintCreate).into());
        }
        let request_id = fazhi_platform::text::request_id(&r.request_id)?;
        let now = self.clock.now();
        // Received now, or — a request entered after the fact — when it was.
        let occurred_at = r.occurred_at;
        let new = new_complaint(r)?;
        let received_at = match &occurred_at {
            None => now,
            Some(ts) => {
                caller.require(Permission::ComplaintRecordPast)?;
                let at = time::from_timestamp_field("occurred_at", ts)?;
                let division = DivisionCode::parse_field("division_code", &new.division_code)?;
                domain::past::check(at, now, None, self.rules.past_opens(&division, now))?;
                at
            }
        };
        let mut complaint = domain::intake(
            new,
            received_at,
            &self.calendar,
            &self.rules,
            uuid::Uuid::now_v7().to_string(),
            domain::new_tracking_code(),
        )?;
        complaint.updated_at = now;
        caller.check_writes("division_code", &complaint.division_code)?;
        if received_at != now {
            fazhi_platform::db::audit::record(
                self.store.database().pool(),
                now,
                &caller,
                "complaint.record_past",
                "complaint",
                &complaint.id,
                domain::lead_division(&complaint).as_str(),
            )
            .await?;
        }
        let complaint = self.store.insert(complaint, request_id).await?;
        tracing::debug!(
            complaint_id = %complaint.id,
            channel = %complaint.channel,
            division = %complaint.division_code,
            "complaint received"
        );
        Ok(Response::new(to_proto(&complaint, Personal::Masked)))
    }

    async fn get_complaint(
        &self,
        request: Request<pb::GetComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::ComplaintRead)?;
        let r = request.into_inner();
        let personal = if r.reveal_personal {
            caller.require(Permission::ComplaintReadPersonal)?;
            Personal::Revealed
        } else {
            Personal::Masked
        };
        Error::lookup_id("complaint", &r.id)?;
        // Outside the caller's scope is the same answer as not there at all.
        match self.store.get(&r.id).await? {
            Some(complaint) if workflow::visible(&caller, &complaint) => {
                if personal == Personal::Revealed {
                    fazhi_platform::db::audit::read_personal(
                        self.store.database(),
                        self.clock.now(),
                        &caller,
                        "complaint",
                        &complaint.id,
                        crate::domain::lead_division(&complaint).as_str(),
                    )
                    .await?;
                }
                Ok(Response::new(to_proto(&complaint, personal)))
            }
            _ => Err(Error::not_found("complaint").into()),
        }
    }

    async fn track_complaint(
        &self,
        request: Request<pb::TrackComplaintRequest>,
    ) -> Result<Response<pb::ComplaintProgress>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::ComplaintTrack)?;
        let r = request.into_inner();
        let not_found = || Status::from(Error::not_found("complaint"));
        if r.phone_last_four.len() != 4 || !r.phone_last_four.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_field(
                "phone_last_four",
                Code::InvalidPhoneLastFour,
                "phone_last_four must be the last 4 digits of the phone number given",
            )
            .into());
        }
        let code = domain::normalize_tracking_code(&r.tracking_code).ok_or_else(not_found)?;
        let complaint = self
            .store
            .get_by_tracking_code(&code)
            .await?
            .filter(|c| caller.sees(&c.division_code))
            .ok_or_else(not_found)?;
        let phone_matches = complaint
            .complainant
            .phone
            .as_deref()
            .and_then(privacy::phone_last_four)
            .is_some_and(|last| {
                subtle::ConstantTimeEq::ct_eq(last.as_bytes(), r.phone_last_four.as_bytes()).into()
            });
        if !phone_matches {
            return Err(not_found());
        }
        Ok(Response::new(pb::ComplaintProgress {
            tracking_code: complaint.tracking_code.clone(),
            r#type: convert::request_type_proto(complaint.request_type),
            category: complaint.category.clone(),
            division_code: complaint.division_code.to_string(),
            status: status_to_proto(complaint.status) as i32,
            received_at: Some(time::to_timestamp(complaint.received_at)),
            reply_due: Some(time::to_timestamp(complaint.reply_due)),
            reply: complaint.handling.reply.clone().unwrap_or_default(),
            replied_at: complaint.handling.replied_at.map(time::to_timestamp),
        }))
    }

    async fn dispatch_complaint(
        &self,
        request: Request<pb::DispatchComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::dispatch).await
    }

    async fn accept_complaint(
        &self,
        request: Request<pb::AcceptComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::accept).await
    }

    async fn return_complaint(
        &self,
        request: Request<pb::ReturnComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::return_to_desk).await
    }

    async fn request_complaint_extension(
        &self,
        request: Request<pb::RequestComplaintExtensionRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::request_extension).await
    }

    async fn decide_complaint_extension(
        &self,
        request: Request<pb::DecideComplaintExtensionRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::decide_extension).await
    }

    async fn reply_complaint(
        &self,
        request: Request<pb::ReplyComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::reply).await
    }

    async fn follow_up_complaint(
        &self,
        request: Request<pb::FollowUpComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::follow_up).await
    }

    async fn close_complaint(
        &self,
        request: Request<pb::CloseComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::close).await
    }

    async fn reopen_complaint(
        &self,
        request: Request<pb::ReopenComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::reopen).await
    }

    async fn mark_complaint_duplicate(
        &self,
        request: Request<pb::MarkComplaintDuplicateRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::mark_duplicate).await
    }

    async fn hand_off_complaint(
        &self,
        request: Request<pb::HandOffComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::hand_off).await
    }

    async fn supervise_complaint(
        &self,
        request: Request<pb::SuperviseComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::supervise).await
    }

    async fn escalate_complaint(
        &self,
        request: Request<pb::EscalateComplaintRequest>,
    ) -> Result<Response<pb::Complaint>, Status> {
        workflow::advance(self, request, workflow::escalate).await
    }

    async fn push_complaints(
        &self,
        request: Request<pb::PushComplaintsRequest>,
    ) -> Result<Response<pb::PushComplaintsResponse>, Status> {
        push::push(self, request).await
    }

    async fn import_complaints(
        &self,
        request: Request<pb::ImportComplaintsRequest>,
    ) -> Result<Response<pb::ImportComplaintsReport>, Status> {
        import::import(self, request).await
    }

    async fn suggest_duplicates(
        &self,
        request: Request<pb::SuggestDuplicatesRequest>,
    ) -> Result<Response<pb::SuggestedDuplicates>, Status> {
        workflow::suggest_duplicates(self, request).await
    }

    async fn get_routing_list(
        &self,
        request: Request<pb::GetRoutingListRequest>,
    ) -> Result<Response<pb::RoutingList>, Status> {
        routing::get(self, request).await
    }

    async fn put_routing_list(
        &self,
        request: Request<pb::PutRoutingListRequest>,
    ) -> Result<Response<pb::RoutingList>, Status> {
        routing::put(self, request).await
    }

    async fn get_timeline(
        &self,
        request: Request<pb::GetTimelineRequest>,
    ) -> Result<Response<pb::Timeline>, Status> {
        workflow::timeline(self, request).await
    }

    async fn apply_platform_events(
        &self,
        request: Request<pb::ApplyPlatformEventsRequest>,
    ) -> Result<Response<pb::ApplyPlatformEventsResponse>, Status> {
        platform_events::apply_events(self, request).await
    }

    async fn put_delivery_endpoint(
        &self,
        request: Request<pb::PutDeliveryEndpointRequest>,
    ) -> Result<Response<pb::DeliveryEndpoint>, Status> {
        deliveries::put_endpoint(self, request).await
    }

    async fn list_delivery_endpoints(
        &self,
        request: Request<pb::ListDeliveryEndpointsRequest>,
    ) -> Result<Response<pb::ListDeliveryEndpointsResponse>, Status> {
        deliveries::list_endpoints(self, request).await
    }

    async fn list_dead_deliveries(
        &self,
        request: Request<pb::ListDeadDeliveriesRequest>,
    ) -> Result<Response<pb::ListDeadDeliveriesResponse>, Status> {
        deliveries::list_dead(self, request).await
    }

    async fn redeliver(
        &self,
        request: Request<pb::RedeliverRequest>,
    ) -> Result<Response<pb::Delivery>, Status> {
        deliveries::redeliver(self, request).await
    }

    async fn list_complaint_events(
        &self,
        request: Request<pb::ListComplaintEventsRequest>,
    ) -> Result<Response<pb::ListComplaintEventsResponse>, Status> {
        feed::feed(self, request).await
    }

    async fn list_complaints(
        &self,
        request: Request<pb::ListComplaintsRequest>,
    ) -> Result<Response<pb::ListComplaintsResponse>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::ComplaintRead)?;
        let r = request.into_inner();
        let limit = paging::page_size(r.page_size)?;
        let mut filter = filter(&caller, &r.division_code, r.received.as_ref(), "received")?;
        filter.due_between = self.due_between(&r.due)?;
        filter.ticket = match (r.source.as_str(), r.external_id.as_str()) {
            ("", "") => None,
            (source, external_id) => Some(crate::domain::Ticket {
                source: push::key_part("source", source)?,
                external_id: push::key_part("external_id", external_id)?,
            }),
        };
        let after = match paging::decode_token(&r.page_token, 2)? {
            Some(parts) => Some(Cursor {
                received_at: parts[0].parse().map_err(|_| paging::invalid_token())?,
                id: parts[1].clone(),
            }),
            None => None,
        };
        // One extra row tells whether another page follows.
        let mut complaints = self.store.list(&filter, after.as_ref(), limit + 1).await?;
        let next_page_token = paging::cut(&mut complaints, limit, |last| {
            vec![
                time::to_micros(last.received_at).to_string(),
                last.id.clone(),
            ]
        });
        Ok(Response::new(pb::ListComplaintsResponse {
            complaints: complaints
                .iter()
                .map(|c| to_proto(c, Personal::Masked))
                .collect(),
            next_page_token,
        }))
    }

    async fn list_warnings(
        &self,
        request: Request<fazhi_proto::common::v1::ListWarningsRequest>,
    ) -> Result<Response<fazhi_proto::common::v1::ListWarningsResponse>, Status> {
        let caller = auth::caller(&request)?;
        if !(caller.may(Permission::ComplaintRead) || caller.may(Permission::OversightRead)) {
            return Err(auth::forbidden(Permission::OversightRead).into());
        }
        let r = request.into_inner();
        Ok(Response::new(
            self.warnings(&caller, &r.division_code).await?,
        ))
    }

    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::ComplaintStats>, Status> {
        let filter = stats_filter(request)?;
        Ok(Response::new(
            stats::stats(&self.store, &filter, self.clock.today()).await?,
        ))
    }

    async fn get_township_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::TownshipComplaintStats>, Status> {
        let filter = stats_filter(request)?;
        Ok(Response::new(
            stats::township_stats(&self.store, &filter, self.clock.today()).await?,
        ))
    }
}

/// The division and period of a figures request, once the caller may read
/// figures (a township's own staff, or oversight).
fn stats_filter(request: Request<pb::GetStatsRequest>) -> Result<crate::store::Filter, Status> {
    let caller = auth::caller(&request)?;
    if !(caller.may(Permission::ComplaintRead) || caller.may(Permission::OversightRead)) {
        return Err(auth::forbidden(Permission::OversightRead).into());
    }
    let r = request.into_inner();
    Ok(filter(
        &caller,
        &r.division_code,
        r.period.as_ref(),
        "period",
    )?)
}
