//! [`SqliteStore`] (feature `sqlite`): the inbox in an embedded SQLite file.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Connection, Row, Sqlite, SqliteConnection, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::record::{Classification, Delivery, DeliveryId, DeliveryStatus, NewDelivery};
use super::sql::{count, db, migrator, Finish};
use super::store::{
    ClaimRequest, Claimed, Completion, DeliveryFilter, InboxStore, Inserted, StoreError,
    StoreFuture,
};
use crate::{Resource, ResourceKind};

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "inbox",
    include_str!("../../migrations/sqlite/0001_inbox.sql"),
)];

/// No pending delivery of the same resource goes before `d` (smaller `(as_of, id)`).
macro_rules! not_behind {
    () => {
        "NOT EXISTS (SELECT 1 FROM steppay_inbox_deliveries e \
           WHERE e.status = 'pending' AND e.resource_kind = d.resource_kind \
             AND e.resource_id = d.resource_id \
             AND (e.as_of < d.as_of OR (e.as_of = d.as_of AND e.id < d.id)))"
    };
}

macro_rules! columns {
    () => {
        "id, fingerprint, event_name, is_test, signature_timestamp, received_at, body, \
         resource_kind, resource_id, as_of, status, attempts, next_attempt_at, locked_until, \
         last_error, processed_at, duplicates, replays"
    };
}

/// How hard SQLite works to keep what it has written: its `synchronous` setting, in WAL mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SqliteDurability {
    /// `synchronous = FULL` (the default): every commit reaches the disk before the
    /// delivery is acknowledged, so an acknowledged delivery survives a power cut or an
    /// operating-system crash.
    #[default]
    Full,
    /// `synchronous = NORMAL`: commits reach the operating system at once and the disk at
    /// each WAL checkpoint. An acknowledged delivery survives a crash of the receiver process,
    /// but the last ones before a power cut or an operating-system crash may be lost (the
    /// database stays consistent). Faster; see the README's figures.
    Normal,
}

/// An [`InboxStore`] in an embedded SQLite file: the inbox of a single receiver, with no
/// database server to run.
///
/// [`SqliteStore::open`] creates the file if needed, turns on WAL (readers never wait for
/// the writer), waits up to 5 s for a busy database instead of failing, and uses
/// `synchronous = FULL` so that a delivery acknowledged with 200 survives a power cut
/// ([`SqliteStore::open_with`] chooses [`SqliteDurability::Normal`] instead). The schema is
/// created by the migrations the crate ships (tracked in the table
/// `steppay_inbox_migrations`, so the file may also hold your own tables).
///
/// Several processes may open the same file (claims run in `BEGIN IMMEDIATE` transactions,
/// which SQLite serializes), but for several receivers on several machines use
/// `PostgresStore`.
///
/// Needs Rust 1.94 (sqlx 0.9).
///
/// **Group commit.** SQLite lets one transaction write at a time, and with `synchronous =
/// FULL` each commit waits for the disk. So the store's hot writes (storing, claiming and
/// finishing deliveries) go to one writer task per store, which runs everything queued
/// meanwhile in one transaction and answers each once the transaction is committed (if the
/// transaction fails, each write runs again alone, so that one failing write fails alone). A
/// burst of deliveries then costs a few commits instead of one each, and nothing is
/// acknowledged before it is on disk. Opening a store spawns the writer on the current tokio
/// runtime; it ends when the last clone of the store is dropped.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: mpsc::Sender<Write>,
}

