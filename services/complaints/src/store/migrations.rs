//! The complaints database's migrations, in order; each applied once.

use fazhi_platform::db::EmbeddedMigration;

pub const MIGRATIONS: &[EmbeddedMigration] = &[
    EmbeddedMigration::new(
        1,
        "complaints",
        include_str!("../../migrations/0001_complaints.sql"),
    ),
    EmbeddedMigration::new(
        2,
        "request ids",
        include_str!("../../migrations/0002_request_ids.sql"),
    ),
    fazhi_platform::db::audit::migration(3),
    EmbeddedMigration::new(
        4,
        "workflow",
        concat!(
            include_str!("../../migrations/0004_workflow.sql"),
            include_str!("../../migrations/0004_events_append_only.sqlite.sql")
        ),
    )
    .with_postgres(concat!(
        include_str!("../../migrations/0004_workflow.sql"),
        include_str!("../../migrations/0004_events_append_only.postgres.sql")
    )),
    EmbeddedMigration::new(
        5,
        "figures",
        concat!(
            include_str!("../../migrations/0005_figures.sql"),
            include_str!("../../migrations/0005_figures_backfill.sqlite.sql")
        ),
    )
    .with_postgres(concat!(
        include_str!("../../migrations/0005_figures.sql"),
        include_str!("../../migrations/0005_figures_backfill.postgres.sql")
    )),
    EmbeddedMigration::new(
        6,
        "outbox",
        include_str!("../../migrations/0006_outbox.sql"),
    ),
    EmbeddedMigration::new(
        7,
        "external ids",
        include_str!("../../migrations/0007_external_ids.sql"),
    ),
    EmbeddedMigration::new(
        8,
        "routing",
        include_str!("../../migrations/0008_routing.sql"),
    ),
    EmbeddedMigration::new(
        9,
        "concerns",
        include_str!("../../migrations/0009_concerns.sql"),
    ),
    EmbeddedMigration::new(
        10,
        "caller index",
        include_str!("../../migrations/0010_caller_index.sql"),
    ),
    EmbeddedMigration::new(
        11,
        "reminders",
        include_str!("../../migrations/0011_reminders.sql"),
    ),
    EmbeddedMigration::new(
        12,
        "outbox trace",
        include_str!("../../migrations/0012_outbox_trace.sql"),
    ),
    EmbeddedMigration::new(
        13,
        "named officer index",
        include_str!("../../migrations/0013_named_officer_index.sql"),
    ),
    EmbeddedMigration::new(14, "feed", include_str!("../../migrations/0014_feed.sql")),
    EmbeddedMigration::new(
        15,
        "deliveries",
        include_str!("../../migrations/0015_deliveries.sql"),
    ),
    EmbeddedMigration::new(
        16,
        "case milestones",
        include_str!("../../migrations/0016_case_milestones.sql"),
    ),
    EmbeddedMigration::new(
        17,
        "feed retention",
        include_str!("../../migrations/0017_feed_retention.sql"),
    ),
    EmbeddedMigration::new(
        18,
        "entered after the fact",
        include_str!("../../migrations/0018_entered_after.sql"),
    ),
    EmbeddedMigration::new(
        19,
        "duplicate of",
        concat!(
            include_str!("../../migrations/0019_duplicate_of.sql"),
            include_str!("../../migrations/0019_duplicate_of_backfill.sqlite.sql")
        ),
    )
    .with_postgres(concat!(
        include_str!("../../migrations/0019_duplicate_of.sql"),
        include_str!("../../migrations/0019_duplicate_of_backfill.postgres.sql")
    )),
    EmbeddedMigration::new(
        20,
        "figures basis",
        include_str!("../../migrations/0020_figures_basis.sql"),
    ),
    EmbeddedMigration::new(
        21,
        "first answer index",
        include_str!("../../migrations/0021_first_answer_index.sql"),
    ),
    EmbeddedMigration::new(
        22,
        "monthly figures",
        include_str!("../../migrations/0022_monthly_figures.sql"),
    ),
];
