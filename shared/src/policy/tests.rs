//! The policy table and scopes, tried cell by cell.

use super::*;
use crate::domain::*;

/// The checks as the tests call them: the merge's patches worked out from
/// the two versions (the server logs them while merging; the hostile-device
/// suite covers that path).
fn check_write(
    caller: &Caller,
    doc_id: &DocId,
    before: Option<&Automerge>,
    after: &Automerge,
) -> Result<(), Refused> {
    super::check_write(caller, doc_id, before, after, None, &test_campaign)
}

/// The campaign every record of these tests belongs to, whatever its id:
/// the lists the records below draw from.
fn test_campaign(id: CampaignId) -> Option<Campaign> {
    let mut campaign = Campaign::new("c".into(), CampaignKind::DoorToDoor, 0, 0);
    campaign.id = id;
    campaign.categories = vec!["cadre de vie".into()];
    campaign.services = vec!["Ascenseurs".into(), "Éclairage".into()];
    Some(campaign)
}

fn me() -> AgentId {
    AgentId(uuid::Uuid::from_u128(1))
}

fn agent() -> Caller {
    Caller {
        role: Role::Agent,
        agent: me(),
        scope: Scope::Everything,
        notices: NoticeRule::default(),
    }
}

fn visit(log: (CampaignId, BuildingId), by: AgentId, door: &str) -> Visit {
    Visit::outcome_only(
        log.0,
        log.1,
        DwellingRef {
            entrance: "A".into(),
            floor: 1,
            door: door.into(),
        },
        Pass(1),
        1,
        by,
        Outcome::NotHome,
    )
}

fn log_with(visits: &[&Visit]) -> Automerge {
    let mut doc = Automerge::new();
    for v in visits {
        schema::record_visit(&mut doc, v).expect("record");
    }
    doc
}

#[test]
fn the_table_gives_the_office_alone_the_territory_and_campaigns() {
    for role in ROLES {
        for kind in [
            DocKind::Campaign,
            DocKind::Neighbourhood,
            DocKind::Building,
            DocKind::Sector,
        ] {
            let rights = rights(role, kind);
            assert_eq!(rights.create, Reach::None, "{role:?} {kind:?}");
            assert_eq!(rights.modify, Reach::None, "{role:?} {kind:?}");
        }
        // Follow-up statuses are the office's.
        assert_eq!(rights(role, DocKind::FollowUp).modify, Reach::None);
    }
    for role in [Role::YouthAmbassador, Role::ElectedOfficial] {
        for kind in [DocKind::Visits, DocKind::Person] {
            assert_eq!(rights(role, kind).receive, Reach::None, "{role:?} {kind:?}");
        }
    }
    for kind in KINDS {
        let official = rights(Role::ElectedOfficial, kind);
        assert_eq!(
            (official.create, official.modify),
            (Reach::None, Reach::None)
        );
    }
    assert_eq!(rights(Role::Agent, DocKind::Person).receive, Reach::Own);
}

#[test]
fn a_scope_holds_its_sectors_buildings_and_their_logs_only() {
    let campaign = Campaign::new("Été".into(), CampaignKind::DoorToDoor, 0, 1);
    let (mine, other) = (BuildingId::new(), BuildingId::new());
    let sector = |buildings: Vec<BuildingId>, agents: Vec<AgentId>| Sector {
        id: SectorId::new(),
        campaign: campaign.id,
        name: String::new(),
        buildings,
        agents,
    };
    let s1 = sector(vec![mine], vec![me()]);
    let s2 = sector(vec![other], vec![AgentId::new()]);
    let scope = Scope::of_agent(
        me(),
        false,
        &[s1.clone(), s2.clone()],
        std::slice::from_ref(&campaign),
    );
    assert!(scope.includes(&DocId::building(mine)));
    assert!(scope.includes(&DocId::visits(campaign.id, mine)));
    assert!(scope.includes(&DocId::sector(s1.id)));
    assert!(!scope.includes(&DocId::building(other)));
    assert!(!scope.includes(&DocId::visits(campaign.id, other)));
    assert!(!scope.includes(&DocId::sector(s2.id)));
    assert!(scope.includes(&DocId::campaign(campaign.id)));
    // A sector wins over the whole town.
    assert_eq!(
        Scope::of_agent(
            me(),
            true,
            &[s1.clone(), s2.clone()],
            std::slice::from_ref(&campaign)
        ),
        scope
    );
    // A phone no sector names: nothing, unless the office gave it the
    // whole town.
    let nobody = AgentId::new();
    let nothing = Scope::of_agent(
        nobody,
        false,
        &[s1.clone(), s2.clone()],
        std::slice::from_ref(&campaign),
    );
    for doc in [
        DocId::building(mine),
        DocId::building(other),
        DocId::visits(campaign.id, mine),
        DocId::sector(s1.id),
    ] {
        assert!(!nothing.includes(&doc), "{doc:?}");
    }
    assert!(nothing.includes(&DocId::campaign(campaign.id)));
    assert_eq!(
        Scope::of_agent(nobody, true, &[s1, s2], &[campaign]),
        Scope::Everything
    );
}

