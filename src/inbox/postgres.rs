//! [`PostgresStore`] (feature `postgres`): the inbox in PostgreSQL, shared by several receivers.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
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
    include_str!("../../migrations/postgres/0001_inbox.sql"),
)];

/// No pending delivery of the same resource goes before `d` (smaller `(as_of, id)`).
macro_rules! not_behind {
    () => {
        "NOT EXISTS (SELECT 1 FROM steppay_inbox_deliveries e \
           WHERE e.status = 'pending' AND e.resource_kind = d.resource_kind \
             AND e.resource_id = d.resource_id \
             AND (e.as_of, e.id) < (d.as_of, d.id))"
    };
}

macro_rules! columns {
    () => {
        "id, fingerprint, event_name, is_test, signature_timestamp, received_at, body, \
         resource_kind, resource_id, as_of, status, attempts, next_attempt_at, locked_until, \
         last_error, processed_at, duplicates, replays"
    };
}

/// An [`InboxStore`] in PostgreSQL: the inbox of several receiver processes behind a load
/// balancer, all sharing one database.
///
/// Every receiver may run a worker: claims lock the rows they take with
/// `FOR UPDATE SKIP LOCKED` and give the delivery and its resource a lease, so each
/// delivery is processed by one worker at a time and each resource has at most one delivery
/// in flight across all processes.
///
/// The schema is created by the migrations the crate ships, tracked in the table
/// `steppay_inbox_migrations` (never mixed with your own `_sqlx_migrations`). By default the
/// tables go into the connection's current schema; [`PostgresStore::connect_in_schema`] keeps
/// them in a schema of their own.
///
/// Needs Rust 1.94 (sqlx 0.9).
///
/// **Batched finishing.** Recording the end of attempts (processed, retry, dead, ...) goes to
/// one finisher task per store, which records everything queued meanwhile in one
/// transaction of a few set-based statements: the lease of each delivery and of its resource
/// is checked and locked, then the deliveries and resources are updated. A worker processing
/// many deliveries at once then costs a few round trips and one commit per batch, instead of
/// four round trips and a commit each. Connecting spawns the finisher on the current tokio
/// runtime; it ends when the last clone of the store is dropped.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    finisher: mpsc::Sender<FinishRequest>,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host/database`) and runs
    /// the migrations.
    ///
    /// # Errors
    ///
    /// When the URL is invalid, the server cannot be reached, or the migrations fail.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(db("connect"))?;
        Self::connect_with(options, None).await
    }

    /// Connects and keeps the inbox's tables in `schema` (created if missing; a plain
    /// lowercase identifier: letters, digits, `_`), by setting each connection's
    /// `search_path` to it.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(db("connect"))?;
        Self::connect_with(options, Some(schema)).await
    }

    /// Connects to the inbox at `url` only if the database has one, as
    /// [`connect_existing`](super::connect_existing) does: without the inbox's tables (in the
    /// connection's `search_path`) it is [`StoreError::NoInbox`] and nothing is created.
    ///
    /// # Errors
    ///
    /// [`StoreError::NoInbox`]; when the URL is invalid, the server cannot be reached, or the
    /// migrations fail.
    pub async fn connect_existing(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(db("connect"))?;
        let pool = Self::pool_for(options).await?;
        let has_inbox: bool =
            sqlx::query_scalar("SELECT to_regclass('steppay_inbox_deliveries') IS NOT NULL")
                .fetch_one(&pool)
                .await
                .map_err(db("connect"))?;
        if !has_inbox {
            pool.close().await;
            return Err(StoreError::NoInbox {
                what: "no inbox tables",
            });
        }
        Self::from_pool(pool).await
    }

    /// The pool every store uses.
    async fn pool_for(options: PgConnectOptions) -> Result<PgPool, StoreError> {
        PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(db("connect"))
    }

    /// Connects with these options (and optionally a schema of its own) and runs the
    /// migrations.
    pub async fn connect_with(
        options: PgConnectOptions,
        schema: Option<&str>,
    ) -> Result<Self, StoreError> {
        let options = match schema {
            Some(schema) => {
                let valid = !schema.is_empty()
                    && schema.len() <= 63
                    && !schema.starts_with(|c: char| c.is_ascii_digit())
                    && schema
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !valid {
                    return Err(StoreError::database(
                        "connect",
                        format!(
                            "invalid schema name {:?}",
                            schema.chars().take(64).collect::<String>()
                        ),
                    ));
                }
                options.options([("search_path", schema)])
            }
            None => options,
        };
        let pool = Self::pool_for(options).await?;
        let mut migrator = migrator(MIGRATIONS);
        if let Some(schema) = schema {
            migrator.create_schema(schema.to_owned());
        }
        migrator
            .run(&pool)
            .await
            .map_err(|error| StoreError::Migration(Box::new(error)))?;
        Ok(Self::started(pool))
    }

    /// The store on a migrated pool, with its finisher task.
    fn started(pool: PgPool) -> Self {
        let (finisher, requests) = mpsc::channel(FINISH_QUEUE);
        tokio::spawn(finish_batches(pool.clone(), requests));
        Self { pool, finisher }
    }

    /// Uses an existing pool (its connections' `search_path` decides the schema) and runs the
    /// migrations.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        migrator(MIGRATIONS)
            .run(&pool)
            .await
            .map_err(|error| StoreError::Migration(Box::new(error)))?;
        Ok(Self::started(pool))
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin(
        &self,
        operation: &'static str,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(db(operation))
    }
}

