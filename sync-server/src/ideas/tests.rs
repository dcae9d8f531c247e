//! Deciding on ideas and handing them on, on a real store.

use super::decide::{DecideError, Decision, plan};
use super::export::{DecidimColumn, DecidimMapping, decidim_csv, geojson, office_csv};
use crate::consolidate::export::Separator;
use crate::consolidate::ideas::IdeaRow;
use shared::domain::{AgentId, CampaignId, Idea, IdeaStatus};
use std::collections::BTreeMap;

fn idea(campaign: CampaignId) -> Idea {
    Idea {
        title: "Un city-stade".into(),
        category: "Sport".into(),
        ..Idea::new(campaign, AgentId::new(), 1)
    }
}

#[test]
fn not_eligible_needs_a_reason_and_the_reason_is_kept() {
    let i = idea(CampaignId::new());
    assert!(matches!(
        plan(
            &i,
            &Decision::Status(IdeaStatus::NotEligible, "  ".into()),
            None,
            &[]
        ),
        Err(DecideError::ReasonNeeded)
    ));
    let changed = plan(
        &i,
        &Decision::Status(IdeaStatus::NotEligible, "Compétence du département".into()),
        None,
        &[],
    )
    .expect("plan");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].status, IdeaStatus::NotEligible);
    assert_eq!(changed[0].status_reason, "Compétence du département");
    // Everything the ambassadors wrote stays.
    assert_eq!(changed[0].title, i.title);
    // Made eligible later with the form's reason untouched: the refusal's
    // reason does not stay under the new status.
    let eligible = plan(
        &changed[0],
        &Decision::Status(IdeaStatus::Eligible, "Compétence du département".into()),
        None,
        &[],
    )
    .expect("plan");
    assert_eq!(eligible[0].status_reason, "");
}

#[test]
fn merging_keeps_one_level_and_moves_earlier_duplicates() {
    let c = CampaignId::new();
    let (kept, dup, earlier) = (idea(c), idea(c), idea(c));
    let earlier = Idea {
        duplicate_of: Some(dup.id),
        ..earlier
    };
    let changed = plan(
        &dup,
        &Decision::DuplicateOf(kept.id),
        Some(&kept),
        std::slice::from_ref(&earlier),
    )
    .expect("plan");
    assert_eq!(
        changed
            .iter()
            .map(|i| (i.id, i.duplicate_of))
            .collect::<Vec<_>>(),
        vec![(dup.id, Some(kept.id)), (earlier.id, Some(kept.id))]
    );
    // Not into itself, not across campaigns, not into a duplicate.
    assert!(matches!(
        plan(&dup, &Decision::DuplicateOf(dup.id), Some(&dup), &[]),
        Err(DecideError::Itself)
    ));
    let elsewhere = idea(CampaignId::new());
    assert!(matches!(
        plan(
            &dup,
            &Decision::DuplicateOf(elsewhere.id),
            Some(&elsewhere),
            &[]
        ),
        Err(DecideError::OtherCampaign)
    ));
    assert!(matches!(
        plan(
            &kept,
            &Decision::DuplicateOf(earlier.id),
            Some(&earlier),
            &[]
        ),
        Err(DecideError::KeptIsDuplicate)
    ));
}

fn row(id: &str, title: &str, description: &str, category: &str, status: &str) -> IdeaRow {
    IdeaRow {
        id: id.into(),
        title: title.into(),
        description: description.into(),
        category: category.into(),
        point: Some((2.5312, 48.9021)),
        place_name: Some("Parc de la Fosse-Maussoin".into()),
        neighbourhood: None,
        cost_band: Some("10k_50k".into()),
        age_band: Some("under_15".into()),
        school: Some("Collège Romain-Rolland".into()),
        class: Some("4e B".into()),
        status: status.into(),
        status_reason: String::new(),
        collected_at: 1_780_000_000_000,
        duplicates: Vec::new(),
    }
}

/// Decidim's importer, as its source reads a file (decidim-admin
/// `import/readers/csv.rb`, `import/verifier.rb`; decidim-proposals
/// `import/proposals_verifier.rb`, `proposal_creator.rb`): UTF-8 with an
/// optional BOM, `;`, `"` quotes, the first row as exact headers;
/// `title/fr` and `body/fr` required (the organisation's default locale),
/// no header twice, every proposal with a title and a body; coordinates
/// are numbers, category ids integers. Returns each proposal's cells by
/// header.
fn decidim_reads(bytes: &[u8]) -> Result<Vec<BTreeMap<String, String>>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .quote(b'"')
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = records
        .next()
        .ok_or("empty file")?
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    for required in ["title/fr", "body/fr"] {
        if !headers.iter().any(|h| h == required) {
            return Err(format!("missing header {required}"));
        }
    }
    for h in &headers {
        if headers.iter().filter(|x| *x == h).count() > 1 {
            return Err(format!("duplicate header {h}"));
        }
    }
    let mut out = Vec::new();
    for (line, record) in records.enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let cells: BTreeMap<String, String> = headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_string))
            .collect();
        for required in ["title/fr", "body/fr"] {
            if cells.get(required).is_none_or(|v| v.is_empty()) {
                return Err(format!("line {}: {required} is empty", line + 2));
            }
        }
        for number in ["latitude", "longitude"] {
            if let Some(v) = cells.get(number).filter(|v| !v.is_empty()) {
                v.parse::<f64>()
                    .map_err(|_| format!("line {}: {number} {v:?}", line + 2))?;
            }
        }
        for id in ["category/id", "taxonomies/ids"] {
            if let Some(v) = cells.get(id).filter(|v| !v.is_empty()) {
                for part in v.split(',') {
                    part.trim()
                        .parse::<u64>()
                        .map_err(|_| format!("line {}: {id} {v:?}", line + 2))?;
                }
            }
        }
        out.push(cells);
    }
    Ok(out)
}