#[test]
fn an_agent_adds_and_undoes_its_own_visits_but_not_a_colleagues() {
    let log = (CampaignId::new(), BuildingId::new());
    let id = DocId::visits(log.0, log.1);
    let colleague = visit(log, AgentId::new(), "11");
    let mine = visit(log, me(), "12");
    let before = log_with(&[&colleague]);

    let mut after = before.clone();
    schema::record_visit(&mut after, &mine).expect("add");
    assert_eq!(check_write(&agent(), &id, Some(&before), &after), Ok(()));

    // Undo of its own visit.
    let with_mine = after.clone();
    let mut undone = with_mine.clone();
    schema::remove_visit(&mut undone, mine.id).expect("undo");
    assert_eq!(
        check_write(&agent(), &id, Some(&with_mine), &undone),
        Ok(())
    );

    // A colleague's visit removed, rewritten, or taken over.
    let mut removed = before.clone();
    schema::remove_visit(&mut removed, colleague.id).expect("remove");
    assert_eq!(
        check_write(&agent(), &id, Some(&before), &removed),
        Err(Refused::Attribution)
    );
    let mut rewritten = before.clone();
    let mut changed = colleague.clone();
    changed.verbatim = "autre chose".into();
    schema::record_visit(&mut rewritten, &changed).expect("rewrite");
    assert_eq!(
        check_write(&agent(), &id, Some(&before), &rewritten),
        Err(Refused::Attribution)
    );
    let mut taken = changed.clone();
    taken.agent = me();
    let mut taken_over = before.clone();
    schema::record_visit(&mut taken_over, &taken).expect("take");
    assert_eq!(
        check_write(&agent(), &id, Some(&before), &taken_over),
        Err(Refused::Attribution)
    );

    // A new visit in someone else's name.
    let forged = visit(log, AgentId::new(), "13");
    let mut with_forged = before.clone();
    schema::record_visit(&mut with_forged, &forged).expect("forge");
    assert_eq!(
        check_write(&agent(), &id, Some(&before), &with_forged),
        Err(Refused::Attribution)
    );

    // A visit filed under another building's log.
    let elsewhere = visit((log.0, BuildingId::new()), me(), "14");
    let misplaced = log_with(&[&elsewhere]);
    assert_eq!(
        check_write(&agent(), &id, None, &misplaced),
        Err(Refused::Unreadable)
    );
}

#[test]
fn junk_does_not_pass_for_a_record() {
    use automerge::transaction::Transactable;
    let mut junk = Automerge::new();
    junk.transact(|tx| tx.put(automerge::ROOT, "id", "pas un bâtiment"))
        .expect("junk");
    for id in [
        DocId::building(BuildingId::new()),
        DocId::idea(IdeaId::new()),
        DocId::person(PersonId::new()),
        DocId::follow_up(FollowUpId::new()),
    ] {
        assert_eq!(
            check_write(&agent(), &id, None, &junk),
            Err(Refused::Unreadable),
            "{id}"
        );
    }
}

fn idea(by: AgentId) -> Idea {
    Idea {
        title: "Des bancs".into(),
        category: "cadre de vie".into(),
        ..Idea::new(CampaignId::new(), by, 5)
    }
}

fn doc_of<T: SingleRecord>(record: &T) -> Automerge {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record).expect("write");
    doc
}