fn parse_status(id: DeliveryId, status: &str) -> Result<DeliveryStatus, StoreError> {
    status
        .parse()
        .map_err(|e: super::UnknownStatus| StoreError::Corrupt {
            id,
            reason: e.to_string(),
        })
}

fn delivery(row: &PgRow) -> Result<Delivery, StoreError> {
    let get = |e: sqlx::Error| StoreError::database("read row", e);
    let id = DeliveryId(row.try_get("id").map_err(get)?);
    let status: String = row.try_get("status").map_err(get)?;
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
        received_at: row.try_get("received_at").map_err(get)?,
        resource,
        as_of: row.try_get("as_of").map_err(get)?,
        status: parse_status(id, &status)?,
        attempts: count(i64::from(row.try_get::<i32, _>("attempts").map_err(get)?)),
        next_attempt_at: row.try_get("next_attempt_at").map_err(get)?,
        locked_until: row.try_get("locked_until").map_err(get)?,
        last_error: row.try_get("last_error").map_err(get)?,
        processed_at: row.try_get("processed_at").map_err(get)?,
        duplicates: count(i64::from(row.try_get::<i32, _>("duplicates").map_err(get)?)),
        replays: count(i64::from(row.try_get::<i32, _>("replays").map_err(get)?)),
        body: row.try_get("body").map_err(get)?,
    })
}

/// How many finishes may wait for the finisher; more wait to be queued.
const FINISH_QUEUE: usize = 1024;

/// The most finishes one transaction of the finisher records.
const FINISH_BATCH: usize = 256;

/// The end of one attempt, for the finisher task.
#[derive(Debug)]
struct FinishRequest {
    id: DeliveryId,
    token: i64,
    finish: Finish,
    reply: oneshot::Sender<Result<bool, StoreError>>,
}

/// The finisher task: records the queued finishes in batches, one transaction each.
async fn finish_batches(pool: PgPool, mut requests: mpsc::Receiver<FinishRequest>) {
    let mut batch = Vec::with_capacity(FINISH_BATCH);
    while requests.recv_many(&mut batch, FINISH_BATCH).await > 0 {
        let finished = finish_batch(&pool, &batch).await;
        for request in batch.drain(..) {
            let answer = match &finished {
                Ok(finished) => Ok(finished.contains(&request.id.0)),
                Err(error) => Err(StoreError::database("finish", error.clone())),
            };
            // A caller that no longer waits has gone: nothing to do.
            let _ = request.reply.send(answer);
        }
    }
}

