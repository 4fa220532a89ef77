//! D4: how a duress PIN is kept. Only an Argon2id hash is stored (a PHC string with its own
//! random salt per person, the argon2 crate's default cost: 19 MiB, 2 passes, 1 lane), so a
//! copy of the database cannot be reversed with 10,000 quick tries: each try costs the
//! attacker that memory and time too. Hashing and checking run off the async threads.
//!
//! Before Argon2id a PIN was kept as a fast SHA-256 of the staff id and the PIN (64 hex digits).
//! Waiting for each PIN's next successful use to re-hash it would leave most of them fast for
//! good (a duress PIN is rarely typed), so [`upgrade_legacy_pin_hashes`] wraps every old hash
//! at start instead: the stored value becomes `sha256+` followed by an Argon2id hash of the old
//! hex, which checks the same PIN and is as slow to attack. A bare old hash that has not been
//! wrapped yet still checks, so a PIN works across the upgrade.

use crate::{Refusal, Result};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use domain::StaffId;
use domain::monitor;
use sha2::{Digest, Sha256};
use store::Db;

/// The mark of an old fast hash wrapped in Argon2id.
const WRAPPED: &str = "sha256+";

/// The fast hash of before Argon2id (hex SHA-256): only to check and wrap old stored values.
fn legacy_sha256(staff: StaffId, pin: &str) -> String {
    hex::encode(Sha256::digest(
        format!("doorstep-duress:{}:{}", staff.0, pin.trim()).as_bytes(),
    ))
}

fn argon2_hash(secret: &str) -> Result<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(Refusal::internal)
}

fn argon2_matches(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(Refusal::internal)
}

/// The stored form of a new duress PIN: an Argon2id PHC string with a fresh random salt.
/// Errors: `Internal` when hashing fails.
pub async fn hash_pin(pin: &str) -> Result<String> {
    let pin = pin.trim().to_string();
    blocking(move || argon2_hash(&pin)).await?
}

/// Whether `pin`, typed by `staff`, is their duress PIN as `stored` (an Argon2id PHC string, a
/// wrapped old hash, or a bare old hash). A value in no known form matches nothing.
pub async fn pin_matches(staff: StaffId, pin: &str, stored: &str) -> Result<bool> {
    let pin = pin.trim().to_string();
    let stored = stored.to_string();
    blocking(move || {
        if let Some(phc) = stored.strip_prefix(WRAPPED) {
            argon2_matches(&legacy_sha256(staff, &pin), phc)
        } else if stored.starts_with('$') {
            argon2_matches(&pin, &stored)
        } else {
            monitor::is_duress_pin(&legacy_sha256(staff, &pin), &stored)
        }
    })
    .await
}

/// At start: wraps every old fast duress PIN hash in Argon2id (see the module's note), each in
/// its own short transaction. Idempotent: wrapped and Argon2id values are left alone. Returns
/// how many were wrapped.
pub async fn upgrade_legacy_pin_hashes(db: &Db) -> Result<usize> {
    let old = db.legacy_duress_pin_hashes().await?;
    for (staff, hex) in &old {
        let hex = hex.trim().to_string();
        let wrapped = format!("{WRAPPED}{}", blocking(move || argon2_hash(&hex)).await??);
        let mut tx = db.begin().await?;
        tx.set_duress_pin_hash(StaffId(*staff), &wrapped).await?;
        tx.commit().await?;
    }
    if !old.is_empty() {
        tracing::info!(
            staff.count = old.len(),
            "old duress PIN hashes wrapped in Argon2id"
        );
    }
    Ok(old.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pin_checks_against_its_argon2id_hash_and_nothing_else() {
        let stored = hash_pin("2468").await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert_ne!(
            stored,
            hash_pin("2468").await.unwrap(),
            "a fresh salt each time"
        );
        assert!(pin_matches(StaffId(7), "2468", &stored).await.unwrap());
        assert!(pin_matches(StaffId(7), " 2468 ", &stored).await.unwrap());
        assert!(!pin_matches(StaffId(7), "2469", &stored).await.unwrap());
        assert!(!pin_matches(StaffId(7), "2468", "nonsense").await.unwrap());
    }

    #[tokio::test]
    async fn an_old_fast_hash_checks_bare_and_wrapped() {
        let old = legacy_sha256(StaffId(7), "2468");
        assert!(pin_matches(StaffId(7), "2468", &old).await.unwrap());
        assert!(!pin_matches(StaffId(8), "2468", &old).await.unwrap());
        let wrapped = format!("{WRAPPED}{}", argon2_hash(&old).unwrap());
        assert!(!wrapped.contains(&old), "the fast hash is not kept");
        assert!(pin_matches(StaffId(7), "2468", &wrapped).await.unwrap());
        assert!(!pin_matches(StaffId(7), "1357", &wrapped).await.unwrap());
    }
}