#[test]
fn ideas_are_collected_in_ones_own_name_and_keep_it() {
    let ambassador = Caller {
        role: Role::YouthAmbassador,
        ..agent()
    };
    let mine = idea(me());
    let id = DocId::idea(mine.id);
    assert_eq!(check_write(&ambassador, &id, None, &doc_of(&mine)), Ok(()));
    let forged = idea(AgentId::new());
    assert_eq!(
        check_write(&ambassador, &DocId::idea(forged.id), None, &doc_of(&forged)),
        Err(Refused::Attribution)
    );
    // A colleague's idea may be edited (two phones merge), not re-attributed.
    let theirs = idea(AgentId::new());
    let before = doc_of(&theirs);
    let mut edited = before.clone();
    let mut better = theirs.clone();
    better.title = "Des bancs à l'ombre".into();
    schema::write(&mut edited, &better).expect("edit");
    let id = DocId::idea(theirs.id);
    assert_eq!(
        check_write(&ambassador, &id, Some(&before), &edited),
        Ok(())
    );
    better.collected_by = me();
    schema::write(&mut edited, &better).expect("steal");
    assert_eq!(
        check_write(&ambassador, &id, Some(&before), &edited),
        Err(Refused::Attribution)
    );
}

#[test]
fn only_the_office_decides_an_ideas_status_and_duplicates() {
    let ambassador = Caller {
        role: Role::YouthAmbassador,
        ..agent()
    };
    // Collected already eligible, or already merged: refused.
    let mut promoted = idea(me());
    promoted.status = IdeaStatus::Funded;
    assert_eq!(
        check_write(
            &ambassador,
            &DocId::idea(promoted.id),
            None,
            &doc_of(&promoted)
        ),
        Err(Refused::Attribution)
    );
    let mut merged = idea(me());
    merged.duplicate_of = Some(IdeaId::new());
    assert_eq!(
        check_write(&ambassador, &DocId::idea(merged.id), None, &doc_of(&merged)),
        Err(Refused::Attribution)
    );
    // The office said "not eligible"; a phone may not overturn it, nor
    // rewrite the reason, nor un-merge it.
    let mut judged = idea(me());
    judged.status = IdeaStatus::NotEligible;
    judged.status_reason = "Hors du domaine communal".into();
    judged.duplicate_of = Some(IdeaId::new());
    let id = DocId::idea(judged.id);
    let before = doc_of(&judged);
    for tamper in [
        |i: &mut Idea| i.status = IdeaStatus::PutToVote,
        |i: &mut Idea| i.status_reason = "Très bonne idée".into(),
        |i: &mut Idea| i.duplicate_of = None,
    ] {
        let mut after = before.clone();
        let mut changed = judged.clone();
        tamper(&mut changed);
        schema::write(&mut after, &changed).expect("write");
        assert_eq!(
            check_write(&ambassador, &id, Some(&before), &after),
            Err(Refused::Attribution)
        );
    }
    // Once ruled on, its text is the office's too: what was judged is
    // what is published.
    let mut after = before.clone();
    let mut rewritten = judged.clone();
    rewritten.title = "Une autre idée".into();
    schema::write(&mut after, &rewritten).expect("write");
    assert_eq!(
        check_write(&ambassador, &id, Some(&before), &after),
        Err(Refused::Attribution)
    );
    // Before that, the ambassadors improve it freely.
    let open = idea(me());
    let before = doc_of(&open);
    let mut after = before.clone();
    let mut better = open.clone();
    better.cost_band = Some(CostBand::Under10k);
    schema::write(&mut after, &better).expect("write");
    assert_eq!(
        check_write(&ambassador, &DocId::idea(open.id), Some(&before), &after),
        Ok(())
    );
}

#[test]
fn an_idea_out_of_bounds_is_refused_whatever_the_app_did() {
    let ambassador = Caller {
        role: Role::YouthAmbassador,
        ..agent()
    };
    let cases: [fn(&mut Idea); 4] = [
        |i| i.title = "x".repeat(MAX_IDEA_TITLE_CHARS + 1),
        |i| i.description = "x".repeat(MAX_IDEA_DESCRIPTION_CHARS + 1),
        |i| i.place_name = Some("x".repeat(MAX_IDEA_SHORT_CHARS + 1)),
        |i| {
            i.place = Some(Point {
                lon: f64::INFINITY,
                lat: 48.9,
            })
        },
    ];
    for tamper in cases {
        let mut i = idea(me());
        tamper(&mut i);
        assert_eq!(
            check_write(&ambassador, &DocId::idea(i.id), None, &doc_of(&i)),
            Err(Refused::Unreadable)
        );
    }
}

