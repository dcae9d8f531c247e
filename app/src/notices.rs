//! The information notices this phone holds: every version the
//! municipality published, received before each sync (`crate::sync`),
//! kept in the store's `meta` table, shown at the door before anything
//! about a resident is noted (`crate::ui::views::talk`).

use serde::{Deserialize, Serialize};
use shared::domain::{Notice, NoticeText};
use shared::store::{Store, StoreError};

/// Meta key of the notices held.
const NOTICES_KEY: &str = "notices";

/// The most the notices' answer may weigh: the version in force, three
/// languages of 20,000 characters at most, is about 100 KB.
pub const MAX_NOTICES_BYTES: usize = 1024 * 1024;

/// What the phone holds of the notices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// The public page of the notices (its QR code), without a language.
    pub public_url: String,
    /// Every published version, oldest first.
    pub notices: Vec<Notice>,
}

/// The notice the door shows: the version in force, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    /// Its version.
    pub version: u32,
    /// The text in the language asked for (French if it has none).
    pub text: NoticeText,
    /// The hash a consent given under it records.
    pub hash: String,
    /// The public page of this version in this language.
    pub url: String,
}

/// Keeps what the server handed out, merged with what this phone held
/// (a version it may still record under stays); and, the first time it
/// holds one, when (`now`, this phone's clock, the one its records carry):
/// from then on what it records names a notice, and every sync says so.
pub fn keep(store: &mut Store, held: &Held, now: i64) -> Result<(), StoreError> {
    let mut merged = self::held(store)?;
    merged.public_url = held.public_url.clone();
    for notice in &held.notices {
        if !merged.notices.iter().any(|n| n.version == notice.version) {
            merged.notices.push(notice.clone());
        }
    }
    merged.notices.sort_by_key(|n| n.version);
    // The last three: what the door shows is the latest.
    let extra = merged.notices.len().saturating_sub(3);
    merged.notices.drain(..extra);
    let bytes = serde_json::to_vec(&merged).map_err(|e| StoreError::Malformed(e.to_string()))?;
    store.set_meta(NOTICES_KEY, &bytes)?;
    if !merged.notices.is_empty() && store.meta(shared::sync::NOTICE_SINCE_KEY)?.is_none() {
        store.set_meta(shared::sync::NOTICE_SINCE_KEY, &now.to_le_bytes())?;
    }
    Ok(())
}

/// What the phone holds (nothing before its first sync, or when the
/// municipality published none).
pub fn held(store: &Store) -> Result<Held, StoreError> {
    Ok(store
        .meta(NOTICES_KEY)?
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default())
}

/// The version in force in `language`, if one is held.
pub fn shown(held: &Held, language: &str) -> Option<Shown> {
    let notice = held.notices.iter().max_by_key(|n| n.version)?;
    let text = notice.text(language)?.clone();
    Some(Shown {
        version: notice.version,
        hash: text.hash(notice.version),
        url: format!(
            "{}?lang={}&version={}",
            held.public_url, text.language, notice.version
        ),
        text,
    })
}

/// The public page's address as a QR code (SVG), for the resident to
/// read the notice at home.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(language: &str, short: &str) -> NoticeText {
        NoticeText {
            language: language.into(),
            short: short.into(),
            full: "full".into(),
            consent: "ok".into(),
        }
    }

    #[test]
    fn the_door_shows_the_latest_version_in_the_residents_language() {
        let mut store = Store::open_in_memory().expect("store");
        assert_eq!(shown(&held(&store).expect("held"), "fr"), None);
        let kept = Held {
            public_url: "https://palier.example/avis/m".into(),
            notices: vec![
                Notice {
                    version: 1,
                    published_at: 1,
                    texts: vec![text("fr", "un")],
                },
                Notice {
                    version: 2,
                    published_at: 2,
                    texts: vec![text("fr", "deux"), text("ar", "اثنان")],
                },
            ],
        };
        assert_eq!(
            store.meta(shared::sync::NOTICE_SINCE_KEY).expect("meta"),
            None
        );
        keep(&mut store, &kept, 77).expect("keep");
        // Held since now, by this phone's clock; a later keep keeps it.
        keep(&mut store, &kept, 99).expect("keep");
        assert_eq!(
            store.meta(shared::sync::NOTICE_SINCE_KEY).expect("meta"),
            Some(77i64.to_le_bytes().to_vec())
        );
        let held = held(&store).expect("held");
        let ar = shown(&held, "ar").expect("shown");
        assert_eq!((ar.version, ar.text.short.as_str()), (2, "اثنان"));
        assert_eq!(ar.hash, text("ar", "اثنان").hash(2));
        assert_eq!(ar.url, "https://palier.example/avis/m?lang=ar&version=2");
        // No English: French.
        assert_eq!(shown(&held, "en").expect("shown").text.language, "fr");
    }
}
