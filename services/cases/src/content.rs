//! Where full-process records' content is kept: a local directory by
//! default, or any S3-compatible object store named by URL. Content is
//! checked against the record's registered size and SHA-256 on the way in
//! and on the way out, so a changed or truncated file is never served as
//! evidence.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use fazhi_platform::{Code, Error, ErrorKind};
use futures::{Stream, StreamExt, stream::BoxStream};
use object_store::{
    ObjectStore, ObjectStoreExt, aws::AmazonS3Builder, buffered::BufWriter, local::LocalFileSystem,
    path::Path, prefix::PrefixStore,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Where record content goes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ContentSettings {
    /// A directory (or `file:///…`), or `s3://bucket/prefix` for an
    /// S3-compatible store. Unset: `{data_dir}/records`.
    pub store: Option<String>,
    /// The S3-compatible store's URL (MinIO, a county cloud's object
    /// storage); unset means AWS itself or `AWS_ENDPOINT`.
    pub s3_endpoint: Option<String>,
    /// Unset means `AWS_REGION` (or `us-east-1`).
    pub s3_region: Option<String>,
    /// Unset means `AWS_ACCESS_KEY_ID`.
    pub s3_access_key_id: Option<String>,
    /// Unset means `AWS_SECRET_ACCESS_KEY`; keep it in the settings file or
    /// the environment, never on the command line.
    pub s3_secret_access_key: Option<String>,
    /// Allow a plain-HTTP endpoint (inside a data centre's network only).
    pub s3_allow_http: bool,
}

/// What an upload must match: the registered size and SHA-256.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub size_bytes: i64,
    pub sha256: &'a str,
}

/// The record content store.
#[derive(Debug, Clone)]
pub struct ContentStore {
    store: Arc<dyn ObjectStore>,
}

/// Bytes sent in one piece when content is read back.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Bytes an upload holds before writing them out: an S3 multipart upload's
/// smallest part, so each open upload holds at most this much.
const WRITE_BUFFER_BYTES: usize = 5 * 1024 * 1024;

impl ContentStore {
    /// Opens the store the settings name, creating the local directory.
    pub fn open(settings: &ContentSettings, data_dir: &FsPath) -> anyhow::Result<Self> {
        let store: Arc<dyn ObjectStore> = match settings.store.as_deref().map(str::trim) {
            Some(url) if url.starts_with("s3://") => {
                // The S3 client speaks TLS through rustls; one process-wide provider.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let (bucket_url, prefix) = split_prefix(url);
                let mut s3 = AmazonS3Builder::from_env()
                    .with_url(bucket_url)
                    .with_allow_http(settings.s3_allow_http);
                if let Some(endpoint) = &settings.s3_endpoint {
                    s3 = s3.with_endpoint(endpoint);
                }
                if let Some(region) = &settings.s3_region {
                    s3 = s3.with_region(region);
                }
                if let Some(key) = &settings.s3_access_key_id {
                    s3 = s3.with_access_key_id(key);
                }
                if let Some(secret) = &settings.s3_secret_access_key {
                    s3 = s3.with_secret_access_key(secret);
                }
                let s3 = s3.build()?;
                with_prefix(Arc::new(s3), prefix)?
            }
            Some(other) if other.contains("://") && !other.starts_with("file://") => {
                anyhow::bail!("records.store must be a directory, file:///… or s3://…, not {other}")
            }
            Some(dir) if !dir.is_empty() => local(FsPath::new(dir.trim_start_matches("file://")))?,
            _ => local(&data_dir.join("records"))?,
        };
        Ok(Self { store })
    }

    /// The object content stored before each upload had its own.
    fn legacy_key(case_id: &str, record_id: &str) -> Path {
        Path::from_iter(["cases", case_id, record_id])
    }

    /// The object a record's content is read from.
    fn key_of(case_id: &str, record_id: &str, stored: Option<&str>) -> Result<Path, Error> {
        match stored {
            None => Ok(Self::legacy_key(case_id, record_id)),
            Some(key) => {
                Path::parse(key).map_err(|_| corrupt("the stored content's key is unreadable"))
            }
        }
    }