#[test]
fn the_decidim_file_passes_decidims_import_rules() {
    let mut kept = row(
        "a",
        "Un city-stade",
        "Pour jouer le soir ; avec \"lumière\"",
        "Sport",
        "eligible",
    );
    kept.duplicates.push(row(
        "b",
        "Terrain de foot",
        "Derrière le collège",
        "Sport",
        "received",
    ));
    let rows = vec![
        kept,
        row("c", "Des arbres", "", "Nature en ville", "eligible"),
        row(
            "d",
            "Un parking",
            "Écrire à jean@example.org ou 06 12 34 56 78",
            "Voirie",
            "put_to_vote",
        ),
        row("e", "Hors sujet", "x", "Voirie", "not_eligible"),
        row("f", "Pas encore lue", "x", "Voirie", "received"),
    ];
    // Categories in the body.
    let file = decidim_csv(&rows, &DecidimMapping::default()).expect("file");
    let proposals = decidim_reads(&file).expect("Decidim reads it");
    assert_eq!(
        proposals.len(),
        3,
        "the idea ruled out and the one nobody read yet are left out"
    );
    assert_eq!(proposals[0]["title/fr"], "Un city-stade");
    assert!(proposals[0]["body/fr"].starts_with("Catégorie : Sport"));
    assert!(proposals[0]["body/fr"].contains("Pour jouer le soir ; avec \"lumière\""));
    assert!(
        proposals[0]["body/fr"].contains("Terrain de foot : Derrière le collège"),
        "the merged idea's text is kept"
    );
    assert_eq!(proposals[0]["latitude"], "48.9021");
    assert_eq!(proposals[0]["address"], "Parc de la Fosse-Maussoin");
    assert!(
        !proposals[1]["body/fr"].trim().is_empty(),
        "Decidim needs a body"
    );
    assert!(!proposals[2]["body/fr"].contains("jean@"));
    assert!(!proposals[2]["body/fr"].contains("56 78"));
    let file_text = String::from_utf8(file).expect("utf-8");
    assert!(
        !file_text.contains("Pas encore lue"),
        "Decidim publishes on import"
    );
    for private in ["Romain-Rolland", "4e B", "under_15"] {
        assert!(!file_text.contains(private), "{private} is published");
    }

    // Categories mapped to the instance's ids.
    let mapping = DecidimMapping {
        column: Some(DecidimColumn::TaxonomyIds),
        ids: BTreeMap::from([("Sport".into(), 12), ("Voirie".into(), 7)]),
    };
    let proposals = decidim_reads(&decidim_csv(&rows, &mapping).expect("file")).expect("reads");
    assert_eq!(proposals[0]["taxonomies/ids"], "12");
    assert!(!proposals[0]["body/fr"].starts_with("Catégorie"));
    assert_eq!(proposals[1]["taxonomies/ids"], "", "unmapped: left empty…");
    assert!(
        proposals[1]["body/fr"].starts_with("Catégorie : Nature en ville"),
        "…and said in the body"
    );
}

#[test]
fn a_file_without_the_required_headers_fails_the_importer_rules() {
    // The checker itself must be able to fail.
    assert!(decidim_reads("\u{feff}title;body\nA;B\n".as_bytes()).is_err());
    assert!(decidim_reads("title/fr;body/fr;title/fr\nA;B;C\n".as_bytes()).is_err());
    assert!(decidim_reads("title/fr;body/fr\nA;\n".as_bytes()).is_err());
    assert!(decidim_reads("title/fr,body/fr\nA,B\n".as_bytes()).is_err());
}

#[test]
fn office_files_carry_every_idea_and_neutralise_formulas() {
    let mut kept = row("a", "=HYPERLINK(\"http://x\")", "d", "Sport", "eligible");
    kept.duplicates
        .push(row("b", "Terrain", "t", "Sport", "received"));
    let csv =
        String::from_utf8(office_csv(&[kept.clone()], Separator::Semicolon, false).expect("csv"))
            .expect("utf-8");
    assert_eq!(csv.lines().count(), 3);
    // School and class only when asked for.
    assert!(!csv.contains("proposer_school") && !csv.contains("proposer_class"));
    let with_school =
        String::from_utf8(office_csv(&[kept.clone()], Separator::Semicolon, true).expect("csv"))
            .expect("utf-8");
    assert!(with_school.contains("proposer_school") && with_school.contains("proposer_class"));
    assert!(csv.contains("'=HYPERLINK"));
    assert!(
        csv.lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("b;") && l.contains(";a;"))
    );
    let geo = geojson(&[kept]);
    assert_eq!(geo["features"].as_array().map(Vec::len), Some(1));
    assert_eq!(geo["features"][0]["properties"]["merged"], 1);
    assert!(
        geo["features"][0]["properties"]
            .get("proposer_school")
            .is_none()
    );
}

#[test]
fn every_text_of_the_decidim_file_is_redacted() {
    let mut r = row(
        "a",
        "Appeler 06_12_34_56_78",
        "Voir awa@example.fr",
        "Sport 06·12·34·56·78",
        "eligible",
    );
    r.place_name = Some("Chez jean@example.org".into());
    let file = String::from_utf8(decidim_csv(&[r], &DecidimMapping::default()).expect("file"))
        .expect("utf-8");
    for contact in ["56_78", "56·78", "awa@", "jean@"] {
        assert!(!file.contains(contact), "{contact} left in {file}");
    }
}
