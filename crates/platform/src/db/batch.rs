//! Group commit: many concurrent writes share one transaction and one fsync.
//!
//! Each caller hands its row to the writer task and waits; the task takes
//! everything queued (up to a limit), writes it in one transaction, commits
//! once, then answers every caller. Nobody is answered before the commit, so
//! durability is exactly that of one commit per row. If the batch fails, each
//! row is retried alone so one bad row cannot fail its neighbours.

use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::{AnyConnection, AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

/// Why a batched write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("the writer has stopped")]
    Stopped,
}

type WriteFn<T> = dyn for<'c> Fn(&'c mut AnyConnection, &'c T) -> BoxFuture<'c, Result<(), sqlx::Error>>
    + Send
    + Sync;

/// Runs once per batch, after its rows and inside the same transaction
/// (e.g. to add the batch's rows to running totals in one statement each).
type FinishFn<T> = dyn for<'c> Fn(&'c mut AnyConnection, &'c [&'c T]) -> BoxFuture<'c, Result<(), sqlx::Error>>
    + Send
    + Sync;

type Job<T> = (T, oneshot::Sender<Result<(), BatchError>>);

/// Handle to a writer task; cheap to clone.
pub struct BatchWriter<T> {
    queue: mpsc::Sender<Job<T>>,
}

impl<T> Clone for BatchWriter<T> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<T: Send + Sync + 'static> BatchWriter<T> {
    /// Starts the writer task. `write` inserts one row on the connection it is
    /// given, which is inside the batch's transaction.
    pub fn spawn<F>(pool: AnyPool, max_batch: usize, write: F) -> Self
    where
        F: for<'c> Fn(&'c mut AnyConnection, &'c T) -> BoxFuture<'c, Result<(), sqlx::Error>>
            + Send
            + Sync
            + 'static,
    {
        Self::spawn_with_finish(pool, max_batch, write, |_, _| Box::pin(async { Ok(()) }))
    }

    /// As [`BatchWriter::spawn`], with `finish` run once per batch after its
    /// rows, in the same transaction (a row retried alone is its own batch).
    pub fn spawn_with_finish<F, G>(pool: AnyPool, max_batch: usize, write: F, finish: G) -> Self
    where
        F: for<'c> Fn(&'c mut AnyConnection, &'c T) -> BoxFuture<'c, Result<(), sqlx::Error>>
            + Send
            + Sync
            + 'static,
        G: for<'c> Fn(&'c mut AnyConnection, &'c [&'c T]) -> BoxFuture<'c, Result<(), sqlx::Error>>
            + Send
            + Sync
            + 'static,
    {
        let (queue, jobs) = mpsc::channel(max_batch * 4);
        let steps = Steps {
            write: Arc::new(write),
            finish: Arc::new(finish),
        };
        tokio::spawn(run(pool, max_batch.max(1), steps, jobs));
        Self { queue }
    }

    /// Writes `row` and returns once it is committed.
    pub async fn write(&self, row: T) -> Result<(), BatchError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send((row, done))
            .await
            .map_err(|_| BatchError::Stopped)?;
        answer.await.map_err(|_| BatchError::Stopped)?
    }
}

struct Steps<T> {
    write: Arc<WriteFn<T>>,
    finish: Arc<FinishFn<T>>,
}

async fn run<T: Send + Sync + 'static>(
    pool: AnyPool,
    max_batch: usize,
    steps: Steps<T>,
    mut jobs: mpsc::Receiver<Job<T>>,
) {
    let mut batch: Vec<Job<T>> = Vec::with_capacity(max_batch);
    while jobs.recv_many(&mut batch, max_batch).await > 0 {
        metrics::histogram!("fazhi_db_group_commit_rows").record(batch.len() as f64);
        let rows: Vec<&T> = batch.iter().map(|(row, _)| row).collect();
        let outcome = commit_rows(&pool, &steps, &rows).await;
        drop(rows);
        match outcome {
            Ok(()) => {
                for (_, done) in batch.drain(..) {
                    let _ = done.send(Ok(()));
                }
            }
            Err(err) if batch.len() == 1 => {
                if let Some((_, done)) = batch.pop() {
                    let _ = done.send(Err(err.into()));
                }
            }
            Err(_) => {
                for (row, done) in batch.drain(..) {
                    let _ = done.send(
                        commit_rows(&pool, &steps, &[&row])
                            .await
                            .map_err(BatchError::from),
                    );
                }
            }
        }
    }
}

async fn commit_rows<T>(pool: &AnyPool, steps: &Steps<T>, rows: &[&T]) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    for row in rows {
        (steps.write)(&mut tx, row).await?;
    }
    (steps.finish)(&mut tx, rows).await?;
    tx.commit().await
}
