//! A page that names the few people on one record (a visit's page: its buddy, who did each
//! step, who checked in) reads just those names, and never a colleague of another trust.

use crate::helpers::{TestApp, backends};
use domain::RoleSet;
use domain::roles::Role;
use store::NewStaff;

#[tokio::test]
async fn staff_names_are_of_the_persons_trust_only_and_a_missing_id_is_left_out() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let app = t.app();
        let mut tx = t.db.begin().await.unwrap();
        let elsewhere = tx.create_trust("Another Trust").await.unwrap();
        let stranger = tx
            .create_staff(
                &NewStaff {
                    trust: elsewhere,
                    school: None,
                    name: "Sid Stranger",
                    email: "sid@elsewhere.test",
                    mobile: None,
                    job_title: None,
                    password_hash: "not-a-real-hash",
                    roles: &RoleSet::new(vec![Role::TrustAdmin]),
                },
                t.now(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let head = t.staff(t.people.head).await;
        let ids = [t.people.teacher.0, t.people.buddy.0, stranger.0, 987_654];
        let names = app::school::staff_names(&app, &head, &ids).await.unwrap();
        assert_eq!(names.len(), 2, "[{b}] {names:?}");
        assert_eq!(names[&t.people.teacher.0], "Tom Teacher", "[{b}]");
        assert_eq!(names[&t.people.buddy.0], "Bea Buddy", "[{b}]");
        assert!(
            !names.contains_key(&stranger.0),
            "[{b}] another trust named"
        );
        // The stranger's own trust sees the stranger, and not this school's teacher.
        let sid = t.staff(stranger).await;
        let theirs = app::school::staff_names(&app, &sid, &ids).await.unwrap();
        assert_eq!(theirs.len(), 1, "[{b}] {theirs:?}");
        assert_eq!(theirs[&stranger.0], "Sid Stranger", "[{b}]");
        assert!(
            app::school::staff_names(&app, &head, &[])
                .await
                .unwrap()
                .is_empty()
        );
    }
}
