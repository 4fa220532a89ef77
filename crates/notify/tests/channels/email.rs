//! Email through the test SMTP server.

use std::time::Duration;

use doorstep_notify::testing::{SilentServer, SmtpServer};
use doorstep_notify::{DeliveryError, Mailer, SmtpSettings, SmtpTls};

use crate::{alarm_email, assert_permanent, assert_temporary};

#[tokio::test]
async fn email_reaches_the_smtp_server_with_subject_and_body() {
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.settings()).unwrap();

    mailer.send(&alarm_email()).await.unwrap();

    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.mail_from, "doorstep@school.test");
    assert_eq!(mail.rcpt_to, vec!["head@school.test".to_owned()]);
    assert!(
        mail.data
            .contains("Subject: Visit overdue: 14 Elm Road\r\n")
    );
    assert!(mail.data.contains("To: head@school.test\r\n"));
    assert!(
        mail.data
            .contains("Ms Patel has not signed out of her 14:00 visit.\r\nPlease call her now."),
        "{}",
        mail.data
    );
}

#[tokio::test]
async fn a_delivery_sent_twice_carries_the_same_message_id_so_the_copy_can_be_dropped() {
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.settings()).unwrap();

    mailer
        .send_once(&alarm_email(), "alarm:7:level:1:staff:3:email")
        .await
        .unwrap();
    mailer
        .send_once(&alarm_email(), "alarm:7:level:1:staff:3:email")
        .await
        .unwrap();
    mailer
        .send_once(&alarm_email(), "alarm:7:level:2:staff:3:email")
        .await
        .unwrap();

    let ids: Vec<String> = server
        .received()
        .iter()
        .map(|m| {
            m.data
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .unwrap_or_else(|| panic!("no Message-ID in {}", m.data))
                .to_owned()
        })
        .collect();
    assert_eq!(ids[0], "<alarm-7-level-1-staff-3-email@school.test>");
    assert_eq!(
        ids[0], ids[1],
        "the resend is recognisable as the same e-mail"
    );
    assert_ne!(ids[0], ids[2], "another level is another e-mail");
}

#[tokio::test]
async fn one_mailer_sends_several_messages() {
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.settings()).unwrap();
    for n in 1..=3 {
        let mut m = alarm_email();
        m.subject = format!("Alarm {n}");
        mailer.send(&m).await.unwrap();
    }
    let subjects: Vec<bool> = server
        .received()
        .iter()
        .zip(1..)
        .map(|(mail, n)| mail.data.contains(&format!("Subject: Alarm {n}\r\n")))
        .collect();
    assert_eq!(subjects, vec![true, true, true]);
}

#[tokio::test]
async fn email_to_a_stopped_smtp_server_is_temporary() {
    let server = SmtpServer::start().await;
    let settings = server.settings();
    server.stop().await;

    let mailer = Mailer::new(&settings).unwrap();
    assert_temporary(mailer.send(&alarm_email()).await);
}

#[tokio::test]
async fn a_mailer_whose_server_went_away_reports_temporary() {
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.settings()).unwrap();
    mailer.send(&alarm_email()).await.unwrap();
    server.stop().await;

    assert_temporary(mailer.send(&alarm_email()).await);
}

#[tokio::test]
async fn a_recipient_refused_with_5xx_is_permanent() {
    let server = SmtpServer::start().await;
    server.reject_recipients_with("550 5.1.1 no such mailbox");
    let mailer = Mailer::new(&server.settings()).unwrap();

    assert_permanent(mailer.send(&alarm_email()).await);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_recipient_refused_with_4xx_is_temporary() {
    let server = SmtpServer::start().await;
    server.reject_recipients_with("451 4.3.0 mailbox busy, try later");
    let mailer = Mailer::new(&server.settings()).unwrap();

    assert_temporary(mailer.send(&alarm_email()).await);
}

#[tokio::test]
async fn an_unparseable_address_is_permanent_and_nothing_is_sent() {
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.settings()).unwrap();
    let mut m = alarm_email();
    m.to = "not an address".into();

    assert_permanent(mailer.send(&m).await);
    assert!(server.received().is_empty());

    let mut settings = server.settings();
    settings.from = "nobody".into();
    assert!(matches!(
        Mailer::new(&settings),
        Err(DeliveryError::Permanent(_))
    ));
}

#[tokio::test]
async fn a_message_with_accents_and_pound_signs_is_delivered_as_plain_ascii() {
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.settings()).unwrap();
    let mut m = alarm_email();
    m.subject = "Zoë Brontë is overdue".into();
    m.body = "Zoë's taxi (£12) has left.".into();

    mailer.send(&m).await.unwrap();

    // The test server offers no 8BITMIME, so the text must arrive encoded, not refused.
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].data.is_ascii());
}

#[tokio::test]
async fn an_smtp_server_that_never_answers_times_out_as_temporary() {
    let silent = SilentServer::start().await;
    let mailer = Mailer::new(&SmtpSettings {
        host: "127.0.0.1".into(),
        port: silent.addr().port(),
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "doorstep@school.test".into(),
        timeout: Duration::from_millis(300),
    })
    .unwrap();

    let outcome = tokio::time::timeout(Duration::from_secs(10), mailer.send(&alarm_email()))
        .await
        .expect("send gives up by itself");
    assert_temporary(outcome);
}

#[tokio::test]
async fn a_send_cut_off_by_the_timeout_does_not_spoil_the_next_one() {
    let server = SmtpServer::start().await;
    let mut settings = server.settings();
    settings.timeout = Duration::from_millis(300);
    let mailer = Mailer::new(&settings).unwrap();

    server.stall_recipients(true);
    assert_temporary(mailer.send(&alarm_email()).await);
    // The stalled session now answers its RCPT, too late for the first send.
    server.stall_recipients(false);
    // Let lettre's background task hand the cut-off connection back to its pool, as the time before
    // a retry would. Without the fix, the next send then "succeeds" on that connection while the
    // server receives nothing.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }

    let mut second = alarm_email();
    second.subject = "Second alarm".into();
    mailer.send(&second).await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1, "{received:#?}");
    assert!(received[0].data.contains("Subject: Second alarm\r\n"));
    assert_eq!(received[0].rcpt_to, vec!["head@school.test".to_owned()]);
}

#[tokio::test]
async fn tls_and_starttls_mailers_build_without_connecting() {
    for tls in [SmtpTls::StartTls, SmtpTls::Tls] {
        let settings = SmtpSettings {
            host: "smtp.school.example".into(),
            port: 587,
            tls,
            username: Some("alerts".into()),
            password: Some("pw".into()),
            from: "alerts@school.example".into(),
            timeout: Duration::from_secs(10),
        };
        assert!(Mailer::new(&settings).is_ok(), "{tls:?}");
    }
}

#[test]
fn a_mailer_built_outside_a_tokio_runtime_is_refused_rather_than_panicking() {
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: 25,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "doorstep@school.test".into(),
        timeout: Duration::from_secs(1),
    };
    assert!(matches!(
        Mailer::new(&settings),
        Err(DeliveryError::Permanent(_))
    ));
}