#[test]
fn a_follow_up_is_raised_open_and_in_ones_own_name() {
    let raised = FollowUp {
        id: FollowUpId::new(),
        campaign: CampaignId::new(),
        service: "Ascenseurs".into(),
        description: "En panne".into(),
        building: None,
        place: None,
        status: FollowUpStatus::Open,
        history: vec![StatusChange {
            status: FollowUpStatus::Open,
            at: 1,
            by: me(),
            note: String::new(),
        }],
    };
    let id = DocId::follow_up(raised.id);
    assert_eq!(check_write(&agent(), &id, None, &doc_of(&raised)), Ok(()));
    let mut resolved = raised.clone();
    resolved.status = FollowUpStatus::Resolved;
    assert_eq!(
        check_write(&agent(), &id, None, &doc_of(&resolved)),
        Err(Refused::Attribution)
    );
    assert_eq!(
        agent().may_write(&id, Some(&doc_of(&raised))),
        Err(Refused::NotPermitted)
    );
}

fn person(consent_by: AgentId) -> Person {
    Person {
        id: PersonId::new(),
        display_name: "Mme D.".into(),
        phone: None,
        email: None,
        consents: vec![ConsentRecord {
            purpose: ConsentPurpose::NeighbourhoodCouncil,
            wording_version: "v1".into(),
            language: "fr".into(),
            at: 1,
            agent: consent_by,
            notice_version: None,
            text_hash: None,
            parental: false,
        }],
        withdrawals: Vec::new(),
        retain_until: 10,
    }
}

#[test]
fn an_agent_holds_the_persons_whose_consent_it_recorded() {
    let mine = person(me());
    let theirs = person(AgentId::new());
    let caller = agent();
    assert!(caller.may_receive(&DocId::person(mine.id), || Some(doc_of(&mine))));
    assert!(!caller.may_receive(&DocId::person(theirs.id), || Some(doc_of(&theirs))));
    assert_eq!(
        check_write(&caller, &DocId::person(mine.id), None, &doc_of(&mine)),
        Ok(())
    );
    assert_eq!(
        check_write(&caller, &DocId::person(theirs.id), None, &doc_of(&theirs)),
        Err(Refused::Attribution)
    );
    assert_eq!(
        caller.may_write(&DocId::person(theirs.id), Some(&doc_of(&theirs))),
        Err(Refused::NotPermitted)
    );
    let mut no_consent = mine.clone();
    no_consent.consents.clear();
    assert_eq!(
        check_write(&caller, &DocId::person(mine.id), None, &doc_of(&no_consent)),
        Err(Refused::Attribution)
    );
}

#[test]
fn a_withdrawal_recorded_at_the_office_stays_and_phones_record_none() {
    let caller = agent();
    let mut withdrawn = person(me());
    withdrawn.withdrawals.push(ConsentRecord {
        purpose: ConsentPurpose::NeighbourhoodCouncil,
        wording_version: WITHDRAWAL_WORDING.into(),
        language: "fr".into(),
        at: 5,
        agent: AgentId::new(),
        notice_version: None,
        text_hash: None,
        parental: false,
    });
    let id = DocId::person(withdrawn.id);
    let before = doc_of(&withdrawn);
    // A stale phone writing the person back without the withdrawal.
    let mut undone = before.clone();
    let mut rewritten = withdrawn.clone();
    rewritten.withdrawals.clear();
    schema::write(&mut undone, &rewritten).expect("write");
    assert_eq!(
        check_write(&caller, &id, Some(&before), &undone),
        Err(Refused::Attribution)
    );
    // Nor may a phone create a person already withdrawn in another's name.
    assert_eq!(
        check_write(&caller, &id, None, &before),
        Err(Refused::Attribution)
    );
    // A new consent on top, by this phone, is taken.
    let mut again = withdrawn.clone();
    again.consents.push(ConsentRecord {
        at: 9,
        agent: me(),
        ..withdrawn.consents[0].clone()
    });
    let mut after = before.clone();
    schema::write(&mut after, &again).expect("write");
    assert_eq!(check_write(&caller, &id, Some(&before), &after), Ok(()));
}

#[test]
fn out_of_scope_writes_are_told_apart() {
    let campaign = CampaignId::new();
    let (mine, other) = (BuildingId::new(), BuildingId::new());
    let caller = Caller {
        scope: Scope::Sectors {
            sectors: Default::default(),
            buildings: [mine].into(),
            campaigns: vec![campaign],
        },
        ..agent()
    };
    assert_eq!(
        caller.may_write(&DocId::visits(campaign, mine), None),
        Ok(())
    );
    assert_eq!(
        caller.may_write(&DocId::visits(campaign, other), None),
        Err(Refused::OutOfScope)
    );
    assert_eq!(
        caller.may_write(&DocId::building(mine), None),
        Err(Refused::NotPermitted)
    );
}

