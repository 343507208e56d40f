//! Asking the training service whether officers are certified: every
//! officer action depends on the answer, so a question it cannot answer
//! refuses the action (fail closed) and nothing is written.

use std::time::Duration;

use chrono::NaiveDate;
use fazhi_platform::grpc::Channel;
use fazhi_platform::{
    Code, DivisionCode, Error, ErrorKind,
    auth::{Caller, InternalKey},
    category::EnforcementCategory,
};
use fazhi_proto::common::v1::Date;
use fazhi_proto::training::v1::{self as training, training_service_client::TrainingServiceClient};

use crate::domain::Certification;

/// How long the training service has to answer for all the officers.
const DEADLINE: Duration = Duration::from_secs(3);

/// The training service, asked on behalf of the caller (so an officer
/// outside the caller's divisions is not on record for them).
#[derive(Clone)]
pub struct Certifier {
    client: TrainingServiceClient<Channel>,
    key: InternalKey,
}

impl Certifier {
    pub fn new(channel: Channel, key: InternalKey) -> Self {
        Self {
            client: TrainingServiceClient::new(channel),
            key,
        }
    }

    /// Each officer's answer for an action on `on` in `division` and
    /// `category`; UNAVAILABLE when the training service cannot say.
    pub async fn check(
        &self,
        caller: &Caller,
        officers: &[String],
        division: &DivisionCode,
        category: EnforcementCategory,
        on: NaiveDate,
    ) -> Result<Vec<(String, Certification)>, Error> {
        let asks = officers.iter().map(|officer| {
            let mut client = self.client.clone();
            let mut request = self.key.request(
                caller,
                training::IsCertifiedRequest {
                    person_id: officer.clone(),
                    on: Some(Date {
                        year: chrono::Datelike::year(&on),
                        month: chrono::Datelike::month(&on) as i32,
                        day: chrono::Datelike::day(&on) as i32,
                    }),
                    division_code: division.to_string(),
                    category: category_proto(category),
                },
            );
            request.set_timeout(DEADLINE);
            async move { (officer.clone(), client.is_certified(request).await) }
        });
        let answers = tokio::time::timeout(DEADLINE, futures::future::join_all(asks))
            .await
            .map_err(|_| unavailable("did not answer in time"))?;
        answers
            .into_iter()
            .map(|(officer, answer)| match answer {
                Ok(answer) => {
                    let answer = answer.into_inner();
                    Ok((
                        officer,
                        if answer.certified {
                            Certification::Certified
                        } else {
                            Certification::NotCertified(reason_code(answer.reason))
                        },
                    ))
                }
                Err(status) if status.code() == tonic::Code::NotFound => Ok((
                    officer,
                    Certification::NotCertified("not on record in the caller's divisions".into()),
                )),
                Err(status) if status.code() == tonic::Code::InvalidArgument => {
                    Err(Error::invalid_field(
                        "officer_ids",
                        Code::InvalidPersonId,
                        format!(
                            "officer {officer:?} is not a person id: {}",
                            status.message()
                        ),
                    ))
                }
                Err(status) => Err(unavailable(status.message())),
            })
            .collect()
    }
}

impl Certifier {
    /// Whether the person on record holds the legal professional
    /// qualification (法律职业资格), asked as the caller: a person outside the
    /// caller's divisions is not on record for them.
    pub async fn legally_qualified(&self, caller: &Caller, person_id: &str) -> Result<bool, Error> {
        let mut client = self.client.clone();
        let mut request = self.key.request(
            caller,
            training::GetPersonRequest {
                id: person_id.to_owned(),
            },
        );
        request.set_timeout(DEADLINE);
        match client.get_person(request).await {
            Ok(person) => Ok(!person.into_inner().legal_qualification.is_empty()),
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::NotFound | tonic::Code::InvalidArgument
                ) =>
            {
                Err(Error::invalid_field(
                    "reviewer_id",
                    Code::InvalidPersonId,
                    format!(
                        "reviewer {person_id:?} is no person on record in the divisions you act for"
                    ),
                ))
            }
            Err(status) => Err(Error::new(
                ErrorKind::Unavailable,
                Code::CertificationUnavailable,
                format!(
                    "the training service could not say whether the reviewer holds the legal qualification ({}); nothing was recorded — try again",
                    status.message()
                ),
            )),
        }
    }
}

fn unavailable(why: &str) -> Error {
    Error::new(
        ErrorKind::Unavailable,
        Code::CertificationUnavailable,
        format!(
            "the training service could not say whether the officers are certified ({why}); nothing was recorded — try again"
        ),
    )
}

fn category_proto(category: EnforcementCategory) -> i32 {
    fazhi_proto::common::v1::EnforcementCategory::from_str_name(&format!(
        "ENFORCEMENT_CATEGORY_{}",
        category.code().to_ascii_uppercase()
    ))
    .map_or(0, |c| c as i32)
}

fn reason_code(reason: i32) -> String {
    training::NotCertifiedReason::try_from(reason)
        .ok()
        .and_then(|r| r.as_str_name().strip_prefix("NOT_CERTIFIED_REASON_"))
        .map_or_else(|| "not certified".to_owned(), str::to_ascii_lowercase)
}
