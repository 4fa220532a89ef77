//! The benchmark's own SQL: multi-row inserts and bulk updates with every value bound from Rust
//! (so times are stored exactly as the store writes them), on either backend.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use store::{Backend, Db, Tx};

/// One bound value.
#[derive(Clone, Debug)]
pub enum V {
    I(i64),
    OI(Option<i64>),
    S(String),
    OS(Option<String>),
    T(DateTime<Utc>),
    OT(Option<DateTime<Utc>>),
    B(bool),
    D(NaiveDate),
    J(serde_json::Value),
}

/// A query of the given driver with `vals` bound in order.
macro_rules! bound {
    ($db:ty, $sql:expr, $vals:expr) => {{
        let mut q = sqlx::query::<$db>(sqlx::AssertSqlSafe($sql));
        for v in $vals {
            q = match v {
                V::I(x) => q.bind(*x),
                V::OI(x) => q.bind(*x),
                V::S(x) => q.bind(x.clone()),
                V::OS(x) => q.bind(x.clone()),
                V::T(x) => q.bind(*x),
                V::OT(x) => q.bind(*x),
                V::B(x) => q.bind(*x),
                V::D(x) => q.bind(*x),
                V::J(x) => q.bind(sqlx::types::Json(x.clone())),
            };
        }
        q
    }};
}

/// `insert into {table} ({columns}) values (…), (…) {suffix}` for `rows` rows. SQLite gets
/// anonymous `?` placeholders: it looks numbered ones (`$N`) up by a linear scan, once when the
/// statement is prepared and again for every value bound, which is quadratic in a statement
/// of 24,000 values. PostgreSQL gets `$N`.
pub fn insert_sql(
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: usize,
    suffix: &str,
) -> String {
    let n = columns.len();
    let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..n {
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${}", r * n + c + 1)),
            }
        }
        sql.push(')');
    }
    if !suffix.is_empty() {
        sql.push(' ');
        sql.push_str(suffix);
    }
    sql
}

/// Runs a statement inside the transaction; returns the rows it changed.
pub async fn exec(tx: &mut Tx, sql: String, vals: &[V]) -> Result<u64> {
    Ok(match tx {
        Tx::Sqlite(t) => bound!(sqlx::Sqlite, sql, vals)
            .execute(&mut **t)
            .await?
            .rows_affected(),
        Tx::Pg(t) => bound!(sqlx::Postgres, sql, vals)
            .execute(&mut **t)
            .await?
            .rows_affected(),
    })
}

/// Runs an insert `… returning id, {text column}` inside the transaction.
pub async fn insert_returning(tx: &mut Tx, sql: String, vals: &[V]) -> Result<Vec<(i64, String)>> {
    use sqlx::Row;
    Ok(match tx {
        Tx::Sqlite(t) => bound!(sqlx::Sqlite, sql, vals)
            .fetch_all(&mut **t)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?,
        Tx::Pg(t) => bound!(sqlx::Postgres, sql, vals)
            .fetch_all(&mut **t)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?,
    })
}

/// A single number, read outside any transaction.
pub async fn scalar(db: &Db, sql: &'static str, vals: &[V]) -> Result<i64> {
    use sqlx::Row;
    Ok(match db {
        Db::Sqlite(p, _) => bound!(sqlx::Sqlite, sql, vals)
            .fetch_one(p)
            .await?
            .try_get(0)?,
        Db::Pg(p, _) => bound!(sqlx::Postgres, sql, vals)
            .fetch_one(p)
            .await?
            .try_get(0)?,
    })
}

/// Alarms newer than `after_id`: (id, visit id, raised at), oldest first.
pub async fn alarms_after(
    db: &Db,
    after_id: i64,
) -> Result<Vec<(i64, Option<i64>, DateTime<Utc>)>> {
    const Q: &str = "select id, visit_id, raised_at from alarms where id > $1 order by id";
    Ok(match db {
        Db::Sqlite(p, _) => sqlx::query_as(Q).bind(after_id).fetch_all(p).await?,
        Db::Pg(p, _) => sqlx::query_as(Q).bind(after_id).fetch_all(p).await?,
    })
}