/// Records a batch of finishes in one transaction; returns the ids whose lease still held
/// (those recorded), or why the transaction failed (then none was).
async fn finish_batch(
    pool: &PgPool,
    batch: &[FinishRequest],
) -> Result<std::collections::HashSet<i64>, String> {
    let text = |error: sqlx::Error| error.to_string();
    let mut tx = pool.begin().await.map_err(text)?;
    let ids: Vec<i64> = batch.iter().map(|r| r.id.0).collect();
    let tokens: Vec<i64> = batch.iter().map(|r| r.token).collect();
    // The deliveries their leases still hold, locked until the end of the transaction.
    let leased = sqlx::query(
        "SELECT d.id AS id, u.token AS token, d.resource_kind AS kind, d.resource_id AS rid, \
           d.as_of AS as_of \
         FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS u(id, token) \
         JOIN steppay_inbox_deliveries d \
           ON d.id = u.id AND d.lease_token = u.token AND d.status = 'pending' \
         ORDER BY d.id FOR UPDATE OF d",
    )
    .bind(&ids)
    .bind(&tokens)
    .fetch_all(&mut *tx)
    .await
    .map_err(text)?;
    struct Leased {
        id: i64,
        token: i64,
        resource: Option<(String, String)>,
        as_of: Option<DateTime<Utc>>,
    }
    let mut deliveries = Vec::with_capacity(leased.len());
    for row in &leased {
        let kind: Option<String> = row.try_get("kind").map_err(text)?;
        let rid: Option<String> = row.try_get("rid").map_err(text)?;
        deliveries.push(Leased {
            id: row.try_get("id").map_err(text)?,
            token: row.try_get("token").map_err(text)?,
            resource: kind.zip(rid),
            as_of: row.try_get("as_of").map_err(text)?,
        });
    }
    // Their resources, when the same leases still hold them, locked too.
    let (kinds, (rids, rtokens)): (Vec<String>, (Vec<String>, Vec<i64>)) = deliveries
        .iter()
        .filter_map(|d| {
            let (kind, rid) = d.resource.clone()?;
            Some((kind, (rid, d.token)))
        })
        .unzip();
    let held: Vec<(String, String)> = if kinds.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "SELECT r.kind, r.id FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BIGINT[]) AS u(kind, id, token) \
             JOIN steppay_inbox_resources r \
               ON r.kind = u.kind AND r.id = u.id AND r.lease_token = u.token \
             ORDER BY r.kind, r.id FOR UPDATE OF r",
        )
        .bind(&kinds)
        .bind(&rids)
        .bind(&rtokens)
        .fetch_all(&mut *tx)
        .await
        .map_err(text)?
    };
    let held: std::collections::HashSet<(String, String)> = held.into_iter().collect();
    let finishing: Vec<&Leased> = deliveries
        .iter()
        .filter(|d| d.resource.as_ref().is_none_or(|r| held.contains(r)))
        .collect();
    let finish_of = |id: i64| batch.iter().find(|r| r.id.0 == id).map(|r| &r.finish);
    let mut update = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut resources = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in &finishing {
        let Some(finish) = finish_of(d.id) else {
            continue;
        };
        update.0.push(d.id);
        update.1.push(finish.status.as_str());
        update.2.push(finish.processed_at);
        update.3.push(finish.next_attempt_at);
        update.4.push(finish.last_error.clone());
        if let Some((kind, rid)) = &d.resource {
            resources.0.push(kind.clone());
            resources.1.push(rid.clone());
            resources.2.push(finish.advance);
            resources.3.push(d.as_of);
            resources.4.push(d.id);
        }
    }
    if !update.0.is_empty() {
        sqlx::query(
            "UPDATE steppay_inbox_deliveries d SET status = u.status, \
               processed_at = u.processed_at, next_attempt_at = u.next_attempt_at, \
               last_error = COALESCE(u.last_error, d.last_error), \
               locked_until = NULL, lease_token = NULL \
             FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TIMESTAMPTZ[], $4::TIMESTAMPTZ[], $5::TEXT[]) \
               AS u(id, status, processed_at, next_attempt_at, last_error) \
             WHERE d.id = u.id",
        )
        .bind(&update.0)
        .bind(&update.1)
        .bind(&update.2)
        .bind(&update.3)
        .bind(&update.4)
        .execute(&mut *tx)
        .await
        .map_err(text)?;
    }
    if !resources.0.is_empty() {
        // Raises each applied as-of time (never lowers it) and releases the resource.
        sqlx::query(
            "UPDATE steppay_inbox_resources r SET \
               applied_delivery = CASE WHEN u.advance \
                 AND (r.applied_as_of IS NULL OR r.applied_as_of <= u.as_of) \
                 THEN u.delivery ELSE r.applied_delivery END, \
               applied_as_of = CASE WHEN u.advance \
                 AND (r.applied_as_of IS NULL OR r.applied_as_of < u.as_of) \
                 THEN u.as_of ELSE r.applied_as_of END, \
               locked_until = NULL, lease_token = NULL \
             FROM UNNEST($1::TEXT[], $2::TEXT[], $3::BOOLEAN[], $4::TIMESTAMPTZ[], $5::BIGINT[]) \
               AS u(kind, id, advance, as_of, delivery) \
             WHERE r.kind = u.kind AND r.id = u.id",
        )
        .bind(&resources.0)
        .bind(&resources.1)
        .bind(&resources.2)
        .bind(&resources.3)
        .bind(&resources.4)
        .execute(&mut *tx)
        .await
        .map_err(text)?;
    }
    tx.commit().await.map_err(text)?;
    Ok(update.0.into_iter().collect())
}

