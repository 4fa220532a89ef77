//! Single sign-on's decision (who a verified school account signs in), on both databases: the
//! OpenID Connect exchange itself is driven end to end in `e2e/tests/sso.test.mjs`.

use crate::helpers::{TestApp, backends};
use app::school_admin::{SsoRefused, VerifiedAccount, sign_in_verified, token_hash};
use domain::TrustId;

/// A phone's `User-Agent`, as the provider's redirect back brings it.
const PIXEL: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

fn account(trust: TrustId, email: &str) -> VerifiedAccount {
    VerifiedAccount {
        trust,
        issuer: "https://login.example.test/v2.0".into(),
        verified_email: email.into(),
    }
}

#[tokio::test]
async fn a_verified_address_on_the_staff_list_signs_that_person_in_and_is_audited() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let teacher = t.db.staff(t.people.teacher).await.unwrap();
        let app = t.app();
        // The provider may send the address in another case than the school typed it.
        let signed_in = sign_in_verified(
            &app,
            &account(teacher.trust_id, &teacher.email.to_uppercase()),
            Some(PIXEL),
            t.now(),
        )
        .await
        .unwrap()
        .unwrap_or_else(|r| panic!("[{}] refused: {r:?}", t.backend));
        assert_eq!(signed_in.staff.id, teacher.id, "[{}]", t.backend);
        let session = t.db.session(&token_hash(&signed_in.token)).await.unwrap();
        assert_eq!(
            session.map(|s| s.staff.id),
            Some(teacher.id),
            "[{}] the session is stored",
            t.backend
        );
        // "My sessions" names the phone, not "an unknown device".
        let mine =
            app::accounts::my_sessions(&app, &teacher, &token_hash(&signed_in.token), t.now())
                .await
                .unwrap();
        assert_eq!(
            mine.first().map(|s| s.device.as_str()),
            Some("Chrome on Android"),
            "[{}]",
            t.backend
        );
        let trail =
            t.db.audit_trail(teacher.trust_id, None, None, 10)
                .await
                .unwrap();
        let row = trail
            .iter()
            .find(|r| r.action == "session.login_sso")
            .unwrap_or_else(|| panic!("[{}] no session.login_sso row", t.backend));
        assert_eq!(row.actor_staff_id, Some(teacher.id.0), "[{}]", t.backend);
    }
}

#[tokio::test]
async fn an_address_not_on_the_staff_list_creates_nothing_and_is_audited() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let head = t.db.staff(t.people.head).await.unwrap();
        let app = t.app();
        let staff_before = t.db.staff_list(head.trust_id, None).await.unwrap().len();

        let refused = sign_in_verified(
            &app,
            &account(head.trust_id, "stranger@school.test"),
            Some(PIXEL),
            t.now(),
        )
        .await
        .unwrap();
        assert!(
            matches!(refused, Err(SsoRefused::NotOnStaffList)),
            "[{}]",
            t.backend
        );
        // Staff of another trust are not this trust's staff, even with a verified address.
        let other_trust = TrustId(head.trust_id.0 + 1000);
        let refused = sign_in_verified(&app, &account(other_trust, &head.email), None, t.now())
            .await
            .unwrap();
        assert!(refused.is_err(), "[{}] another trust's SSO", t.backend);

        assert_eq!(
            t.db.staff_list(head.trust_id, None).await.unwrap().len(),
            staff_before,
            "[{}] no account created",
            t.backend
        );
        let trail =
            t.db.audit_trail(head.trust_id, None, None, 10)
                .await
                .unwrap();
        let refusal = trail
            .iter()
            .find(|r| r.action == "session.sso_refused")
            .unwrap_or_else(|| panic!("[{}] the refusal is not in the trust's trail", t.backend));
        assert_eq!(refusal.actor_staff_id, None, "[{}]", t.backend);
        let detail = refusal.detail.as_ref().map(|d| d.0.clone()).unwrap();
        assert_eq!(detail["email"], "stranger@school.test", "[{}]", t.backend);
        assert!(
            !trail.iter().any(|r| r.action.starts_with("session.login")),
            "[{}] nobody was signed in",
            t.backend
        );
    }
}
