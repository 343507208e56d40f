//! Full-process records (全过程记录, 行政处罚法 Art. 47): text, photos,
//! audio, video and documents registered against a case's step with their
//! SHA-256, size, who recorded them, on which device and when. Steps that
//! touch personal liberty, life or major property — seizure, forced
//! demolition, a hearing, service by leaving (留置送达) — need an audio or
//! video record before they can be completed.

use chrono::{DateTime, Datelike, Utc};
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error, coded_enum};

use super::rule;

coded_enum! {
    /// What a record is.
    RecordKind {
        Text => "text",
        Photo => "photo",
        Audio => "audio",
        Video => "video",
        Document => "document",
    }
}

coded_enum! {
    /// The step a record belongs to.
    RecordStep {
        Filing => "filing",
        Inspection => "inspection",
        Evidence => "evidence",
        Seizure => "seizure",
        Hearing => "hearing",
        Service => "service",
        Execution => "execution",
        Demolition => "demolition",
    }
}

/// The largest record registered (a day of body-camera video), in bytes.
pub const MAX_RECORD_BYTES: i64 = 64 * 1024 * 1024 * 1024;

/// A registered record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub case_id: String,
    pub kind: RecordKind,
    pub step: RecordStep,
    /// SHA-256 of the content, 64 lower-case hex digits.
    pub sha256: String,
    pub size_bytes: i64,
    /// Where the content is kept outside Fazhi (a path or an object URL);
    /// empty when it is uploaded to Fazhi's record store.
    pub location: String,
    /// Who recorded it (a person id).
    pub recorded_by: String,
    pub device: String,
    pub recorded_at: DateTime<Utc>,
    /// When the content was uploaded and checked, if it has been.
    pub content_stored_at: Option<DateTime<Utc>>,
    /// The object in the record store holding the content (none for
    /// content stored before each upload had its own object).
    pub content_key: Option<String>,
}

/// The earliest day a record may be dated: no enforcement recording in a
/// township's files predates it, and a date before it is a typing slip.
pub const EARLIEST_RECORD_YEAR: i32 = 1990;

/// Checks a record's fields: a SHA-256 in hex, a size from one byte to
/// [`MAX_RECORD_BYTES`], a recorder and device, a time not in the future.
pub fn check_record(record: Record, now: DateTime<Utc>) -> Result<Record, Error> {
    let sha256 = record.sha256.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid_field(
            "sha256",
            Code::InvalidHash,
            "sha256 is the content's SHA-256 as 64 hexadecimal digits",
        ));
    }
    if !(1..=MAX_RECORD_BYTES).contains(&record.size_bytes) {
        return Err(Error::invalid_field(
            "size_bytes",
            Code::InvalidCount,
            format!("size_bytes runs from 1 to {MAX_RECORD_BYTES}"),
        ));
    }
    if record.recorded_at > now {
        return Err(Error::invalid_field(
            "recorded_at",
            Code::DateInFuture,
            "recorded_at lies in the future",
        ));
    }
    if record.recorded_at.year() < EARLIEST_RECORD_YEAR {
        return Err(Error::invalid_field(
            "recorded_at",
            Code::InvalidTimeRange,
            format!("recorded_at lies before {EARLIEST_RECORD_YEAR}"),
        ));
    }
    Ok(Record {
        sha256,
        location: text::optional("location", Some(&record.location), 500, Lines::One)?
            .unwrap_or_default(),
        recorded_by: text::required("recorded_by", &record.recorded_by, 64, Lines::One)?,
        device: text::required("device", &record.device, 100, Lines::One)?,
        ..record
    })
}

/// Whether a step needs an audio or video record before it is completed.
pub fn needs_audio_video(step: RecordStep) -> bool {
    matches!(
        step,
        RecordStep::Seizure | RecordStep::Demolition | RecordStep::Hearing | RecordStep::Service
    )
}

/// Refuses completing `step` without an audio or video record of it among
/// `records` (Art. 47; 国办发〔2018〕118号).
pub fn check_audio_video(step: RecordStep, records: &[Record]) -> Result<(), Error> {
    let recorded = records
        .iter()
        .any(|r| r.step == step && matches!(r.kind, RecordKind::Audio | RecordKind::Video));
    if recorded || !needs_audio_video(step) {
        return Ok(());
    }
    Err(rule(
        Code::RecordingRequired,
        "records",
        format!(
            "the {} step needs an audio or video record first (全过程记录, 行政处罚法 Art. 47)",
            step.code()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: RecordKind, step: RecordStep) -> Record {
        Record {
            id: "r1".into(),
            case_id: "k1".into(),
            kind,
            step,
            sha256: "A".repeat(64),
            size_bytes: 1024,
            location: "records/k1/r1".into(),
            recorded_by: "o1".into(),
            device: "执法记录仪 DSJ-01".into(),
            recorded_at: "2024-03-28T09:00:00Z".parse().unwrap(),
            content_stored_at: None,
            content_key: None,
        }
    }

    #[test]
    fn a_record_carries_a_real_hash_a_size_and_a_past_time() {
        let now = "2026-11-29T00:00:00Z".parse().unwrap();
        let good = check_record(record(RecordKind::Video, RecordStep::Hearing), now).unwrap();
        assert_eq!(good.sha256, "a".repeat(64));
        let bad_hash = Record {
            sha256: "xyz".into(),
            ..record(RecordKind::Video, RecordStep::Hearing)
        };
        assert_eq!(
            check_record(bad_hash, now).unwrap_err().code,
            Code::InvalidHash
        );
        let empty = Record {
            size_bytes: 0,
            ..record(RecordKind::Video, RecordStep::Hearing)
        };
        assert_eq!(
            check_record(empty, now).unwrap_err().code,
            Code::InvalidCount
        );
        let ahead = Record {
            recorded_at: "2027-01-01T00:00:00Z".parse().unwrap(),
            ..record(RecordKind::Video, RecordStep::Hearing)
        };
        assert_eq!(
            check_record(ahead, now).unwrap_err().code,
            Code::DateInFuture
        );
        let ancient = Record {
            recorded_at: "1900-01-01T00:00:00Z".parse().unwrap(),
            ..record(RecordKind::Video, RecordStep::Hearing)
        };
        assert_eq!(
            check_record(ancient, now).unwrap_err().code,
            Code::InvalidTimeRange
        );
    }

    #[test]
    fn a_hearing_or_service_by_leaving_needs_audio_or_video_of_that_step() {
        let photos = [record(RecordKind::Photo, RecordStep::Hearing)];
        assert_eq!(
            check_audio_video(RecordStep::Hearing, &photos)
                .unwrap_err()
                .code,
            Code::RecordingRequired
        );
        let other_step = [record(RecordKind::Video, RecordStep::Inspection)];
        assert!(check_audio_video(RecordStep::Hearing, &other_step).is_err());
        let audio = [record(RecordKind::Audio, RecordStep::Hearing)];
        assert!(check_audio_video(RecordStep::Hearing, &audio).is_ok());
        assert!(check_audio_video(RecordStep::Evidence, &[]).is_ok());
    }
}
