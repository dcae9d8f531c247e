//! Le catalogue français (langue par défaut).

use super::Text;
use crate::backend::Problem;
use crate::ideas::IdeaProblem;
use shared::domain::{AgeBand, CostBand, IdeaStatus, Outcome};
use shared::protocol::RefusalReason;

/// Le texte en français.
pub fn text(text: Text) -> &'static str {
    match text {
        Text::FollowUpNews => "Suites données aux signalements",
        Text::AppName => "Palier",
        Text::LanguageSwitch => "English",
        Text::ReloadApp => "Recharger l'application",
        Text::EnrolTitle => "Enregistrer ce téléphone",
        Text::EnrolHelp => "Saisissez le code à usage unique donné par la coordination.",
        Text::EnrolCode => "Code d'enregistrement",
        Text::DeviceName => "Nom de ce téléphone",
        Text::DeviceNameHint => {
            "Ex. « Samia – téléphone 3 » : la coordination le voit pour affecter les secteurs."
        }
        Text::MySector => "Mon secteur",
        Text::EnrolButton => "Enregistrer",
        Text::Enrolling => "Enregistrement…",
        Text::Sectors => "Secteurs",
        Text::NoSectors => {
            "Aucun secteur pour ce téléphone : la coordination lui en attribue un (ou toute la ville), puis synchronisez."
        }
        Text::WalkList => "Liste",
        Text::Map => "Carte",
        Text::ToKnock => "à frapper",
        Text::ForNextPass => "pour le passage suivant",
        Text::Unanswered => "sans réponse",
        Text::Dwellings => "logements",
        Text::Back => "Retour",
        Text::Pass => "Passage",
        Text::Landlord => "Bailleur : ",
        Text::Entrance => "Cage",
        Text::Floor => "Étage",
        Text::GroundFloor => "RDC",
        Text::OutcomeQuestion => "Que s'est-il passé ?",
        Text::Saved => "Enregistré",
        Text::Undo => "Annuler",
        Text::Undone => "Annulé",
        Text::Questionnaire => "Questionnaire",
        Text::QuestionnaireLanguage => "Langue du questionnaire",
        Text::Topics => "Thèmes abordés",
        Text::FreeTopic => "Autre thème",
        Text::Add => "Ajouter",
        Text::Verbatim => "Verbatim",
        Text::VerbatimHint => "Les mots de la personne",
        Text::ResidentProfile => "Profil (sans nom)",
        Text::AgeBand => "Tranche d'âge",
        Text::LanguageSpoken => "Langue parlée",
        Text::NotSaid => "Non précisé",
        Text::FollowUp => "Signalement à un service",
        Text::Service => "Service",
        Text::Description => "Description",
        Text::Volunteer => "Volontaire pour être recontacté·e",
        Text::VolunteerName => "Nom ou prénom",
        Text::Phone => "Téléphone",
        Text::Email => "Courriel",
        Text::ConsentGiven => "au moins un accord coché par la personne",
        Text::SaveTalk => "Enregistrer l'échange",
        Text::Required => "obligatoire",
        Text::MissingOne => "1 réponse obligatoire manque",
        Text::MissingMany => "{} réponses obligatoires manquent",
        Text::ConsentMissing => "Pour inscrire la personne : son nom et au moins une case cochée",
        Text::NoticeTitle => "À dire avant tout",
        Text::NoticeFull => "Texte complet et code à scanner",
        Text::NoticeScan => "La personne peut scanner ce code pour lire l'avis chez elle :",
        Text::NoticeNone => {
            "Aucun avis d'information reçu : synchronisez avant de noter un échange."
        }
        Text::NoticeVersion => "Avis n° {}",
        Text::ParentalConsent => {
            "Moins de 15 ans : un parent ou tuteur présent donne son accord pour l'enfant"
        }
        Text::DraftRestored => "Échange repris là où vous l'aviez laissé.",
        Text::DraftWaiting => "Un échange commencé ici vous attend sur ce téléphone.",
        Text::ResumeTalk => "Reprendre l'échange",
        Text::DraftMark => "en cours",
        Text::Correct => "Corriger",
        Text::WordsErased => "Propos effacés par la coordination, à la demande de la personne.",
        Text::Correcting => "Correction de l'échange",
        Text::SaveCorrection => "Enregistrer la correction",
        Text::Corrected => "Corrigé",
        Text::DoorHistory => "Déjà à cette porte",
        Text::ByMe => "vous",
        Text::ByColleague => "un·e collègue",
        Text::DiscardTalk => "Abandonner cet échange",
        Text::DiscardConfirm => "Effacer ce qui a été saisi ?",
        Text::KeepTalk => "Non, garder",
        Text::Sync => "Synchroniser",
        Text::SyncNow => "Synchroniser maintenant",
        Text::Syncing => "Synchronisation…",
        Text::SyncDone => "Synchronisation terminée",
        Text::RefusedRecords => "fiches refusées par le serveur, gardées sur ce téléphone :",
        Text::SyncFailed => "Synchronisation interrompue ; rien n'est perdu, réessayez plus tard.",
        Text::LastSync => "Dernière synchronisation",
        Text::Never => "jamais",
        Text::Unsynced => "fiches pas encore sur le serveur",
        Text::UnsyncedOne => "fiche pas encore sur le serveur",
        Text::AllOnServer => "Tout est sur le serveur",
        Text::Offline => "Hors ligne",
        Text::RoundTrips => "échanges",
        Text::Received => "fiches reçues",
        Text::Cancel => "Annuler",
        Text::JustNow => "à l'instant",
        Text::MinutesAgo => "il y a {} min",
        Text::HoursAgo => "il y a {} h",
        Text::DaysAgo => "il y a {} j",
        Text::Loading => "Chargement…",
        Text::Progress => "Avancement",
        Text::ScanQr => "Scanner le QR code",
        Text::DoorCode => "digicode",
        Text::IdeaCollections => "Collectes d'idées",
        Text::NoCollections => {
            "Aucune collecte d'idées pour l'instant : synchronisez pour recevoir celles de la coordination."
        }
        Text::MergedDuplicate => "Doublon, fusionnée avec une autre idée",
        Text::Problem(p) => match p {
            Problem::Unreachable => {
                "Pas de réseau, ou serveur injoignable : vos fiches restent sur le téléphone, réessayez plus tard."
            }
            Problem::CodeUnknown => {
                "Ce code n'existe pas : vérifiez-le ou demandez-en un autre à la coordination."
            }
            Problem::CodeUsed => "Ce code a déjà servi : demandez-en un nouveau à la coordination.",
            Problem::CodeExpired => "Ce code a expiré : demandez-en un nouveau à la coordination.",
            Problem::DeviceRefused => {
                "Le serveur ne reconnaît plus ce téléphone : voyez la coordination."
            }
            Problem::Wiped => {
                "La coordination a retiré ce téléphone : tout ce qu'il contenait a été effacé. Pour reprendre, demandez-lui un nouveau code."
            }
            Problem::Busy => "Le serveur est occupé : réessayez dans un instant.",
            Problem::UpdateRequired => {
                "Cette version de l'application est dépassée : rechargez-la pour la mettre à jour. Rien de ce que ce téléphone contient n'est perdu."
            }
            Problem::ServerRefused => {
                "Le serveur a refusé : réessayez, puis prévenez la coordination."
            }
            Problem::BadAnswer => {
                "Réponse du serveur illisible : réessayez, puis prévenez la coordination."
            }
            Problem::NotEnrolled => "Ce téléphone n'est pas encore enregistré.",
            Problem::NoLongerUndoable => {
                "Ce passage est peut-être déjà sur le serveur : il ne s'annule plus. Enregistrez le bon résultat à la porte."
            }
            Problem::Missing => "Cette fiche n'est pas sur le téléphone : synchronisez.",
            Problem::Storage => {
                "L'enregistrement sur le téléphone a échoué ; rien n'a été perdu, réessayez."
            }
            Problem::NoStorage => {
                "Ce navigateur ne donne pas de stockage durable à l'application (navigation privée ?)."
            }
            Problem::WordsErased => {
                "La coordination a effacé les propos de cette conversation, à la demande de la personne : ils ne peuvent pas être réécrits."
            }
            Problem::NotYours => "Seul·e l'agent qui a saisi cet échange peut le corriger.",
            Problem::ParentNeeded => {
                "Moins de 15 ans : l'inscription demande l'accord d'un parent ou tuteur."
            }
        },
        Text::PointOnMap => "Point choisi sur la carte",
        Text::TapTheMap => "Ou touchez la carte à l'endroit de l'idée.",
        Text::IdeasCount => "idées",
        Text::IdeaSaved => "Idée enregistrée",
        Text::NewIdea => "Nouvelle idée",
        Text::EditIdea => "Modifier l'idée",
        Text::Today => "Aujourd'hui",
        Text::Earlier => "Plus tôt",
        Text::NoIdeasToday => "Aucune idée aujourd'hui pour l'instant.",
        Text::IdeaStatus(s) => match s {
            IdeaStatus::Received => "Reçue",
            IdeaStatus::Eligible => "Recevable",
            IdeaStatus::NotEligible => "Non recevable",
            IdeaStatus::PutToVote => "Soumise au vote",
            IdeaStatus::Funded => "Financée",
        },
        Text::IdeaProblem(p) => match p {
            IdeaProblem::NoTitle => "Donnez un titre à l'idée.",
            IdeaProblem::NoCategory => "Choisissez une catégorie.",
            IdeaProblem::UnknownPlace => "Ce lieu n'est pas dans la liste de la démarche.",
            IdeaProblem::NotACollection => {
                "Cette collecte n'est plus sur le téléphone : synchronisez."
            }
            IdeaProblem::BadPoint => "Ce point n'est pas sur la carte.",
        },
        Text::IdeaTitle => "Titre",
        Text::IdeaDescription => "L'idée en quelques mots",
        Text::IdeaCategory => "Catégorie",
        Text::Choose => "Choisir…",
        Text::IdeaPlace => "Où ?",
        Text::NoPlace => "Pas de lieu précis",
        Text::IdeaCost => "Coût estimé",
        Text::DontKnow => "Ne sait pas",
        Text::CostBand(b) => match b {
            CostBand::Under10k => "Moins de 10 000 €",
            CostBand::From10kTo50k => "10 000 à 50 000 €",
            CostBand::From50kTo150k => "50 000 à 150 000 €",
            CostBand::Over150k => "Plus de 150 000 €",
        },
        Text::Proposer => "Qui la propose",
        Text::ProposerHint => {
            "Jamais de nom : la tranche d'âge, l'établissement, la classe, le quartier."
        }
        Text::Age(b) => match b {
            AgeBand::Under15 => "Moins de 15 ans",
            AgeBand::From15To24 => "15 à 24 ans",
            AgeBand::From25To64 => "25 à 64 ans",
            AgeBand::Over65 => "65 ans et plus",
        },
        Text::School => "Établissement",
        Text::Class => "Classe",
        Text::ProposerNeighbourhood => "Quartier d'habitation",
        Text::SaveIdea => "Enregistrer l'idée",
    }
}