fn resource_columns(resource: Option<&Resource>) -> (Option<String>, Option<String>) {
    match resource {
        Some(r) => (Some(r.kind.as_str().to_owned()), Some(r.id.clone())),
        None => (None, None),
    }
}

impl PostgresStore {
    async fn insert_now(&self, new: NewDelivery) -> Result<Inserted, StoreError> {
        let op = "insert";
        let next_attempt_at = (new.status == DeliveryStatus::Pending)
            .then(|| new.next_attempt_at.unwrap_or(new.received_at));
        let (kind, rid) = resource_columns(new.resource.as_ref());
        // One statement, so one round trip and one commit: the resource's row (if new) and the
        // delivery (unless its fingerprint is stored already). Neither insert waits for a
        // claim that holds an existing row.
        let inserted: Option<i64> = sqlx::query_scalar(
            "WITH resource AS ( \
               INSERT INTO steppay_inbox_resources (kind, id) \
               SELECT $7, $8 WHERE $7::TEXT IS NOT NULL \
               ON CONFLICT DO NOTHING) \
             INSERT INTO steppay_inbox_deliveries (fingerprint, event_name, is_test, \
               signature_timestamp, received_at, body, resource_kind, resource_id, as_of, status, \
               next_attempt_at, last_error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
        )
        .bind(&new.fingerprint)
        .bind(&new.event_name)
        .bind(new.is_test)
        .bind(new.signature_timestamp)
        .bind(new.received_at)
        .bind(&new.body)
        .bind(&kind)
        .bind(&rid)
        .bind(new.as_of)
        .bind(new.status.as_str())
        .bind(next_attempt_at)
        .bind(&new.last_error)
        .fetch_optional(&self.pool)
        .await
        .map_err(db(op))?;
        if let Some(id) = inserted {
            return Ok(Inserted::New(DeliveryId(id)));
        }
        // Stored before (and committed: the insert waited for it otherwise).
        let row = sqlx::query(
            "UPDATE steppay_inbox_deliveries SET duplicates = duplicates + 1, \
             last_duplicate_at = $2 WHERE fingerprint = $1 RETURNING id, status",
        )
        .bind(&new.fingerprint)
        .bind(new.received_at)
        .fetch_one(&self.pool)
        .await
        .map_err(db(op))?;
        let original = DeliveryId(row.try_get("id").map_err(db(op))?);
        let status: String = row.try_get("status").map_err(db(op))?;
        Ok(Inserted::Duplicate {
            original,
            status: parse_status(original, &status)?,
        })
    }

