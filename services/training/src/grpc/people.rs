//! People: record, read, list, and leave the enforcement post.

use fazhi_platform::proto_enum::given;
use fazhi_platform::{
    DivisionCode,
    auth::{self, Permission},
    paging,
};
use fazhi_proto::training::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, NewPerson, Person};

pub(super) async fn create_person(
    api: &TrainingApi,
    request: Request<pb::CreatePersonRequest>,
) -> Result<Response<pb::Person>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner().person.unwrap_or_default();
    let person = domain::new_person(
        NewPerson {
            division_code: r.division_code,
            name: r.name,
            id_number: r.id_number,
            unit: r.unit,
            employment: given("employment", employment("employment", r.employment)?)?
                .code()
                .to_owned(),
            rank_level: rank_level("rank_level", r.rank_level)?
                .map_or_else(String::new, |level| level.code().to_owned()),
            rank: r.rank,
            section_level: r.section_level,
            enforcement_post: r.enforcement_post,
            joined_on: r
                .joined_on
                .as_ref()
                .map(|d| date("joined_on", Some(d)))
                .transpose()?,
            legal_qualification: r.legal_qualification,
        },
        new_id(),
        api.clock.today(),
    )?;
    caller.check_writes("division_code", &person.division)?;
    let records = api
        .store
        .registrations(std::slice::from_ref(&person.id_number))
        .await?;
    let person = Person {
        held_for: domain::admit(&person.id_number, &records, |d| caller.sees(d))?,
        ..person
    };
    api.store.insert_person(&caller, &person).await?;
    Ok(Response::new(person_proto(&person, String::new())))
}

pub(super) async fn get_person(
    api: &TrainingApi,
    request: Request<pb::GetPersonRequest>,
) -> Result<Response<pb::Person>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let person = api
        .person_in_scope(&caller, &request.into_inner().id)
        .await?;
    Ok(Response::new(api.person_view(&caller, &person).await?))
}

pub(super) async fn list_people(
    api: &TrainingApi,
    request: Request<pb::ListPeopleRequest>,
) -> Result<Response<pb::ListPeopleResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let limit = paging::page_size(r.page_size)?;
    let after = paging::decode_token(&r.page_token, 1)?
        .map(|p| p[0].clone())
        .unwrap_or_default();
    let mut people = api.store.people(&scope, &after, limit + 1).await?;
    let next_page_token = paging::cut(&mut people, limit, |p| vec![p.id.clone()]);
    let mut views = Vec::with_capacity(people.len());
    for p in &people {
        views.push(api.person_view(&caller, p).await?);
    }
    Ok(Response::new(pb::ListPeopleResponse {
        people: views,
        next_page_token,
    }))
}

pub(super) async fn leave_post(
    api: &TrainingApi,
    request: Request<pb::LeavePostRequest>,
) -> Result<Response<pb::Person>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner();
    let on = date_or_today("on", r.on.as_ref(), api.clock.today())?;
    let person = api.person_in_scope(&caller, &r.person_id).await?;
    check_version("person", person.version, r.version)?;
    let person = api.store.leave_post(&person, on).await?;
    Ok(Response::new(api.person_view(&caller, &person).await?))
}

pub(super) async fn transfer_person(
    api: &TrainingApi,
    request: Request<pb::TransferPersonRequest>,
) -> Result<Response<pb::Person>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingManage)?;
    let r = request.into_inner();
    // A person outside the caller's divisions is not found, whatever the target.
    let person = api.person_in_scope(&caller, &r.person_id).await?;
    let to = DivisionCode::parse_field("division_code", &r.division_code)?;
    caller.check_writes("division_code", &to)?;
    let on = domain::check_not_future(
        "on",
        date_or_today("on", r.on.as_ref(), api.clock.today())?,
        api.clock.today(),
    )?;
    check_version("person", person.version, r.version)?;
    domain::check_transfer(&person, &to)?;
    let person = api.store.transfer(&caller, &person, &to, on).await?;
    tracing::info!(person = %person.id, division = %to, "person transferred");
    Ok(Response::new(api.person_view(&caller, &person).await?))
}