impl SqliteStore {
    /// Opens (or creates) the inbox in the SQLite file at `path` and runs the migrations.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or created, or the migrations fail.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteDurability::Full).await
    }

    /// Opens the inbox in the SQLite file at `path` only if one is there, as
    /// [`connect_existing`](super::connect_existing) does: a missing file or a file without
    /// the inbox's tables is [`StoreError::NoInbox`], and is left exactly as it was (it is
    /// looked at read-only first: opening it as a store would switch it to write-ahead
    /// logging).
    ///
    /// # Errors
    ///
    /// [`StoreError::NoInbox`]; when the file cannot be read, or the migrations fail.
    pub async fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::NoInbox {
                what: "no such file",
            });
        }
        let mut probe = SqliteConnection::connect_with(
            &SqliteConnectOptions::new().filename(path).read_only(true),
        )
        .await
        .map_err(db("open"))?;
        let has_inbox = sqlx::query(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'steppay_inbox_deliveries'",
        )
        .fetch_optional(&mut probe)
        .await
        .map_err(db("open"))?
        .is_some();
        probe.close().await.map_err(db("open"))?;
        if !has_inbox {
            return Err(StoreError::NoInbox {
                what: "no inbox tables",
            });
        }
        Self::connect_with(Self::options(path).create_if_missing(false)).await
    }

    /// [`SqliteStore::open`] with the given durability.
    ///
    /// ```no_run
    /// use steppay_webhook::inbox::{SqliteDurability, SqliteStore};
    ///
    /// # async fn run() -> Result<(), steppay_webhook::inbox::StoreError> {
    /// // Survives a crash of the process, not a power cut: see SqliteDurability::Normal.
    /// let store = SqliteStore::open_with("steppay-inbox.sqlite", SqliteDurability::Normal).await?;
    /// # let _ = store; Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or created, or the migrations fail.
    pub async fn open_with(
        path: impl AsRef<Path>,
        durability: SqliteDurability,
    ) -> Result<Self, StoreError> {
        let synchronous = match durability {
            SqliteDurability::Full => SqliteSynchronous::Full,
            SqliteDurability::Normal => SqliteSynchronous::Normal,
        };
        Self::connect_with(Self::options(path).synchronous(synchronous)).await
    }

    /// The connection options [`SqliteStore::open`] uses; change them and pass them to
    /// [`SqliteStore::connect_with`].
    pub fn options(path: impl AsRef<Path>) -> SqliteConnectOptions {
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
    }

    /// Opens the inbox with these connection options and runs the migrations.
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(db("connect"))?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool and runs the migrations.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        migrator(MIGRATIONS)
            .run(&pool)
            .await
            .map_err(|error| StoreError::Migration(Box::new(error)))?;
        let (writer, writes) = mpsc::channel(WRITE_QUEUE);
        tokio::spawn(write_batches(pool.clone(), writes));
        Ok(Self { pool, writer })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin(
        &self,
        operation: &'static str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        begin(&self.pool, operation).await
    }

    /// Queues a write for the writer task and waits for its answer.
    async fn write<T>(
        &self,
        write: Write,
        answer: oneshot::Receiver<Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let gone = || StoreError::database("write", "the SQLite writer task has stopped");
        self.writer.send(write).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// A write transaction. IMMEDIATE takes the write lock first, so what the transaction reads
/// stays true until it commits, across connections and processes.
async fn begin(
    pool: &SqlitePool,
    operation: &'static str,
) -> Result<Transaction<'static, Sqlite>, StoreError> {
    pool.begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db(operation))
}

/// How many writes may wait for the writer; more wait to be queued.
const WRITE_QUEUE: usize = 1024;

/// The most writes one transaction of the writer runs.
const WRITE_BATCH: usize = 256;

/// A write for the writer task, with where to send its result.
#[derive(Debug)]
enum Write {
    Insert(NewDelivery, oneshot::Sender<Result<Inserted, StoreError>>),
    Claim(
        ClaimRequest,
        oneshot::Sender<Result<Vec<Claimed>, StoreError>>,
    ),
    Finish {
        id: DeliveryId,
        token: i64,
        now: DateTime<Utc>,
        completion: Completion,
        reply: oneshot::Sender<Result<bool, StoreError>>,
    },
}

/// What a write returned.
enum Applied {
    Inserted(Inserted),
    Claimed(Vec<Claimed>),
    Finished(bool),
}

