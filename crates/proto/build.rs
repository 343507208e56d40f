//! Compiles every contract under `proto/` with protox (pure Rust, no system
//! `protoc`) and writes the encoded descriptor set for gRPC reflection.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

use prost::Message;

/// Proto messages that are also REST bodies.
const REST_MESSAGES: &[&str] = &[
    ".fazhi.training.v1.Person",
    ".fazhi.training.v1.CreatePersonRequest",
    ".fazhi.training.v1.ListPeopleResponse",
    ".fazhi.training.v1.Attendance",
    ".fazhi.training.v1.RecordTrainingRequest",
    ".fazhi.training.v1.TrainingSession",
    ".fazhi.training.v1.ExamResult",
    ".fazhi.training.v1.RecordExamRequest",
    ".fazhi.training.v1.Exam",
    ".fazhi.training.v1.Certificate",
    ".fazhi.training.v1.IssueCertificateRequest",
    ".fazhi.training.v1.IsCertifiedResponse",
    ".fazhi.training.v1.RunAnnualReviewRequest",
    ".fazhi.training.v1.ReviewDecision",
    ".fazhi.training.v1.RunAnnualReviewResponse",
    ".fazhi.training.v1.RecordOutreachRequest",
    ".fazhi.training.v1.OutreachEvent",
    ".fazhi.training.v1.ExamKindStats",
    ".fazhi.training.v1.TrainingStats",
    ".fazhi.training.v1.RowProblem",
    ".fazhi.training.v1.ImportReport",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    let mut files = Vec::new();
    collect_protos(&root, &mut files)?;
    files.sort();

    let descriptors = protox::compile(&files, [&root])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out.join("fazhi_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;

    let mut builder = tonic_prost_build::configure()
        .build_client(true)
        .build_server(true);
    // Messages the REST API carries as they are: JSON and the OpenAPI schema
    // come from the contract itself.
    for message in REST_MESSAGES {
        builder = builder.type_attribute(
            message,
            "#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)] #[serde(default, deny_unknown_fields)]",
        );
    }
    builder.compile_fds(descriptors)?;

    println!("cargo:rerun-if-changed={}", root.display());
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    Ok(())
}

fn collect_protos(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "proto") {
            files.push(path);
        }
    }
    Ok(())
}