    /// Writes `content` to a new object of its own, checking it against
    /// `expected` as it streams: more bytes than registered stop the upload
    /// at once; a different size or SHA-256 at the end removes what this
    /// upload wrote — and only that. Answers the object's key, which becomes
    /// the record's once [`crate::store::Store::mark_content_stored`] takes
    /// it; content already stored is never touched (evidence is write-once).
    pub async fn put<S>(
        &self,
        case_id: &str,
        record_id: &str,
        expected: Expected<'_>,
        content: S,
    ) -> Result<String, Error>
    where
        S: Stream<Item = Result<Bytes, Error>> + Unpin,
    {
        let upload = uuid::Uuid::now_v7().simple().to_string();
        let key = Path::from_iter(["cases", case_id, &format!("{record_id}.{upload}")]);
        let mut writer =
            BufWriter::with_capacity(self.store.clone(), key.clone(), WRITE_BUFFER_BYTES);
        let written = copy_checked(&mut writer, expected, content).await;
        let closed = match written {
            Ok(()) => writer.shutdown().await.map_err(|e| {
                store_error(
                    "write",
                    object_store::Error::Generic {
                        store: "records",
                        source: Box::new(e),
                    },
                )
            }),
            Err(err) => {
                let _ = writer.abort().await;
                Err(err)
            }
        };
        match closed {
            Ok(()) => Ok(key.to_string()),
            Err(err) => {
                self.discard(key.as_ref()).await;
                Err(err)
            }
        }
    }

    /// Removes an upload's own object that did not become the record's.
    pub async fn discard(&self, key: &str) {
        if let Ok(path) = Path::parse(key)
            && let Err(err) = self.store.delete(&path).await
            && !matches!(err, object_store::Error::NotFound { .. })
        {
            tracing::warn!(error = %err, key, "an unused upload could not be removed");
        }
    }

    /// Checks the stored content against `expected` in full, then streams it
    /// in pieces, checking again as it goes: a mismatch found before the
    /// first byte is an error; one found later ends the stream with it.
    pub async fn get(
        &self,
        case_id: &str,
        record_id: &str,
        stored: Option<&str>,
        expected: Expected<'_>,
    ) -> Result<BoxStream<'static, Result<Bytes, Error>>, Error> {
        let key = Self::key_of(case_id, record_id, stored)?;
        let mut check = Checker::new(expected);
        let mut first = self.stream_of(&key).await?;
        while let Some(piece) = first.next().await {
            check.take(&piece?)?;
        }
        check.finish()?;
        // The second pass checks again: a store changed between the passes
        // ends the stream with an error rather than a complete-looking file.
        let again = Arc::new(std::sync::Mutex::new(Checker::new(expected)));
        let last = again.clone();
        let pieces = self
            .stream_of(&key)
            .await?
            .flat_map(|piece| futures::stream::iter(rechunk(piece)));
        let checked = pieces
            .map(move |piece| {
                let piece = piece?;
                again
                    .lock()
                    .map_err(|_| corrupt("the check failed"))?
                    .take(&piece)?;
                Ok(piece)
            })
            .chain(
                futures::stream::once(async move {
                    last.lock()
                        .map_err(|_| corrupt("the check failed"))?
                        .finish()
                })
                .filter_map(|end| async move { end.err().map(Err) }),
            );
        Ok(checked.boxed())
    }

    async fn stream_of(
        &self,
        key: &Path,
    ) -> Result<BoxStream<'static, Result<Bytes, Error>>, Error> {
        let got = self.store.get(key).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => corrupt("the stored content is missing"),
            other => store_error("read", other),
        })?;
        Ok(got
            .into_stream()
            .map(|piece| piece.map_err(|e| store_error("read", e)))
            .boxed())
    }
}

fn local(dir: &FsPath) -> anyhow::Result<Arc<dyn ObjectStore>> {
    fazhi_platform::owner_only::create_dir(dir)?;
    Ok(Arc::new(LocalFileSystem::new_with_prefix(dir)?))
}

/// `s3://bucket/a/b` → (`s3://bucket`, `a/b`).
fn split_prefix(url: &str) -> (&str, &str) {
    let rest = &url["s3://".len()..];
    match rest.find('/') {
        Some(at) => (&url[.."s3://".len() + at], rest[at + 1..].trim_matches('/')),
        None => (url, ""),
    }
}

fn with_prefix(store: Arc<dyn ObjectStore>, prefix: &str) -> anyhow::Result<Arc<dyn ObjectStore>> {
    if prefix.is_empty() {
        return Ok(store);
    }
    Ok(Arc::new(PrefixStore::new(store, Path::parse(prefix)?)))
}