impl Write {
    /// Runs this write in `tx`. It can run again: a batch whose transaction failed is
    /// replayed write by write.
    async fn apply(&self, tx: &mut SqliteConnection) -> Result<Applied, StoreError> {
        Ok(match self {
            Write::Insert(new, _) => Applied::Inserted(insert_in(tx, new).await?),
            Write::Claim(request, _) => Applied::Claimed(claim_in(tx, *request).await?),
            Write::Finish {
                id,
                token,
                now,
                completion,
                ..
            } => Applied::Finished(finish_in(tx, *id, *token, *now, completion.clone()).await?),
        })
    }

    /// Answers the caller. (A caller that no longer waits has gone: nothing to do.)
    fn reply(self, result: Result<Applied, StoreError>) {
        let mismatch = || StoreError::database("write", "a write got another write's result");
        match self {
            Write::Insert(_, reply) => {
                let _ = reply.send(result.and_then(|applied| match applied {
                    Applied::Inserted(inserted) => Ok(inserted),
                    _ => Err(mismatch()),
                }));
            }
            Write::Claim(_, reply) => {
                let _ = reply.send(result.and_then(|applied| match applied {
                    Applied::Claimed(claimed) => Ok(claimed),
                    _ => Err(mismatch()),
                }));
            }
            Write::Finish { reply, .. } => {
                let _ = reply.send(result.and_then(|applied| match applied {
                    Applied::Finished(finished) => Ok(finished),
                    _ => Err(mismatch()),
                }));
            }
        }
    }
}

/// The writer task: runs the queued writes in batches, one transaction each, on a
/// connection of its own (so that it never waits for the pool behind readers).
async fn write_batches(pool: SqlitePool, mut writes: mpsc::Receiver<Write>) {
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    let mut connection: Option<PoolConnection<Sqlite>> = None;
    while writes.recv_many(&mut batch, WRITE_BATCH).await > 0 {
        let conn = match connection.take() {
            Some(conn) => Ok(conn),
            None => pool.acquire().await.map_err(db("connect")),
        };
        let mut conn = match conn {
            Ok(conn) => conn,
            Err(error) => {
                for write in batch.drain(..) {
                    write.reply(Err(StoreError::database("write", error.to_string())));
                }
                continue;
            }
        };
        match run_all(&mut conn, &batch).await {
            Ok(results) => {
                for (write, result) in batch.drain(..).zip(results) {
                    write.reply(Ok(result));
                }
                connection = Some(conn);
            }
            // Rare (a database error, not a duplicate or a lost lease, which are results):
            // nothing of the batch was committed, so each write runs again in a transaction
            // of its own and fails alone.
            Err(_) => {
                for write in batch.drain(..) {
                    let result = run_all(&mut conn, std::slice::from_ref(&write)).await;
                    write.reply(result.and_then(|mut results| {
                        results
                            .pop()
                            .ok_or_else(|| StoreError::database("write", "no result"))
                    }));
                }
            }
        }
        // After a failure the connection goes back to the pool (which checks it before it
        // is used again) and the next batch takes one from the pool.
    }
}

/// Runs `writes` in one transaction: all their results once committed, or the first error
/// (then nothing was committed).
async fn run_all(
    conn: &mut SqliteConnection,
    writes: &[Write],
) -> Result<Vec<Applied>, StoreError> {
    let mut tx = conn
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db("write"))?;
    let mut results = Vec::with_capacity(writes.len());
    for write in writes {
        results.push(write.apply(&mut tx).await?);
    }
    tx.commit().await.map_err(db("commit"))?;
    Ok(results)
}

fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

fn opt_micros(time: Option<DateTime<Utc>>) -> Option<i64> {
    time.map(micros)
}

fn time(value: Option<i64>) -> Option<DateTime<Utc>> {
    value.and_then(DateTime::from_timestamp_micros)
}

