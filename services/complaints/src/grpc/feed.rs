//! The feed of every complaint's steps in commit order over gRPC, as the
//! caller may see them.

use fazhi_platform::{
    Code, DivisionCode, Error,
    auth::{self, Permission},
};
use fazhi_proto::complaints::v1 as pb;
use tonic::{Request, Response, Status};

use super::{ComplaintsApi, workflow::event_to_proto};
use crate::domain;

/// The most events one page of the feed holds.
pub const MAX_FEED_PAGE: i32 = 10_000;
/// A page's size when none is asked for.
const DEFAULT_FEED_PAGE: i32 = 1_000;
/// Kinds named in one request, at most.
const MAX_FEED_KINDS: usize = 32;

/// The feed of steps after a position, as the caller may see them: the
/// division it acts for (or one under it), a report about enforcement
/// conduct never to the unit or officer it names.
pub(super) async fn feed(
    api: &ComplaintsApi,
    request: Request<pb::ListComplaintEventsRequest>,
) -> Result<Response<pb::ListComplaintEventsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintRead)?;
    let r = request.into_inner();
    let limit = match r.limit {
        0 => DEFAULT_FEED_PAGE,
        n if (1..=MAX_FEED_PAGE).contains(&n) => n,
        _ => {
            return Err(Error::invalid_field(
                "limit",
                Code::InvalidArgument,
                format!("limit must be from 1 to {MAX_FEED_PAGE}"),
            )
            .into());
        }
    };
    if r.after < 0 {
        return Err(Error::invalid_field(
            "after",
            Code::InvalidArgument,
            "after must be a position the feed gave",
        )
        .into());
    }
    if r.kinds.len() > MAX_FEED_KINDS || r.kinds.iter().any(|k| k.len() > 64) {
        return Err(Error::invalid_field(
            "kinds",
            Code::InvalidArgument,
            format!("at most {MAX_FEED_KINDS} kinds, each a step's name"),
        )
        .into());
    }
    let source = match r.source.as_str() {
        "" => None,
        text => Some(super::push::key_part("source", text)?),
    };
    let asked = DivisionCode::parse_optional_field("division_code", &r.division_code)?;
    let filter = crate::store::feed::FeedFilter {
        division: Some(caller.narrow("division_code", asked)?),
        source,
    };
    let page = api.store.feed(r.after, &filter, i64::from(limit)).await?;
    if r.after > page.head {
        return Err(Error::invalid_field(
            "after",
            Code::InvalidArgument,
            format!(
                "after {} is past the newest position {}",
                r.after, page.head
            ),
        )
        .into());
    }
    // No cursor reads from the oldest event kept.
    if r.after != 0 && r.after < page.oldest {
        return Err(Error::cursor_expired("after", r.after, page.oldest).into());
    }
    let events = page
        .events
        .into_iter()
        .filter(|e| domain::visible_as(&caller, &e.complaint.seen()))
        .filter(|e| r.kinds.is_empty() || r.kinds.contains(&e.event.kind))
        .map(|e| {
            let ticket = e.complaint.ticket.clone().unwrap_or(domain::Ticket {
                source: String::new(),
                external_id: String::new(),
            });
            pb::ComplaintEvent {
                position: e.position,
                complaint_id: e.complaint.id.clone(),
                source: ticket.source,
                external_id: ticket.external_id,
                division_code: e.complaint.division_code.as_str().to_owned(),
                event: Some(event_to_proto(e.event)),
            }
        })
        .collect();
    Ok(Response::new(pb::ListComplaintEventsResponse {
        events,
        next_after: page.last,
        head: page.head,
    }))
}
