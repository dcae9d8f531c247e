//! The information notice at every door: the office writes it from a
//! template (refused while its gaps are open), every version is kept with
//! its hash, its public page is served without login in French, English
//! and Arabic (right to left), phones receive it before they sync, and
//! from then on the server refuses a conversation that names no notice and
//! a consent whose text hash it never published.

use shared::api::Role;
use shared::domain::*;
use shared::protocol::RefusalReason;
use shared::schema::DocId;
use tests::{Device, OfficePages, TestServer, samples};

fn now_ms() -> i64 {
    sync_server::storage::control::now_ms()
}

/// The form as the page fills it, each field read from the page.
fn form_of(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for language in ["fr", "en", "ar"] {
        for part in ["short", "full", "consent"] {
            let name = format!("{part}_{language}");
            let start = html
                .find(&format!("name=\"{name}\""))
                .unwrap_or_else(|| panic!("{name} on the page"));
            let open = start + html[start..].find('>').expect("tag end") + 1;
            let close = open + html[open..].find("</textarea>").expect("textarea end");
            let text = html[open..close]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            fields.push((name, text));
        }
    }
    fields
}

async fn post(pages: &OfficePages, fields: &[(String, String)]) -> tests::Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pages.post("/office/privacy/notice", &pairs).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_is_written_at_the_office_public_and_required_at_the_door() {
    let server = TestServer::start().await;
    let office = server.municipality("Bobigny").await;
    let pages = OfficePages::new(&server, &office);
    let control = server.state.control.clone();
    let published = || {
        let control = control.clone();
        tests::blocking(move || control.notices(office.id).expect("notices"))
    };

    // The template names the municipality and leaves the DPO's contact
    // open: publishing it as it is is refused, and nothing is kept.
    let page = pages.get("/office/privacy/notice").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Bobigny") && page.body.contains("[À COMPLÉTER"));
    let mut form = form_of(&page.body);
    let refused = post(&pages, &form).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("crochets"), "says what is left");
    assert!(published().is_empty());

    // Filled in: version 1, in three languages, each with its hash.
    for (_, text) in &mut form {
        for marker in sync_server::notices::template::GAP_MARKERS {
            *text = text.replace(marker, "[dpo@bobigny.test");
        }
    }
    let done = post(&pages, &form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let notices = published();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].version, 1);
    let languages: Vec<_> = notices[0]
        .texts
        .iter()
        .map(|t| t.language.as_str())
        .collect();
    assert_eq!(languages, ["fr", "ar", "en"], "French first");
    let page = pages.get("/office/privacy/notice").await;
    let fr_hash = notices[0].texts[0].hash(1);
    assert!(
        page.body.contains(&fr_hash[..12]),
        "the page shows the hash"
    );
    // The same again is nothing to publish; a changed text is version 2,
    // and version 1 stays as it was.
    assert_eq!(post(&pages, &form).await.status, 422);
    form[0].1.push_str(" Merci.");
    assert_eq!(post(&pages, &form).await.status, 303);
    let notices = published();
    assert_eq!(notices.len(), 2);
    assert_eq!(notices[0].texts[0].hash(1), fr_hash);

    // The public page: no session, in each language, Arabic right to left.
    let anyone = reqwest::Client::new();
    for (lang, dir, words) in [
        ("fr", "ltr", "CNIL"),
        ("en", "ltr", "Complaints"),
        ("ar", "rtl", "CNIL"),
    ] {
        let response = anyone
            .get(format!("{}/avis/{}?lang={lang}", server.url, office.id.0))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200, "{lang}");
        assert!(response.headers().get("set-cookie").is_none());
        let body = response.text().await.expect("body");
        assert!(
            body.contains(&format!("lang=\"{lang}\" dir=\"{dir}\"")),
            "{lang}: {body}"
        );
        assert!(body.contains(words) && body.contains("Bobigny"), "{lang}");
        assert!(
            body.contains("Version 2") || lang == "ar",
            "{lang}: the one in force"
        );
    }
    let first = anyone
        .get(format!("{}/avis/{}?version=1", server.url, office.id.0))
        .send()
        .await
        .expect("get");
    assert!(!first.text().await.expect("body").contains("Merci."));
    for path in [
        format!("/avis/{}", uuid::Uuid::new_v4()),
        "/avis/not-a-municipality".into(),
        format!("/avis/{}?version=9", office.id.0),
    ] {
        let response = anyone
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }

    // A phone receives the version in force before it syncs.
    let place = samples::building(3);
    server.put(office.id, &place);
    let (b2, b3) = (samples::building(2), samples::building(4));
    server.put(office.id, &b2);
    server.put(office.id, &b3);
    let campaign = Campaign::new("Cadre de vie".into(), CampaignKind::DoorToDoor, 0, 1);
    server.put(office.id, &campaign);
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    phone.sync().await;
    let held = app::notices::held(&phone.store).expect("held");
    assert_eq!(held.notices.len(), 1, "the version in force only");
    let shown = app::notices::shown(&held, "ar").expect("a notice to show");
    assert_eq!((shown.version, shown.text.language.as_str()), (2, "ar"));
    assert!(shown.url.starts_with(&format!("{}/avis/", server.url)));

    // From now on: a conversation that names no notice is refused…
    let at = now_ms() + 60_000;
    let mut silent = samples::visit(campaign.id, place.id, phone.agent, "1");
    silent.at = at;
    phone.record(&silent);
    // …one that names the version given is taken, and "absent" needs none.
    let mut told = samples::visit(campaign.id, b2.id, phone.agent, "1");
    told.at = at;
    told.notice_version = Some(2);
    phone.record(&told);
    let mut absent = samples::visit(campaign.id, b3.id, phone.agent, "1");
    absent.verbatim.clear();
    absent.outcome = Outcome::NotHome;
    absent.at = at;
    phone.record(&absent);
    // A consent whose hash is not a published text's is refused; the
    // text shown, by its hash, is taken.
    let mut forged = tests::person("Mme Forgée", phone.agent);
    forged.consents[0].at = at;
    forged.consents[0].notice_version = Some(2);
    forged.consents[0].text_hash = Some(
        NoticeText {
            consent: "J'accepte tout".into(),
            ..shown.text.clone()
        }
        .hash(2),
    );
    phone.put(&forged);
    let mut signed = tests::person("Mme Inscrite", phone.agent);
    signed.consents[0].at = at;
    signed.consents[0].notice_version = Some(2);
    signed.consents[0].language = "ar".into();
    signed.consents[0].text_hash = Some(shown.hash.clone());
    phone.put(&signed);

    let report = phone.sync().await;
    let refused = |doc_id: &DocId| {
        report
            .refused
            .iter()
            .find(|r| &r.doc_id == doc_id)
            .map(|r| r.reason)
    };
    let silent_log = DocId::visits(campaign.id, place.id);
    assert_eq!(refused(&silent_log), Some(RefusalReason::NoNotice));
    assert_eq!(
        refused(&DocId::person(forged.id)),
        Some(RefusalReason::NoNotice)
    );
    assert_eq!(report.refused.len(), 2, "{:?}", report.refused);
    assert!(server.load(office.id, &silent_log).is_none());
    assert!(server.load(office.id, &DocId::person(forged.id)).is_none());
    let kept = server
        .load(office.id, &DocId::visits(campaign.id, b2.id))
        .expect("taken");
    let visits = shared::schema::visits(&kept).expect("visits");
    assert_eq!(visits[&told.id.to_string()].notice_version, Some(2));
    assert!(
        server
            .load(office.id, &DocId::visits(campaign.id, b3.id))
            .is_some()
    );
    assert!(server.load(office.id, &DocId::person(signed.id)).is_some());
    server.stop().await;
}