/// Le libellé d'une issue de passage.
pub fn outcome(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NotHome => "Absent",
        Outcome::Talked => "Échange",
        Outcome::Refused => "Refus",
        Outcome::NoAccess => "Porte close",
        Outcome::ComeBack => "À repasser",
        Outcome::Vacant => "Vacant",
    }
}

/// A follow-up's status.
pub fn follow_up_status(status: shared::domain::FollowUpStatus) -> &'static str {
    use shared::domain::FollowUpStatus as S;
    match status {
        S::Open => "Ouvert",
        S::Forwarded => "Transmis au service",
        S::InProgress => "En cours",
        S::Resolved => "Résolu",
        S::Declined => "Refusé",
    }
}

/// Why the server refused a record.
pub fn refusal(reason: RefusalReason) -> &'static str {
    match reason {
        RefusalReason::NotPermitted => "ce téléphone n'a pas le droit d'envoyer cette fiche",
        RefusalReason::ReadOnly => "ce téléphone est en lecture seule",
        RefusalReason::Malformed => "fiche illisible ; signalez-le au service",
        RefusalReason::OutOfScope => {
            "bâtiment hors de vos secteurs ; demandez au service de vous l'attribuer"
        }
        RefusalReason::Unreadable => "fiche incomplète ou abîmée ; signalez-le au service",
        RefusalReason::Attribution => {
            "fiche au nom d'un autre appareil, ou modifiant ce que seul le service décide"
        }
        RefusalReason::OverLimit => "fiche trop volumineuse pour être envoyée",
        RefusalReason::OutOfSet => {
            "une valeur n'est plus proposée par le service (service, option, tranche d'âge)"
        }
        RefusalReason::NoNotice => {
            "échange noté sans l'avis d'information publié ; synchronisez puis reprenez la fiche"
        }
    }
}