fn delivery(row: &SqliteRow) -> Result<Delivery, StoreError> {
    let get = |e: sqlx::Error| StoreError::database("read row", e);
    let id = DeliveryId(row.try_get("id").map_err(get)?);
    let status: String = row.try_get("status").map_err(get)?;
    let status = status
        .parse()
        .map_err(|e: super::UnknownStatus| StoreError::Corrupt {
            id,
            reason: e.to_string(),
        })?;
    let kind: Option<String> = row.try_get("resource_kind").map_err(get)?;
    let resource_id: Option<String> = row.try_get("resource_id").map_err(get)?;
    let resource = match (kind, resource_id) {
        (Some(kind), Some(rid)) => Some(Resource::new(
            kind.parse::<ResourceKind>()
                .unwrap_or_else(|never| match never {}),
            rid,
        )),
        _ => None,
    };
    Ok(Delivery {
        id,
        fingerprint: row.try_get("fingerprint").map_err(get)?,
        event_name: row.try_get("event_name").map_err(get)?,
        is_test: row.try_get("is_test").map_err(get)?,
        signature_timestamp: row.try_get("signature_timestamp").map_err(get)?,
        received_at: time(Some(row.try_get("received_at").map_err(get)?)).unwrap_or_default(),
        resource,
        as_of: time(row.try_get("as_of").map_err(get)?),
        status,
        attempts: count(row.try_get("attempts").map_err(get)?),
        next_attempt_at: time(row.try_get("next_attempt_at").map_err(get)?),
        locked_until: time(row.try_get("locked_until").map_err(get)?),
        last_error: row.try_get("last_error").map_err(get)?,
        processed_at: time(row.try_get("processed_at").map_err(get)?),
        duplicates: count(row.try_get("duplicates").map_err(get)?),
        replays: count(row.try_get("replays").map_err(get)?),
        body: row.try_get("body").map_err(get)?,
    })
}

/// Stores a delivery, inside the writer's transaction.
async fn insert_in(tx: &mut SqliteConnection, new: &NewDelivery) -> Result<Inserted, StoreError> {
    let op = "insert";
    let next_attempt_at = (new.status == DeliveryStatus::Pending)
        .then(|| micros(new.next_attempt_at.unwrap_or(new.received_at)));
    let (kind, rid) = match &new.resource {
        Some(r) => (Some(r.kind.as_str().to_owned()), Some(r.id.clone())),
        None => (None, None),
    };
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO steppay_inbox_deliveries (fingerprint, event_name, is_test, \
             signature_timestamp, received_at, body, resource_kind, resource_id, as_of, status, \
             next_attempt_at, last_error) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
    )
    .bind(&new.fingerprint)
    .bind(&new.event_name)
    .bind(new.is_test)
    .bind(new.signature_timestamp)
    .bind(micros(new.received_at))
    .bind(&new.body)
    .bind(&kind)
    .bind(&rid)
    .bind(opt_micros(new.as_of))
    .bind(new.status.as_str())
    .bind(next_attempt_at)
    .bind(&new.last_error)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db(op))?;
    let result = match inserted {
        Some(id) => {
            if let (Some(kind), Some(rid)) = (&kind, &rid) {
                sqlx::query(
                    "INSERT INTO steppay_inbox_resources (kind, id) VALUES (?1, ?2) \
                         ON CONFLICT DO NOTHING",
                )
                .bind(kind)
                .bind(rid)
                .execute(&mut *tx)
                .await
                .map_err(db(op))?;
            }
            Inserted::New(DeliveryId(id))
        }
        None => {
            let row = sqlx::query(
                "UPDATE steppay_inbox_deliveries SET duplicates = duplicates + 1, \
                     last_duplicate_at = ?2 WHERE fingerprint = ?1 RETURNING id, status",
            )
            .bind(&new.fingerprint)
            .bind(micros(new.received_at))
            .fetch_one(&mut *tx)
            .await
            .map_err(db(op))?;
            let original = DeliveryId(row.try_get("id").map_err(db(op))?);
            let status: String = row.try_get("status").map_err(db(op))?;
            let status = status
                .parse()
                .map_err(|e: super::UnknownStatus| StoreError::Corrupt {
                    id: original,
                    reason: e.to_string(),
                })?;
            Inserted::Duplicate { original, status }
        }
    };
    Ok(result)
}