/// Pieces of at most [`CHUNK_BYTES`] (a store may hand back larger ones).
fn rechunk(piece: Result<Bytes, Error>) -> Vec<Result<Bytes, Error>> {
    match piece {
        Err(e) => vec![Err(e)],
        Ok(bytes) if bytes.len() <= CHUNK_BYTES => vec![Ok(bytes)],
        Ok(bytes) => (0..bytes.len())
            .step_by(CHUNK_BYTES)
            .map(|at| Ok(bytes.slice(at..(at + CHUNK_BYTES).min(bytes.len()))))
            .collect(),
    }
}

async fn copy_checked<S>(
    writer: &mut BufWriter,
    expected: Expected<'_>,
    mut content: S,
) -> Result<(), Error>
where
    S: Stream<Item = Result<Bytes, Error>> + Unpin,
{
    let mut check = Checker::new(expected);
    while let Some(piece) = content.next().await {
        let piece = piece?;
        check.take(&piece).map_err(|_| {
            mismatch(
                Code::ContentSizeMismatch,
                format!(
                    "the content is longer than the registered {} bytes",
                    expected.size_bytes
                ),
            )
        })?;
        writer
            .put(piece)
            .await
            .map_err(|e| store_error("write", e))?;
    }
    if check.seen != check.size {
        return Err(mismatch(
            Code::ContentSizeMismatch,
            format!(
                "the content is {} bytes, the record registered {}",
                check.seen, expected.size_bytes
            ),
        ));
    }
    let sha256 = check.digest();
    if sha256 != expected.sha256 {
        return Err(mismatch(
            Code::ContentHashMismatch,
            format!(
                "the content's SHA-256 is {sha256}, the record registered {}",
                expected.sha256
            ),
        ));
    }
    Ok(())
}

/// Counts and hashes bytes against what a record registered.
struct Checker {
    size: u64,
    sha256: String,
    seen: u64,
    hasher: Sha256,
}

impl Checker {
    fn new(expected: Expected<'_>) -> Self {
        Self {
            size: u64::try_from(expected.size_bytes).unwrap_or(0),
            sha256: expected.sha256.to_owned(),
            seen: 0,
            hasher: Sha256::new(),
        }
    }

    /// Takes a piece; more bytes than registered is corruption.
    fn take(&mut self, piece: &[u8]) -> Result<(), Error> {
        self.seen += piece.len() as u64;
        if self.seen > self.size {
            return Err(corrupt("the stored content is longer than registered"));
        }
        self.hasher.update(piece);
        Ok(())
    }

    fn digest(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn finish(&self) -> Result<(), Error> {
        if self.seen != self.size {
            return Err(corrupt("the stored content is shorter than registered"));
        }
        if self.digest() != self.sha256 {
            return Err(corrupt(
                "the stored content's SHA-256 differs from the registered one",
            ));
        }
        Ok(())
    }
}

/// Content that is not what the record registered (422): nothing is kept.
fn mismatch(code: Code, message: String) -> Error {
    Error::new(ErrorKind::RuleViolation, code, message).with_field("content")
}

fn corrupt(what: &str) -> Error {
    Error::new(
        ErrorKind::DataLoss,
        Code::RecordContentCorrupt,
        format!("{what}: the record cannot be served as evidence"),
    )
}

fn store_error(doing: &str, err: object_store::Error) -> Error {
    tracing::error!(error = %err, "record content store failed to {doing}");
    Error::new(
        ErrorKind::Unavailable,
        Code::ServiceUnavailable,
        format!("the record content store could not {doing}; retry later"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_s3_url_splits_into_bucket_and_prefix() {
        assert_eq!(
            split_prefix("s3://evidence/county/411624"),
            ("s3://evidence", "county/411624")
        );
        assert_eq!(split_prefix("s3://evidence"), ("s3://evidence", ""));
        assert_eq!(split_prefix("s3://evidence/"), ("s3://evidence", ""));
    }

    #[test]
    fn large_pieces_are_sent_in_chunks() {
        let big = Bytes::from(vec![7u8; CHUNK_BYTES * 2 + 5]);
        let sizes: Vec<usize> = rechunk(Ok(big))
            .into_iter()
            .map(|p| p.unwrap().len())
            .collect();
        assert_eq!(sizes, vec![CHUNK_BYTES, CHUNK_BYTES, 5]);
    }
}