#[test]
fn a_hidden_conflicting_value_under_a_colleagues_visit_is_refused() {
    let log = (CampaignId::new(), BuildingId::new());
    let id = DocId::visits(log.0, log.1);
    let colleague = visit(log, AgentId::new(), "11");
    let before = log_with(&[&colleague]);
    // Written concurrently, from a document that never saw hers: the two
    // values conflict, and whichever wins today, the other waits.
    let mut forged = colleague.clone();
    forged.verbatim = "propos inventés".into();
    let mut concurrent = log_with(&[&forged]);
    let mut after = before.clone();
    after.merge(&mut concurrent).expect("merge");
    assert_eq!(
        after
            .get_all(automerge::ROOT, colleague.id.to_string().as_str())
            .expect("values")
            .len(),
        2
    );
    assert_eq!(
        check_write(&agent(), &id, Some(&before), &after),
        Err(Refused::Attribution)
    );
}

#[test]
fn a_stored_document_that_does_not_read_is_not_taken_for_absent() {
    use automerge::transaction::Transactable;
    let mut junk = Automerge::new();
    junk.transact(|tx| tx.put(automerge::ROOT, "title", 3))
        .expect("junk");
    let theirs = idea(AgentId::new());
    let id = DocId::idea(theirs.id);
    let mut after = junk.clone();
    schema::write(&mut after, &idea(me())).expect("write");
    assert_eq!(
        check_write(&agent(), &id, Some(&junk), &after),
        Err(Refused::Unreadable)
    );
}

#[test]
fn a_follow_up_with_no_history_names_no_one_and_is_refused() {
    let mut raised = FollowUp {
        id: FollowUpId::new(),
        campaign: CampaignId::new(),
        service: "Éclairage".into(),
        description: "Lampadaire éteint".into(),
        building: None,
        place: None,
        status: FollowUpStatus::Open,
        history: vec![],
    };
    let id = DocId::follow_up(raised.id);
    assert_eq!(
        check_write(&agent(), &id, None, &doc_of(&raised)),
        Err(Refused::Attribution)
    );
    raised.history.push(StatusChange {
        status: FollowUpStatus::Open,
        at: 1,
        by: me(),
        note: String::new(),
    });
    assert_eq!(check_write(&agent(), &id, None, &doc_of(&raised)), Ok(()));
}

fn follow_up_at(building: Option<BuildingId>, by: AgentId) -> FollowUp {
    FollowUp {
        id: FollowUpId::new(),
        campaign: CampaignId::new(),
        service: "Ascenseurs".into(),
        description: "Mme X, 3e gauche, ascenseur en panne depuis un mois".into(),
        building,
        place: None,
        status: FollowUpStatus::Open,
        history: vec![StatusChange {
            status: FollowUpStatus::Open,
            at: 1,
            by,
            note: String::new(),
        }],
    }
}

#[test]
fn a_follow_up_reaches_the_phones_of_its_door_only() {
    let (mine, other) = (BuildingId::new(), BuildingId::new());
    let sectors = Scope::Sectors {
        sectors: BTreeSet::new(),
        buildings: BTreeSet::from([mine]),
        campaigns: Vec::new(),
    };
    let agent = Caller {
        scope: sectors,
        ..agent()
    };
    let at_mine = follow_up_at(Some(mine), AgentId::new());
    let elsewhere = follow_up_at(Some(other), AgentId::new());
    let raised_by_me = follow_up_at(Some(other), me());
    let receives = |caller: &Caller, f: &FollowUp| {
        caller.may_receive(&DocId::follow_up(f.id), || Some(doc_of(f)))
    };
    assert!(receives(&agent, &at_mine));
    assert!(!receives(&agent, &elsewhere), "another sector's door");
    assert!(receives(&agent, &raised_by_me), "the phone that raised it");
    assert!(agent.receive_needs_content(DocKind::FollowUp));
    for role in [Role::YouthAmbassador, Role::ElectedOfficial] {
        let caller = Caller {
            role,
            ..agent.clone()
        };
        assert!(!receives(&caller, &at_mine), "{role:?}");
        assert!(!caller.may_receive_kind(DocKind::FollowUp), "{role:?}");
    }
}