/// The head of each resource's queue that is due, when no lease on the resource runs.
const DUE_HEADS: &str = concat!(
    "SELECT d.id AS id, r.applied_as_of AS applied_as_of, r.kind AS kind, r.id AS rid \
     FROM steppay_inbox_deliveries d \
     JOIN steppay_inbox_resources r ON r.kind = d.resource_kind AND r.id = d.resource_id \
     WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 \
       AND (r.locked_until IS NULL OR r.locked_until <= ?1) AND ",
    not_behind!(),
    " ORDER BY d.next_attempt_at, d.id LIMIT ?2"
);

/// The one delivery a claim asks for, due or not, if it heads its resource's queue and no
/// lease on the resource runs.
const ONE_HEAD: &str = concat!(
    "SELECT d.id AS id, r.applied_as_of AS applied_as_of, r.kind AS kind, r.id AS rid \
     FROM steppay_inbox_deliveries d \
     JOIN steppay_inbox_resources r ON r.kind = d.resource_kind AND r.id = d.resource_id \
     WHERE d.id = ?2 AND d.status = 'pending' \
       AND (r.locked_until IS NULL OR r.locked_until <= ?1) AND ",
    not_behind!()
);

/// Leases a batch of due deliveries, inside the writer's transaction.
async fn claim_in(
    tx: &mut SqliteConnection,
    request: ClaimRequest,
) -> Result<Vec<Claimed>, StoreError> {
    let op = "claim";
    let now = micros(request.now);
    let until = micros(request.lease_until);
    let only = request.only.map(|id| id.0);
    let heads = match only {
        None => sqlx::query(DUE_HEADS)
            .bind(now)
            .bind(i64::from(request.limit))
            .fetch_all(&mut *tx)
            .await
            .map_err(db(op))?,
        Some(id) => sqlx::query(ONE_HEAD)
            .bind(now)
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db(op))?,
    };
    let mut picked: Vec<(i64, Option<i64>)> = Vec::new();
    for row in &heads {
        let id: i64 = row.try_get("id").map_err(db(op))?;
        let kind: String = row.try_get("kind").map_err(db(op))?;
        let rid: String = row.try_get("rid").map_err(db(op))?;
        sqlx::query(
            "UPDATE steppay_inbox_resources SET locked_until = ?3, lease_token = ?4 \
                 WHERE kind = ?1 AND id = ?2",
        )
        .bind(kind)
        .bind(rid)
        .bind(until)
        .bind(request.token)
        .execute(&mut *tx)
        .await
        .map_err(db(op))?;
        picked.push((id, row.try_get("applied_as_of").map_err(db(op))?));
    }
    let room = i64::from(request.limit) - i64::try_from(picked.len()).unwrap_or(i64::MAX);
    if room > 0 {
        // Deliveries about no resource, one by one.
        let loose: Vec<i64> = match only {
            None => sqlx::query_scalar(
                "SELECT id FROM steppay_inbox_deliveries \
                     WHERE status = 'pending' AND resource_kind IS NULL AND next_attempt_at <= ?1 \
                       AND (locked_until IS NULL OR locked_until <= ?1) \
                     ORDER BY next_attempt_at, id LIMIT ?2",
            )
            .bind(now)
            .bind(room),
            Some(id) => sqlx::query_scalar(
                "SELECT id FROM steppay_inbox_deliveries \
                     WHERE id = ?2 AND status = 'pending' AND resource_kind IS NULL \
                       AND (locked_until IS NULL OR locked_until <= ?1)",
            )
            .bind(now)
            .bind(id),
        }
        .fetch_all(&mut *tx)
        .await
        .map_err(db(op))?;
        picked.extend(loose.into_iter().map(|id| (id, None)));
    }
    let mut claimed = Vec::with_capacity(picked.len());
    for (id, applied) in picked {
        let row = sqlx::query(concat!(
            "UPDATE steppay_inbox_deliveries SET attempts = attempts + 1, locked_until = ?2, \
                 lease_token = ?3 WHERE id = ?1 RETURNING ",
            columns!()
        ))
        .bind(id)
        .bind(until)
        .bind(request.token)
        .fetch_one(&mut *tx)
        .await
        .map_err(db(op))?;
        claimed.push(Claimed::new(delivery(&row)?, time(applied)));
    }
    Ok(claimed)
}

