//! Each trust's single sign-on settings (#12 item 1): the OpenID provider's issuer, the client
//! id and the client secret the provider gave Doorstep, the secret sealed with the server's key.
//! Who may set them, and how they are checked, is `app::school_admin`'s business.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::{StaffId, TrustId};

/// A trust's single sign-on settings as stored, the secret opened.
#[derive(Clone)]
pub struct TrustSso {
    pub trust: TrustId,
    /// The provider's issuer URL (its discovery document is `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    /// Never shown back, logged or put in the audit trail.
    pub client_secret: String,
    /// When last set or changed (UTC), and by whom (`None`: from the server's settings at start).
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<StaffId>,
}

impl std::fmt::Debug for TrustSso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustSso")
            .field("trust", &self.trust)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

type Row = (i64, String, String, String, DateTime<Utc>, Option<i64>);

impl Db {
    /// The trust's single sign-on settings, if set. Errors: `WrongKey` when the server's key does
    /// not open the stored secret.
    pub async fn trust_sso(&self, trust: TrustId) -> Result<Option<TrustSso>> {
        const Q: &str = "select trust_id, issuer, client_id, client_secret, updated_at, updated_by \
            from trust_sso where trust_id = $1";
        let row: Option<Row> =
            with_pool!(self, p => sqlx::query_as(Q).bind(trust.0).fetch_optional(p).await)?;
        let Some((trust, issuer, client_id, sealed, updated_at, updated_by)) = row else {
            return Ok(None);
        };
        Ok(Some(TrustSso {
            trust: TrustId(trust),
            issuer,
            client_id,
            client_secret: self.secrets().open_sso_secret(&sealed)?,
            updated_at,
            updated_by: updated_by.map(StaffId),
        }))
    }

    /// The trusts whose staff may sign in with a school account: id and name, by name.
    pub async fn trusts_with_sso(&self) -> Result<Vec<(TrustId, String)>> {
        const Q: &str = "select t.id, t.name from trust_sso s join trusts t on t.id = s.trust_id \
            order by t.name";
        let rows: Vec<(i64, String)> = with_pool!(self, p => sqlx::query_as(Q).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(id, n)| (TrustId(id), n)).collect())
    }
}

impl Tx {
    /// Sets the trust's settings; `secret: None` keeps the stored one (the caller checked there
    /// is one). Answers whether settings were stored before (a change rather than a first set).
    pub async fn set_trust_sso(
        &mut self,
        trust: TrustId,
        issuer: &str,
        client_id: &str,
        secret: Option<&str>,
        by: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const UPDATE: &str = "update trust_sso set issuer = $2, client_id = $3, \
            client_secret = coalesce($4, client_secret), updated_at = $5, updated_by = $6 \
            where trust_id = $1";
        const INSERT: &str = "insert into trust_sso (trust_id, issuer, client_id, client_secret, \
            updated_at, updated_by) values ($1, $2, $3, $4, $5, $6)";
        let sealed = secret.map(|s| self.secrets().seal_sso_secret(s));
        let by = by.map(|s| s.0);
        let updated = with_tx!(self, c => sqlx::query(UPDATE).bind(trust.0).bind(issuer).bind(client_id).bind(&sealed).bind(now).bind(by).execute(c).await.map(|r| r.rows_affected()))?;
        if updated == 1 {
            return Ok(true);
        }
        let sealed = sealed.unwrap_or_default();
        with_tx!(self, c => sqlx::query(INSERT).bind(trust.0).bind(issuer).bind(client_id).bind(&sealed).bind(now).bind(by).execute(c).await.map(|_| ()))?;
        Ok(false)
    }

    /// Clears the trust's settings (password sign-in only); whether there were any.
    pub async fn clear_trust_sso(&mut self, trust: TrustId) -> Result<bool> {
        const Q: &str = "delete from trust_sso where trust_id = $1";
        let done = with_tx!(self, c => sqlx::query(Q).bind(trust.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
