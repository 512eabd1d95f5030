//! What the SQL backends share: the migrations' bookkeeping and how a [`Completion`] maps to
//! column values.

use chrono::{DateTime, Utc};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::SqlSafeStr;

use super::record::DeliveryStatus;
use super::store::{Completion, StoreError};

/// The table in which the inbox records its applied migrations: its own, so that it never
/// mixes with an application's `_sqlx_migrations` in the same database.
pub(super) const MIGRATIONS_TABLE: &str = "steppay_inbox_migrations";

/// A migrator for the embedded migration files (`(version, description, sql)`).
pub(super) fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(
                version,
                description.into(),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    let mut migrator = Migrator::with_migrations(migrations);
    migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
    migrator
}

/// The column values an attempt's end writes.
#[derive(Debug)]
pub(super) struct Finish {
    pub status: DeliveryStatus,
    pub processed_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Whether the resource's applied as-of time may rise to the delivery's.
    pub advance: bool,
}

impl Finish {
    pub fn of(completion: Completion, now: DateTime<Utc>) -> Self {
        let (status, processed_at, next_attempt_at, last_error) = match completion {
            Completion::Processed => (DeliveryStatus::Processed, Some(now), None, None),
            Completion::Stale => (DeliveryStatus::Stale, Some(now), None, None),
            Completion::Retry { at, error } => {
                (DeliveryStatus::Pending, None, Some(at), Some(error))
            }
            Completion::Dead { error } => (DeliveryStatus::Dead, None, None, Some(error)),
            Completion::Unreadable { error } => {
                (DeliveryStatus::Unreadable, None, None, Some(error))
            }
        };
        Self {
            advance: status == DeliveryStatus::Processed,
            status,
            processed_at,
            next_attempt_at,
            last_error,
        }
    }
}

/// Maps a driver error during `operation`.
pub(super) fn db(operation: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| StoreError::database(operation, error)
}

/// A column that must fit in `u32`.
pub(super) fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}