#[test]
fn closed_sets_are_checked_on_every_write() {
    let log = (CampaignId::new(), BuildingId::new());
    let id = DocId::visits(log.0, log.1);
    let mut campaign = test_campaign(log.0).expect("campaign");
    campaign.questionnaire = Questionnaire {
        version: 1,
        questions: vec![
            Question {
                id: "q1".into(),
                kind: QuestionKind::SingleChoice {
                    options: vec!["oui".into(), "non".into()],
                },
                label: Translations::new(),
                option_labels: Default::default(),
                required: false,
                show_if: None,
            },
            Question {
                id: "q2".into(),
                kind: QuestionKind::Scale { min: 1, max: 5 },
                label: Translations::new(),
                option_labels: Default::default(),
                required: false,
                show_if: None,
            },
        ],
    };
    let lookup = |c: CampaignId| (c == campaign.id).then(|| campaign.clone());
    let check = |v: &Visit| super::check_write(&agent(), &id, None, &log_with(&[v]), None, &lookup);
    let mut good = visit(log, me(), "12");
    good.outcome = Outcome::Talked;
    good.profile.age_band = Some("65+".into());
    good.profile.language = Some("ar".into());
    good.questionnaire_version = Some(1);
    good.answers
        .insert("q1".into(), Answer::Choice("oui".into()));
    good.answers.insert("q2".into(), Answer::Scale(2));
    assert_eq!(check(&good), Ok(()));
    let tampered: [fn(&mut Visit); 9] = [
        |v| v.profile.age_band = Some("Jean Dupont 06 12 34 56 78".into()),
        |v| v.profile.language = Some("jean.dupont@example.fr".into()),
        |v| v.pass = Pass(9),
        |v| v.topics = vec!["x".repeat(values::MAX_TOPIC_CHARS + 1)],
        |v| v.verbatim = "x".repeat(values::MAX_VERBATIM_CHARS + 1),
        |v| {
            _ = v
                .answers
                .insert("q1".into(), Answer::Choice("Jean Dupont".into()))
        },
        |v| _ = v.answers.insert("q2".into(), Answer::Scale(99)),
        |v| {
            _ = v
                .answers
                .insert("q9".into(), Answer::Text("hors questionnaire".into()))
        },
        |v| v.questionnaire_version = Some(7),
    ];
    for (i, tamper) in tampered.iter().enumerate() {
        let mut v = good.clone();
        tamper(&mut v);
        assert_eq!(check(&v), Err(Refused::OutOfSet), "case {i}");
    }
    // A visit of a campaign the server does not hold carries no answer.
    let stray = (CampaignId::new(), log.1);
    let stray_check = |v: &Visit| {
        let id = DocId::visits(stray.0, stray.1);
        super::check_write(&agent(), &id, None, &log_with(&[v]), None, &lookup)
    };
    let mut v = visit(stray, me(), "12");
    assert_eq!(stray_check(&v), Ok(()));
    let mut junk = v.clone();
    junk.profile.age_band = Some("Jean Dupont".into());
    assert_eq!(
        stray_check(&junk),
        Err(Refused::OutOfSet),
        "what needs no campaign is checked all the same"
    );
    v.questionnaire_version = Some(1);
    v.answers.insert("q1".into(), Answer::Choice("oui".into()));
    assert_eq!(stray_check(&v), Err(Refused::OutOfSet));
    // A follow-up to a service the campaign does not have, an idea in a
    // category it does not have.
    let mut f = follow_up_at(None, me());
    f.campaign = campaign.id;
    f.service = "Jean Dupont".into();
    assert_eq!(
        super::check_write(
            &agent(),
            &DocId::follow_up(f.id),
            None,
            &doc_of(&f),
            None,
            &lookup
        ),
        Err(Refused::OutOfSet)
    );
    let mut i = idea(me());
    i.campaign = campaign.id;
    i.category = "06 12 34 56 78".into();
    assert_eq!(
        super::check_write(
            &agent(),
            &DocId::idea(i.id),
            None,
            &doc_of(&i),
            None,
            &lookup
        ),
        Err(Refused::OutOfSet)
    );
}

#[test]
fn field_phones_alone_have_a_sector_scope() {
    let scoped: Vec<Role> = ROLES.into_iter().filter(|r| has_sector_scope(*r)).collect();
    assert_eq!(scoped, [Role::Agent, Role::YouthAmbassador]);
}

