//! Code words at rest: opened as a visit is read, and the two steps run at start — sealing any
//! code word kept in plain text by an earlier version, and checking that the key opens the
//! ones already sealed (so a wrong key stops the start, rather than a visitor's page failing).

use super::*;
use crate::secrets::{SEALED_PREFIX, Secrets, is_sealed};

impl Visit {
    /// This visit with its code word opened. Errors: [`StoreError::WrongKey`].
    pub(crate) fn opened(mut self, secrets: &Secrets) -> Result<Visit> {
        if let Some(stored) = self.code_word.take() {
            self.code_word = Some(secrets.open_code_word(&stored)?);
        }
        Ok(self)
    }
}

impl Db {
    /// Seals every code word still kept in plain text; returns how many. Idempotent: sealed
    /// ones are left alone, and a word changed meanwhile is not overwritten.
    /// Errors: the database's.
    pub async fn seal_plain_code_words(&self) -> Result<u64> {
        const FIND: &str = "select id, code_word from visits \
            where code_word is not null and substr(code_word, 1, 7) <> $1 order by id";
        const SEAL: &str = "update visits set code_word = $1 where id = $2 and code_word = $3";
        debug_assert_eq!(SEALED_PREFIX.len(), 7);
        let mut tx = self.begin().await?;
        let plain: Vec<(i64, String)> =
            with_tx!(&mut tx, c => sqlx::query_as(FIND).bind(SEALED_PREFIX).fetch_all(c).await)?;
        let mut sealed = 0;
        for (id, word) in &plain {
            let stored = tx.secrets().seal_code_word(word);
            sealed += with_tx!(&mut tx, c => sqlx::query(SEAL).bind(&stored).bind(id).bind(word).execute(c).await.map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        // The plain words' old page images sit in the write-ahead log until a checkpoint;
        // TRUNCATE writes them back (zeroed: secure_delete) and empties it.
        if let (true, Db::Sqlite(pool, _)) = (sealed > 0, self) {
            sqlx::query("pragma wal_checkpoint(truncate)")
                .execute(pool)
                .await?;
        }
        Ok(sealed)
    }

    /// Checks that this server's key opens the code words already sealed (the most recent one,
    /// which a key changed since would not open). Errors: [`StoreError::WrongKey`], the
    /// database's.
    pub async fn check_code_words_open(&self) -> Result<()> {
        const Q: &str = "select code_word from visits where substr(code_word, 1, 7) = $1 \
            order by id desc limit 1";
        let latest: Option<String> = with_pool!(self, p => sqlx::query_scalar(Q).bind(SEALED_PREFIX).fetch_optional(p).await)?;
        if let Some(stored) = latest.filter(|s| is_sealed(s)) {
            self.secrets().open_code_word(&stored)?;
        }
        Ok(())
    }
}
