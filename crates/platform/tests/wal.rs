//! The SQLite write-ahead log kept bounded: a reader holding an old snapshot
//! lets the log grow past what an automatic checkpoint resets; the
//! checkpoint the watcher runs empties it once the reader is done.

use fazhi_platform::db::Database;

#[tokio::test]
async fn a_log_grown_behind_a_reader_is_emptied_by_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(None, dir.path(), "wal", &[]).await.unwrap();
    let pool = db.pool();
    sqlx::query("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(pool)
        .await
        .unwrap();
    // A reader holds its snapshot open while the writes go on.
    let mut reader = pool.begin().await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rows")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let body = "法".repeat(1_000);
    for _ in 0..3_000 {
        sqlx::query("INSERT INTO rows (body) VALUES ($1)")
            .bind(body.clone())
            .execute(pool)
            .await
            .unwrap();
    }
    let (_, grown) = db.file_sizes().unwrap();
    assert!(
        grown > 8 << 20,
        "the log grew behind the reader: {grown} bytes"
    );
    reader.commit().await.unwrap();
    // No reader holds it back now: the checkpoint empties it (after the
    // watcher's, should one be under way).
    assert!(db.checkpoint().await.unwrap(), "no reader held it back");
    let (file, log) = db.file_sizes().unwrap();
    assert_eq!(log, 0, "the log is emptied");
    assert!(file > 8 << 20, "every row is in the database: {file} bytes");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rows")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(count, 3_000);
}