/// A hostile (or stale) phone cannot undo an erasure: it may not mark a
/// visit's words erased or unmark them, nor write words into a visit the
/// office erased, even its own, in a log's later generation.
#[test]
fn words_the_office_erased_are_not_written_back() {
    let log = (CampaignId::new(), BuildingId::new());
    let second = DocId::visits_generation(log.0, log.1, 1);
    let mut mine = visit(log, me(), "12");
    mine.erase_words();
    let before = log_with(&[&mine]);
    let mut rewritten = mine.clone();
    rewritten.verbatim = "Mme Untel, au 12".into();
    let mut after = before.clone();
    schema::record_visit(&mut after, &rewritten).expect("write");
    assert_eq!(
        check_write(&agent(), &second, Some(&before), &after),
        Err(Refused::Attribution)
    );
    let mut unmarked = mine.clone();
    unmarked.words_erased = false;
    let mut after = before.clone();
    schema::record_visit(&mut after, &unmarked).expect("write");
    assert_eq!(
        check_write(&agent(), &second, Some(&before), &after),
        Err(Refused::Attribution)
    );
    // Nor may a phone mark words erased: only the office does.
    let fresh = visit(log, me(), "14");
    let before = log_with(&[&fresh]);
    let mut marked = fresh.clone();
    marked.erase_words();
    let mut after = before.clone();
    schema::record_visit(&mut after, &marked).expect("write");
    assert_eq!(
        check_write(
            &agent(),
            &DocId::visits(log.0, log.1),
            Some(&before),
            &after
        ),
        Err(Refused::Attribution)
    );
    // Its outcome, not about the resident, may still change.
    let mut outcome = mine.clone();
    outcome.outcome = Outcome::Refused;
    let before = log_with(&[&mine]);
    let mut after = before.clone();
    schema::record_visit(&mut after, &outcome).expect("write");
    assert_eq!(
        check_write(&agent(), &second, Some(&before), &after),
        Ok(())
    );
}

/// An agent of a municipality that published notice 1 (French and
/// Arabic), handed to this phone at time 100.
fn agent_with_notice() -> (Caller, NoticeText) {
    let text = NoticeText {
        language: "fr".into(),
        short: "La ville note vos réponses.".into(),
        full: "Responsable : la ville.".into(),
        consent: "J'accepte".into(),
    };
    let ar = NoticeText {
        language: "ar".into(),
        ..text.clone()
    };
    let known = [(
        1,
        [
            ("fr".to_string(), text.hash(1)),
            ("ar".to_string(), ar.hash(1)),
        ]
        .into(),
    )]
    .into();
    let caller = Caller {
        notices: NoticeRule {
            known,
            required_from: Some(100),
            not_before: Some(50),
        },
        ..agent()
    };
    (caller, text)
}

#[test]
fn nothing_about_a_resident_is_taken_without_the_notice() {
    let (caller, _) = agent_with_notice();
    let log = (CampaignId::new(), BuildingId::new());
    let id = DocId::visits(log.0, log.1);
    let mut talk = visit(log, me(), "12");
    talk.outcome = Outcome::Talked;
    talk.at = 150;
    talk.profile.age_band = Some("25-64".into());
    // A conversation with no notice: refused.
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&talk])),
        Err(Refused::NoNotice)
    );
    // A version never published: refused.
    talk.notice_version = Some(2);
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&talk])),
        Err(Refused::NoNotice)
    );
    // The published one: taken.
    talk.notice_version = Some(1);
    assert_eq!(check_write(&caller, &id, None, &log_with(&[&talk])), Ok(()));
    // "Absent" in two taps needs none.
    let mut absent = visit(log, me(), "13");
    absent.at = 150;
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&absent])),
        Ok(())
    );
    // Recorded before this phone was first handed a notice (the previous
    // release, offline): taken as it is.
    let mut earlier = visit(log, me(), "14");
    earlier.outcome = Outcome::Talked;
    earlier.verbatim = "Le hall est sombre".into();
    earlier.at = 99;
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&earlier])),
        Ok(())
    );
    // Dated before the phone was enrolled (a clock set back): refused.
    let mut backdated = earlier.clone();
    backdated.id = VisitId::new();
    backdated.door.door = "15".into();
    backdated.at = 10;
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&backdated])),
        Err(Refused::NoNotice)
    );
    // A problem handed to a service is about the resident too.
    let mut reported = visit(log, me(), "16");
    reported.at = 150;
    reported.follow_up = Some(FollowUpId::new());
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&reported])),
        Err(Refused::NoNotice)
    );
}

