//! [`PostgresStore`] (feature `postgres`): the inbox in PostgreSQL, shared by several receivers.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

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
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
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
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(db("connect"))?;
        let mut migrator = migrator(MIGRATIONS);
        if let Some(schema) = schema {
            migrator.create_schema(schema.to_owned());
        }
        migrator
            .run(&pool)
            .await
            .map_err(|error| StoreError::Migration(Box::new(error)))?;
        Ok(Self { pool })
    }

    /// Uses an existing pool (its connections' `search_path` decides the schema) and runs the
    /// migrations.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        migrator(MIGRATIONS)
            .run(&pool)
            .await
            .map_err(|error| StoreError::Migration(Box::new(error)))?;
        Ok(Self { pool })
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

fn resource_columns(resource: Option<&Resource>) -> (Option<String>, Option<String>) {
    match resource {
        Some(r) => (Some(r.kind.as_str().to_owned()), Some(r.id.clone())),
        None => (None, None),
    }
}

impl PostgresStore {
    async fn insert_now(&self, new: NewDelivery) -> Result<Inserted, StoreError> {
        let op = "insert";
        let mut tx = self.begin(op).await?;
        let next_attempt_at = (new.status == DeliveryStatus::Pending)
            .then(|| new.next_attempt_at.unwrap_or(new.received_at));
        let (kind, rid) = resource_columns(new.resource.as_ref());
        if let (Some(kind), Some(rid)) = (&kind, &rid) {
            // Does not wait for a claim that holds the row: the row exists, nothing to do.
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
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO steppay_inbox_deliveries (fingerprint, event_name, is_test, \
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
        .fetch_optional(&mut *tx)
        .await
        .map_err(db(op))?;
        let result = match inserted {
            Some(id) => Inserted::New(DeliveryId(id)),
            None => {
                let row = sqlx::query(
                    "UPDATE steppay_inbox_deliveries SET duplicates = duplicates + 1, \
                     last_duplicate_at = $2 WHERE fingerprint = $1 RETURNING id, status",
                )
                .bind(&new.fingerprint)
                .bind(new.received_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(db(op))?;
                let original = DeliveryId(row.try_get("id").map_err(db(op))?);
                let status: String = row.try_get("status").map_err(db(op))?;
                Inserted::Duplicate {
                    original,
                    status: parse_status(original, &status)?,
                }
            }
        };
        tx.commit().await.map_err(db(op))?;
        Ok(result)
    }

    async fn claim_now(&self, request: ClaimRequest) -> Result<Vec<Claimed>, StoreError> {
        let op = "claim";
        let only = request.only.map(|id| id.0);
        let mut tx = self.begin(op).await?;
        // The head of each resource's queue, when no lease on the resource runs. Both rows are
        // locked (other claimers skip them); when a row changed after this statement's
        // snapshot, PostgreSQL re-checks the conditions on its newest version, so a resource
        // leased or a delivery finished meanwhile is not taken.
        let heads = sqlx::query(
            "SELECT d.id AS id, r.applied_as_of AS applied_as_of, r.kind AS kind, r.id AS rid \
             FROM steppay_inbox_deliveries d \
             JOIN steppay_inbox_resources r ON r.kind = d.resource_kind AND r.id = d.resource_id \
             WHERE d.status = 'pending' AND (d.next_attempt_at <= $1 OR d.id = $3) \
               AND (r.locked_until IS NULL OR r.locked_until <= $1) \
               AND ($3::BIGINT IS NULL OR d.id = $3) \
               AND NOT EXISTS (SELECT 1 FROM steppay_inbox_deliveries e \
                   WHERE e.status = 'pending' AND e.resource_kind = d.resource_kind \
                     AND e.resource_id = d.resource_id \
                     AND (e.as_of, e.id) < (d.as_of, d.id)) \
             ORDER BY d.next_attempt_at, d.id LIMIT $2 \
             FOR UPDATE OF d, r SKIP LOCKED",
        )
        .bind(request.now)
        .bind(i64::from(request.limit))
        .bind(only)
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
        let room = i64::from(request.limit) - picked.len() as i64;
        if room > 0 {
            let loose: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM steppay_inbox_deliveries \
                 WHERE status = 'pending' AND resource_kind IS NULL \
                   AND (next_attempt_at <= $1 OR id = $3) \
                   AND (locked_until IS NULL OR locked_until <= $1) \
                   AND ($3::BIGINT IS NULL OR id = $3) \
                 ORDER BY next_attempt_at, id LIMIT $2 \
                 FOR UPDATE SKIP LOCKED",
            )
            .bind(request.now)
            .bind(room)
            .bind(only)
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

    async fn finish_now(
        &self,
        id: DeliveryId,
        token: i64,
        now: DateTime<Utc>,
        completion: Completion,
    ) -> Result<bool, StoreError> {
        let op = "finish";
        let finish = Finish::of(completion, now);
        let mut tx = self.begin(op).await?;
        // Marks the delivery only while this lease holds it (the row stays locked until
        // commit).
        let Some(row) = sqlx::query(
            "UPDATE steppay_inbox_deliveries SET status = $3, processed_at = $4, \
               next_attempt_at = $5, last_error = COALESCE($6, last_error), \
               locked_until = NULL, lease_token = NULL \
             WHERE id = $1 AND lease_token = $2 AND status = 'pending' \
             RETURNING resource_kind, resource_id, as_of",
        )
        .bind(id.0)
        .bind(token)
        .bind(finish.status.as_str())
        .bind(finish.processed_at)
        .bind(finish.next_attempt_at)
        .bind(&finish.last_error)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db(op))?
        else {
            return Ok(false);
        };
        let kind: Option<String> = row.try_get("resource_kind").map_err(db(op))?;
        let rid: Option<String> = row.try_get("resource_id").map_err(db(op))?;
        let as_of: Option<DateTime<Utc>> = row.try_get("as_of").map_err(db(op))?;
        if let (Some(kind), Some(rid)) = (kind, rid) {
            // Raises the applied as-of time (never lowers it) and releases the resource, in the
            // transaction that marks the delivery, only while this lease holds the resource.
            let updated = sqlx::query(
                "UPDATE steppay_inbox_resources SET \
                   applied_delivery = CASE WHEN $3 AND (applied_as_of IS NULL OR applied_as_of <= $4) \
                     THEN $5 ELSE applied_delivery END, \
                   applied_as_of = CASE WHEN $3 AND (applied_as_of IS NULL OR applied_as_of < $4) \
                     THEN $4 ELSE applied_as_of END, \
                   locked_until = NULL, lease_token = NULL \
                 WHERE kind = $1 AND id = $2 AND lease_token = $6",
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
                tx.rollback().await.map_err(db(op))?;
                return Ok(false);
            }
        }
        tx.commit().await.map_err(db(op))?;
        Ok(true)
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
        Box::pin(self.finish_now(id, token, now, completion))
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