    async fn claim_now(&self, request: ClaimRequest) -> Result<Vec<Claimed>, StoreError> {
        let op = "claim";
        let only = request.only.map(|id| id.0);
        let mut tx = self.begin(op).await?;
        // The head of each resource's queue, when no lease on the resource runs. Both rows are
        // locked (other claimers skip them); when a row changed after this statement's
        // snapshot, PostgreSQL re-checks the conditions on its newest version, so a resource
        // leased or a delivery finished meanwhile is not taken.
        let heads = match only {
            None => sqlx::query(concat!(
                "SELECT d.id AS id, r.applied_as_of AS applied_as_of, r.kind AS kind, r.id AS rid \
                 FROM steppay_inbox_deliveries d \
                 JOIN steppay_inbox_resources r ON r.kind = d.resource_kind AND r.id = d.resource_id \
                 WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
                   AND (r.locked_until IS NULL OR r.locked_until <= $1) AND ",
                not_behind!(),
                " ORDER BY d.next_attempt_at, d.id LIMIT $2 \
                 FOR UPDATE OF d, r SKIP LOCKED"
            ))
            .bind(request.now)
            .bind(i64::from(request.limit)),
            // The one delivery asked for, due or not.
            Some(id) => sqlx::query(concat!(
                "SELECT d.id AS id, r.applied_as_of AS applied_as_of, r.kind AS kind, r.id AS rid \
                 FROM steppay_inbox_deliveries d \
                 JOIN steppay_inbox_resources r ON r.kind = d.resource_kind AND r.id = d.resource_id \
                 WHERE d.id = $2 AND d.status = 'pending' \
                   AND (r.locked_until IS NULL OR r.locked_until <= $1) AND ",
                not_behind!(),
                " FOR UPDATE OF d, r SKIP LOCKED"
            ))
            .bind(request.now)
            .bind(id),
        }
        .fetch_all(&mut *tx)
        .await
        .map_err(db(op))?;
        let mut picked: Vec<(i64, Option<DateTime<Utc>>)> = Vec::new();
        let mut kinds = Vec::new();
        let mut rids = Vec::new();
        for row in &heads {
            picked.push((
                row.try_get("id").map_err(db(op))?,
                row.try_get("applied_as_of").map_err(db(op))?,
            ));
            kinds.push(row.try_get::<String, _>("kind").map_err(db(op))?);
            rids.push(row.try_get::<String, _>("rid").map_err(db(op))?);
        }
        if !kinds.is_empty() {
            sqlx::query(
                "UPDATE steppay_inbox_resources r SET locked_until = $3, lease_token = $4 \
                 FROM UNNEST($1::TEXT[], $2::TEXT[]) AS k(kind, id) \
                 WHERE r.kind = k.kind AND r.id = k.id",
            )
            .bind(&kinds)
            .bind(&rids)
            .bind(request.lease_until)
            .bind(request.token)
            .execute(&mut *tx)
            .await
            .map_err(db(op))?;
        }
        let room = i64::from(request.limit) - i64::try_from(picked.len()).unwrap_or(i64::MAX);
        if room > 0 {
            // Deliveries about no resource, one by one.
            let loose: Vec<i64> = match only {
                None => sqlx::query_scalar(
                    "SELECT id FROM steppay_inbox_deliveries \
                     WHERE status = 'pending' AND resource_kind IS NULL AND next_attempt_at <= $1 \
                       AND (locked_until IS NULL OR locked_until <= $1) \
                     ORDER BY next_attempt_at, id LIMIT $2 \
                     FOR UPDATE SKIP LOCKED",
                )
                .bind(request.now)
                .bind(room),
                Some(id) => sqlx::query_scalar(
                    "SELECT id FROM steppay_inbox_deliveries \
                     WHERE id = $2 AND status = 'pending' AND resource_kind IS NULL \
                       AND (locked_until IS NULL OR locked_until <= $1) \
                     FOR UPDATE SKIP LOCKED",
                )
                .bind(request.now)
                .bind(id),
            }
            .fetch_all(&mut *tx)
            .await
            .map_err(db(op))?;
            picked.extend(loose.into_iter().map(|id| (id, None)));
        }
        let mut claimed = Vec::with_capacity(picked.len());
        if !picked.is_empty() {
            let ids: Vec<i64> = picked.iter().map(|(id, _)| *id).collect();
            let rows = sqlx::query(concat!(
                "UPDATE steppay_inbox_deliveries SET attempts = attempts + 1, locked_until = $2, \
                 lease_token = $3 WHERE id = ANY($1) RETURNING ",
                columns!()
            ))
            .bind(&ids)
            .bind(request.lease_until)
            .bind(request.token)
            .fetch_all(&mut *tx)
            .await
            .map_err(db(op))?;
            for row in &rows {
                let delivery = delivery(row)?;
                let applied = picked
                    .iter()
                    .find(|(id, _)| *id == delivery.id.0)
                    .and_then(|(_, applied)| *applied);
                claimed.push(Claimed::new(delivery, applied));
            }
        }
        tx.commit().await.map_err(db(op))?;
        claimed.sort_by_key(|c| (c.delivery.next_attempt_at, c.delivery.id));
        Ok(claimed)
    }