#[test]
fn a_consent_names_a_published_text_by_its_hash() {
    let (caller, text) = agent_with_notice();
    let mut volunteer = person(me());
    volunteer.consents[0].at = 150;
    let id = DocId::person(volunteer.id);
    // No notice named, after notices were required: refused.
    assert_eq!(
        check_write(&caller, &id, None, &doc_of(&volunteer)),
        Err(Refused::NoNotice)
    );
    // The hash of a text never published (a word changed on the phone).
    volunteer.consents[0].notice_version = Some(1);
    let altered = NoticeText {
        consent: "J'accepte tout".into(),
        ..text.clone()
    };
    volunteer.consents[0].text_hash = Some(altered.hash(1));
    assert_eq!(
        check_write(&caller, &id, None, &doc_of(&volunteer)),
        Err(Refused::NoNotice)
    );
    // The French text's hash under the Arabic language: refused.
    volunteer.consents[0].text_hash = Some(text.hash(1));
    volunteer.consents[0].language = "ar".into();
    assert_eq!(
        check_write(&caller, &id, None, &doc_of(&volunteer)),
        Err(Refused::NoNotice)
    );
    volunteer.consents[0].language = "fr".into();
    assert_eq!(check_write(&caller, &id, None, &doc_of(&volunteer)), Ok(()));
}

#[test]
fn a_person_with_no_consent_left_is_written_to_only_by_a_new_consent() {
    let caller = agent();
    let mut withdrawn = person(me());
    withdrawn.withdrawals.push(ConsentRecord {
        purpose: ConsentPurpose::NeighbourhoodCouncil,
        wording_version: WITHDRAWAL_WORDING.into(),
        language: "fr".into(),
        at: 5,
        agent: AgentId::new(),
        notice_version: None,
        text_hash: None,
        parental: false,
    });
    let id = DocId::person(withdrawn.id);
    let before = doc_of(&withdrawn);
    // The phone adds a phone number to someone who withdrew: refused.
    let mut contact = withdrawn.clone();
    contact.phone = Some("06 00 00 00 00".into());
    let mut after = before.clone();
    schema::write(&mut after, &contact).expect("write");
    assert_eq!(
        check_write(&caller, &id, Some(&before), &after),
        Err(Refused::Attribution)
    );
}

#[test]
fn the_data_protection_officer_holds_no_document_on_any_phone() {
    for kind in KINDS {
        assert_eq!(
            rights(Role::DataProtectionOfficer, kind),
            Rights {
                receive: Reach::None,
                create: Reach::None,
                modify: Reach::None
            },
            "{kind:?}"
        );
    }
}

#[test]
fn words_whose_retention_passed_are_not_written_back() {
    let caller = agent();
    let log = (CampaignId::new(), BuildingId::new());
    let id = DocId::visits(log.0, log.1);
    let mut talk = visit(log, me(), "5");
    talk.outcome = Outcome::Talked;
    talk.verbatim = "propos".into();
    talk.expire_words(&[]);
    let before = log_with(&[&talk]);
    // Writing the verbatim back: refused.
    let mut back = talk.clone();
    back.verbatim = "propos".into();
    let mut after = before.clone();
    schema::record_visit(&mut after, &back).expect("record");
    assert_eq!(
        check_write(&caller, &id, Some(&before), &after),
        Err(Refused::Attribution)
    );
    // Unmarking it: refused; marking a fresh visit: refused too.
    let mut unmarked = talk.clone();
    unmarked.words_expired = false;
    let mut after = before.clone();
    schema::record_visit(&mut after, &unmarked).expect("record");
    assert_eq!(
        check_write(&caller, &id, Some(&before), &after),
        Err(Refused::Attribution)
    );
    let mut fresh = visit(log, me(), "6");
    fresh.words_expired = true;
    assert_eq!(
        check_write(&caller, &id, None, &log_with(&[&fresh])),
        Err(Refused::Attribution)
    );
    // A free topic written back: refused (the test campaign lists none).
    let mut topic = talk.clone();
    topic.topics = vec!["le voisin du 4e".into()];
    let mut after = before.clone();
    schema::record_visit(&mut after, &topic).expect("record");
    assert_eq!(
        check_write(&caller, &id, Some(&before), &after),
        Err(Refused::Attribution)
    );
    // Correcting the outcome alone: taken.
    let mut corrected = talk.clone();
    corrected.outcome = Outcome::ComeBack;
    let mut after = before.clone();
    schema::record_visit(&mut after, &corrected).expect("record");
    assert_eq!(check_write(&caller, &id, Some(&before), &after), Ok(()));
}
