//! Reads of many rows by key at once (`… where key in (…)`): a page showing many visits (Today's
//! cards) asks once per kind of record, not once per visit.

use super::{Db, Result, with_pool};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// The most keys in one statement; more are read in several.
const CHUNK: usize = 64;

/// The rows of `head` (a select ending in `in (`) for `keys`, followed by `tail` (e.g. an
/// `order by`). Keys are read in chunks padded to a power of two with their last key, so the
/// statement has few shapes for the prepared-statement cache. Duplicate keys are read once.
pub(crate) async fn rows_by_keys<T>(db: &Db, head: &str, keys: &[i64], tail: &str) -> Result<Vec<T>>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
{
    let mut keys = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let mut padded = chunk.to_vec();
        padded.resize(chunk.len().next_power_of_two(), chunk[chunk.len() - 1]);
        let found: Vec<T> = with_pool!(db, p => {
            let mut q = sqlx::QueryBuilder::new(head);
            let mut list = q.separated(", ");
            for k in &padded {
                list.push_bind(*k);
            }
            q.push(") ");
            q.push(tail);
            q.build_query_as().fetch_all(p).await
        })?;
        out.extend(found);
    }
    Ok(out)
}