    async fn requeue_now(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
        reclassified: Option<Classification>,
    ) -> Result<Option<DeliveryStatus>, StoreError> {
        let op = "requeue";
        let mut tx = self.begin(op).await?;
        let status: Option<String> = sqlx::query_scalar(
            "SELECT status FROM steppay_inbox_deliveries WHERE id = $1 FOR UPDATE",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db(op))?;
        match status.as_deref() {
            None | Some("pending") => return Ok(None),
            Some(_) => {}
        }
        if let Some(class) = &reclassified {
            let (kind, rid) = resource_columns(class.resource.as_ref());
            if let (Some(kind), Some(rid)) = (&kind, &rid) {
                sqlx::query(
                    "INSERT INTO steppay_inbox_resources (kind, id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(kind)
                .bind(rid)
                .execute(&mut *tx)
                .await
                .map_err(db(op))?;
            }
            sqlx::query(
                "UPDATE steppay_inbox_deliveries SET event_name = $2, resource_kind = $3, \
                 resource_id = $4, as_of = $5, last_error = COALESCE($6, last_error) WHERE id = $1",
            )
            .bind(id.0)
            .bind(&class.event_name)
            .bind(&kind)
            .bind(&rid)
            .bind(class.as_of)
            .bind(&class.error)
            .execute(&mut *tx)
            .await
            .map_err(db(op))?;
        }
        sqlx::query(
            "UPDATE steppay_inbox_deliveries SET status = 'pending', attempts = 0, \
             next_attempt_at = $2, locked_until = NULL, lease_token = NULL, processed_at = NULL, \
             replays = replays + 1 WHERE id = $1",
        )
        .bind(id.0)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db(op))?;
        tx.commit().await.map_err(db(op))?;
        Ok(Some(DeliveryStatus::Pending))
    }
}

impl InboxStore for PostgresStore {
    fn insert(&self, delivery: NewDelivery) -> StoreFuture<'_, Inserted> {
        Box::pin(self.insert_now(delivery))
    }

    fn claim(&self, request: ClaimRequest) -> StoreFuture<'_, Vec<Claimed>> {
        Box::pin(self.claim_now(request))
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
            let gone =
                || StoreError::database("finish", "the PostgreSQL finisher task has stopped");
            let request = FinishRequest {
                id,
                token,
                finish: Finish::of(completion, now),
                reply,
            };
            self.finisher.send(request).await.map_err(|_| gone())?;
            answer.await.map_err(|_| gone())?
        })
    }

    fn get(&self, id: DeliveryId) -> StoreFuture<'_, Option<Delivery>> {
        Box::pin(async move {
            let row = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM steppay_inbox_deliveries WHERE id = $1"
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
            let (kind, rid) = resource_columns(filter.resource.as_ref());
            let rows = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM steppay_inbox_deliveries \
                 WHERE ($1::TEXT IS NULL OR status = $1) AND ($2::TEXT IS NULL OR event_name = $2) \
                   AND ($3::TEXT IS NULL OR (resource_kind = $3 AND resource_id = $4)) \
                   AND ($5::BIGINT IS NULL OR id < $5) \
                 ORDER BY id DESC LIMIT $6"
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
                 WHERE status IN ('processed', 'stale') AND processed_at < $1",
            )
            .bind(before)
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
            let value: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
                "SELECT applied_as_of FROM steppay_inbox_resources WHERE kind = $1 AND id = $2",
            )
            .bind(resource.kind.as_str())
            .bind(&resource.id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("applied_as_of"))?;
            Ok(value.flatten())
        })
    }

    fn count_by_status(&self) -> StoreFuture<'_, Vec<(DeliveryStatus, u64)>> {
        Box::pin(async move {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT status, COUNT(*) FROM steppay_inbox_deliveries GROUP BY status",
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