/// Ends an attempt under its lease, inside the writer's transaction. Changes nothing when
/// the lease no longer holds.
async fn finish_in(
    tx: &mut SqliteConnection,
    id: DeliveryId,
    token: i64,
    now: DateTime<Utc>,
    completion: Completion,
) -> Result<bool, StoreError> {
    let op = "finish";
    let finish = Finish::of(completion, now);
    let Some(row) = sqlx::query(
        "SELECT resource_kind, resource_id, as_of FROM steppay_inbox_deliveries \
             WHERE id = ?1 AND lease_token = ?2 AND status = 'pending'",
    )
    .bind(id.0)
    .bind(token)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db(op))?
    else {
        return Ok(false);
    };
    let kind: Option<String> = row.try_get("resource_kind").map_err(db(op))?;
    let rid: Option<String> = row.try_get("resource_id").map_err(db(op))?;
    let as_of: Option<i64> = row.try_get("as_of").map_err(db(op))?;
    if let (Some(kind), Some(rid)) = (kind, rid) {
        // Raise the applied as-of time (never lower it) and release the resource, in the
        // same transaction that marks the delivery.
        let updated = sqlx::query(
                "UPDATE steppay_inbox_resources SET \
                   applied_delivery = CASE WHEN ?3 AND (applied_as_of IS NULL OR applied_as_of <= ?4) \
                     THEN ?5 ELSE applied_delivery END, \
                   applied_as_of = CASE WHEN ?3 AND (applied_as_of IS NULL OR applied_as_of < ?4) \
                     THEN ?4 ELSE applied_as_of END, \
                   locked_until = NULL, lease_token = NULL \
                 WHERE kind = ?1 AND id = ?2 AND lease_token = ?6",
            )
            .bind(kind)
            .bind(rid)
            .bind(finish.advance)
            .bind(as_of)
            .bind(id.0)
            .bind(token)
            .execute(&mut *tx)
            .await
            .map_err(db(op))?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
    }
    sqlx::query(
        "UPDATE steppay_inbox_deliveries SET status = ?3, processed_at = ?4, \
               next_attempt_at = ?5, last_error = COALESCE(?6, last_error), \
               locked_until = NULL, lease_token = NULL \
             WHERE id = ?1 AND lease_token = ?2",
    )
    .bind(id.0)
    .bind(token)
    .bind(finish.status.as_str())
    .bind(opt_micros(finish.processed_at))
    .bind(opt_micros(finish.next_attempt_at))
    .bind(finish.last_error)
    .execute(&mut *tx)
    .await
    .map_err(db(op))?;
    Ok(true)
}

impl SqliteStore {
    async fn requeue_now(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
        reclassified: Option<Classification>,
    ) -> Result<Option<DeliveryStatus>, StoreError> {
        let op = "requeue";
        let mut tx = self.begin(op).await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM steppay_inbox_deliveries WHERE id = ?1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db(op))?;
        match status.as_deref() {
            None | Some("pending") => return Ok(None),
            Some(_) => {}
        }
        if let Some(class) = &reclassified {
            let (kind, rid) = match &class.resource {
                Some(r) => (Some(r.kind.as_str().to_owned()), Some(r.id.clone())),
                None => (None, None),
            };
            sqlx::query(
                "UPDATE steppay_inbox_deliveries SET event_name = ?2, resource_kind = ?3, \
                 resource_id = ?4, as_of = ?5, last_error = COALESCE(?6, last_error) WHERE id = ?1",
            )
            .bind(id.0)
            .bind(&class.event_name)
            .bind(&kind)
            .bind(&rid)
            .bind(opt_micros(class.as_of))
            .bind(&class.error)
            .execute(&mut *tx)
            .await
            .map_err(db(op))?;
            if let (Some(kind), Some(rid)) = (kind, rid) {
                sqlx::query(
                    "INSERT INTO steppay_inbox_resources (kind, id) VALUES (?1, ?2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(kind)
                .bind(rid)
                .execute(&mut *tx)
                .await
                .map_err(db(op))?;
            }
        }
        sqlx::query(
            "UPDATE steppay_inbox_deliveries SET status = 'pending', attempts = 0, \
             next_attempt_at = ?2, locked_until = NULL, lease_token = NULL, processed_at = NULL, \
             replays = replays + 1 WHERE id = ?1",
        )
        .bind(id.0)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(db(op))?;
        tx.commit().await.map_err(db(op))?;
        Ok(Some(DeliveryStatus::Pending))
    }
}

