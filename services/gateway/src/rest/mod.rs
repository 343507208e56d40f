//! One REST adapter per service: JSON in, a signed gRPC call with a
//! deadline, JSON or a problem out.

pub(crate) mod cases;
pub(crate) mod codes;
pub(crate) mod complaint_import;
pub(crate) mod complaint_push;
pub(crate) mod complaint_reads;
pub(crate) mod complaint_steps;
pub(crate) mod complaints;
pub(crate) mod deliveries;
pub(crate) mod divisions;
pub(crate) mod lists;
pub(crate) mod oversight;
pub(crate) mod oversight_metrics;
pub(crate) mod oversight_table;
pub(crate) mod public;
pub(crate) mod registers;
pub(crate) mod report;
pub(crate) mod routing;
pub(crate) mod training;
pub(crate) mod warnings;

use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fazhi API",
        description = "Rule-of-law government work for a county and its townships: complaint intake, enforcement cases, training and certificates, county oversight. Errors are RFC 9457 problem documents with a stable `code`.",
        version = "1"
    ),
    components(schemas(crate::edge::problem::Problem, codes::FileFormat, codes::ListKind, codes::TableFormat, codes::RegisterName, codes::ReportFormat, codes::WarningLevelCode, codes::DocumentKind)),
    servers((url = "/", description = "This Fazhi gateway")),
    tags(
        (name = "auth", description = "Login and the caller's identity"),
        (name = "public", description = "Citizens, without an account"),
        (name = "complaints", description = "Requests from the 12345 hotline and every other channel"),
        (name = "oversight", description = "Figures for county oversight"),
        (name = "accounts", description = "Accounts (administrators)"),
        (name = "api keys", description = "API keys for county systems (administrators)"),
        (name = "audit", description = "The audit log (administrators)"),
        (name = "training", description = "People, training hours, exams, enforcement certificates and their annual review, outreach"),
        (name = "cases", description = "Enforcement cases: the power list, leads, filing and each case's hash-chained history"),
    )
)]
struct ApiDoc;

/// The API's description, and every area's routes (each declared once, by
/// its handler's `#[utoipa::path]`, with its access rule).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(public::submit))
        .routes(routes!(public::track))
        .routes(routes!(complaints::list, complaints::create))
        .routes(routes!(complaints::get_one))
        .routes(routes!(complaint_reads::timeline))
        .routes(routes!(complaint_reads::feed))
        .routes(routes!(complaint_reads::categories))
        .routes(routes!(complaint_reads::possible_duplicates))
        .routes(routes!(complaint_steps::dispatch))
        .routes(routes!(complaint_steps::accept))
        .routes(routes!(complaint_steps::return_dispatch))
        .routes(routes!(complaint_steps::request_extension))
        .routes(routes!(complaint_steps::decide_extension))
        .routes(routes!(complaint_steps::reply))
        .routes(routes!(complaint_steps::follow_up))
        .routes(routes!(complaint_steps::close))
        .routes(routes!(complaint_steps::reopen))
        .routes(routes!(complaint_steps::mark_duplicate))
        .routes(routes!(complaint_steps::hand_off))
        .routes(routes!(complaint_steps::supervise))
        .routes(routes!(complaint_steps::escalate))
        .routes(routes!(complaint_push::push))
        .routes(routes!(complaint_push::platform_events))
        .routes(routes!(complaint_import::import))
        .routes(routes!(routing::get, routing::put))
        .routes(routes!(deliveries::put_endpoint))
        .routes(routes!(deliveries::list_endpoints))
        .routes(routes!(deliveries::list_dead))
        .routes(routes!(deliveries::redeliver))
        .routes(routes!(divisions::list, divisions::put))
        .routes(routes!(oversight::summary))
        .routes(routes!(registers::list, registers::create))
        .routes(routes!(registers::update, registers::delete))
        .routes(routes!(registers::import))
        .routes(routes!(report::annual))
        .routes(routes!(warnings::list))
        .routes(routes!(training::list_people, training::create_person))
        .routes(routes!(training::get_person))
        .routes(routes!(training::leave_post))
        .routes(routes!(training::transfer_person))
        .routes(routes!(training::is_certified))
        .routes(routes!(
            training::list_training_sessions,
            training::record_training
        ))
        .routes(routes!(training::list_exams, training::record_exam))
        .routes(routes!(
            training::list_outreach_events,
            training::record_outreach
        ))
        .routes(routes!(
            training::list_certificates,
            training::issue_certificate
        ))
        .routes(routes!(training::get_certificate))
        .routes(routes!(training::suspend_certificate))
        .routes(routes!(training::reinstate_certificate))
        .routes(routes!(training::revoke_certificate))
        .routes(routes!(training::expire_certificate))
        .routes(routes!(training::run_annual_review))
        .routes(routes!(training::stats))
        .routes(routes!(lists::import_people))
        .routes(routes!(lists::import_power_items))
        .routes(routes!(lists::import_attendance))
        .routes(routes!(lists::import_exam_results))
        .routes(routes!(lists::export))
        .routes(routes!(cases::list_power_items, cases::create_power_item))
        .routes(routes!(cases::get_power_item))
        .routes(routes!(cases::list_cases, cases::create_lead))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::file_case))
        .routes(routes!(cases::decline_lead))
        .routes(routes!(cases::terminate_case))
        .routes(routes!(cases::notify_party))
        .routes(routes!(cases::record_defence))
        .routes(routes!(cases::request_hearing))
        .routes(routes!(cases::waive_hearing))
        .routes(routes!(cases::record_correction))
        .routes(routes!(cases::assign_officer))
        .routes(routes!(cases::report_spot_decision))
        .routes(routes!(cases::hand_in_cash))
        .routes(routes!(cases::suspend_case))
        .routes(routes!(cases::resume_case))
        .routes(routes!(cases::hold_hearing))
        .routes(routes!(cases::review_case))
        .routes(routes!(cases::discuss_case))
        .routes(routes!(cases::decide_case))
        .routes(routes!(cases::serve_decision))
        .routes(routes!(cases::record_payment))
        .routes(routes!(cases::close_case))
        .routes(routes!(cases::list_records, cases::register_record))
        .routes(routes!(
            cases::upload_record_content,
            cases::read_record_content
        ))
        .routes(routes!(cases::publish_decision))
        .routes(routes!(cases::withdraw_publication))
        .routes(routes!(cases::list_public_decisions))
        .routes(routes!(cases::decide_on_the_spot))
        .routes(routes!(cases::recuse_officer))
        .routes(routes!(cases::seize))
        .routes(routes!(cases::extend_seizure))
        .routes(routes!(cases::release_seizure))
        .routes(routes!(cases::announce_demolition))
        .routes(routes!(cases::demolish))
        .routes(routes!(cases::extend_decision_period))
        .routes(routes!(cases::defer_payment))
        .routes(routes!(cases::demand_payment))
        .routes(routes!(cases::apply_to_court))
        .routes(routes!(cases::preserve_evidence))
        .routes(routes!(cases::decide_preservation))
        .routes(routes!(cases::record_appeal))
        .routes(routes!(cases::conclude_appeal))
        .routes(routes!(cases::approve_instalments))
        .routes(routes!(cases::demand_performance))
        .routes(routes!(cases::hear_enforcement_statement))
        .routes(routes!(cases::decide_enforcement))
        .routes(routes!(cases::agree_enforcement))
        .routes(routes!(cases::get_case_document))
        .routes(routes!(cases::case_history))
        .routes(routes!(cases::verify_case_history))
}