impl InboxStore for SqliteStore {
    fn insert(&self, delivery: NewDelivery) -> StoreFuture<'_, Inserted> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.write(Write::Insert(delivery, reply), answer).await
        })
    }

    fn claim(&self, request: ClaimRequest) -> StoreFuture<'_, Vec<Claimed>> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.write(Write::Claim(request, reply), answer).await
        })
    }

    fn finish(
        &self,
        id: DeliveryId,
        token: i64,
        now: DateTime<Utc>,
        completion: Completion,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            let write = Write::Finish {
                id,
                token,
                now,
                completion,
                reply,
            };
            self.write(write, answer).await
        })
    }

    fn get(&self, id: DeliveryId) -> StoreFuture<'_, Option<Delivery>> {
        Box::pin(async move {
            let row = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM steppay_inbox_deliveries WHERE id = ?1"
            ))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("get"))?;
            row.as_ref().map(delivery).transpose()
        })
    }

    fn list<'a>(&'a self, filter: &'a DeliveryFilter) -> StoreFuture<'a, Vec<Delivery>> {
        Box::pin(async move {
            let (kind, rid) = match &filter.resource {
                Some(r) => (Some(r.kind.as_str()), Some(r.id.as_str())),
                None => (None, None),
            };
            let rows = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM steppay_inbox_deliveries \
                 WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR event_name = ?2) \
                   AND (?3 IS NULL OR (resource_kind = ?3 AND resource_id = ?4)) \
                   AND (?5 IS NULL OR id < ?5) \
                 ORDER BY id DESC LIMIT ?6"
            ))
            .bind(filter.status.map(DeliveryStatus::as_str))
            .bind(filter.event_name.as_deref())
            .bind(kind)
            .bind(rid)
            .bind(filter.before.map(|id| id.0))
            .bind(i64::from(filter.effective_limit()))
            .fetch_all(&self.pool)
            .await
            .map_err(db("list"))?;
            rows.iter().map(delivery).collect()
        })
    }

    fn requeue(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
        reclassified: Option<Classification>,
    ) -> StoreFuture<'_, Option<DeliveryStatus>> {
        Box::pin(self.requeue_now(id, now, reclassified))
    }

    fn purge_processed(&self, before: DateTime<Utc>) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let result = sqlx::query(
                "DELETE FROM steppay_inbox_deliveries \
                 WHERE status IN ('processed', 'stale') AND processed_at < ?1",
            )
            .bind(micros(before))
            .execute(&self.pool)
            .await
            .map_err(db("purge"))?;
            Ok(result.rows_affected())
        })
    }

    fn applied_as_of<'a>(
        &'a self,
        resource: &'a Resource,
    ) -> StoreFuture<'a, Option<DateTime<Utc>>> {
        Box::pin(async move {
            let value: Option<Option<i64>> = sqlx::query_scalar(
                "SELECT applied_as_of FROM steppay_inbox_resources WHERE kind = ?1 AND id = ?2",
            )
            .bind(resource.kind.as_str())
            .bind(&resource.id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("applied_as_of"))?;
            Ok(time(value.flatten()))
        })
    }

    fn count_by_status(&self) -> StoreFuture<'_, Vec<(DeliveryStatus, u64)>> {
        Box::pin(async move {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT status, COUNT(*) FROM steppay_inbox_deliveries GROUP BY status ORDER BY status",
            )
            .fetch_all(&self.pool)
            .await
            .map_err(db("count"))?;
            let mut counts: Vec<(DeliveryStatus, u64)> = rows
                .into_iter()
                .filter_map(|(status, n)| Some((status.parse().ok()?, n.max(0) as u64)))
                .collect();
            counts.sort();
            Ok(counts)
        })
    }
}
