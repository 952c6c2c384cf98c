package web

import (
	"html/template"

	"isodt/qms"
)

// findingEnglish are the sentences of compliance findings in English, by
// kind (qms.Phrase): each takes the values of its kind in the same order.
// The Vietnamese is the domain's own text (qms.PhraseText), the one the
// finding's message keeps.
var findingEnglish = map[string]string{
	qms.SayDossierOverdue:         "Dossier %s is past its return date (appointment %s).",
	qms.SayLateWithoutApology:     "Dossier %s is late (appointment %s) and has no apology and new appointment slip.",
	qms.SayStepOverdue:            "Dossier %s: step “%s” is past its time limit (due %s).",
	qms.SayStepMissingRecord:      "Dossier %s: step “%s” was completed without the record its form requires.",
	qms.SayRecordWrongVersion:     "Dossier %s: record %s was made on version %s; the version in force then was %s.",
	qms.SayReviewOverdue:          "Procedure %s has been due for its periodic review since %s.",
	qms.SayFormNotEffective:       "Procedure %s (issue %s) uses form %s, which has no version in force.",
	qms.SayTTHCGovernedTwice:      "Administrative procedure %s belongs to the procedures in force %s; new dossiers are received on %s. Approve the procedure to keep again, so that the administrative procedure belongs to it alone.",
	qms.SayFlowchartOverLimit:     "Procedure %s: its steps take %s hours, over the %s-day limit (%s hours) of TTHC %s.",
	qms.SayTTHCNotControlled:      "TTHC %s – %s: %s.",
	qms.SayMergedNotReissued:      "Procedure %s, taken over from %s in the merger of %s, has not been reissued after %s days.",
	qms.SayCAPAOverdue:            "%s: action “%s” of %s is overdue since %s.",
	qms.SayRiskActionOverdue:      "%s: treatment action “%s” of %s is overdue since %s.",
	qms.SayRiskReviewOverdue:      "%s “%s” (owner: %s) has been due for review since %s.",
	qms.SayProviderNeverEvaluated: "Provider “%s” (%s) has never been evaluated; its evaluation was due on %s (every %s months).",
	qms.SayProviderEvaluationDue:  "Provider “%s” (%s) was last evaluated on %s; its evaluation was due on %s (every %s months).",
	qms.SayContextNoRegister:      "The agency has %s procedures in force but no context register (internal and external issues, interested parties).",
	qms.SayContextNeverReviewed:   "The context register (%s items) has never been reviewed.",
	qms.SayContextReviewLate:      "The context register (%s items) was last reviewed on %s, more than %s months ago.",
	qms.SayAckOverdueProcedure:    "Procedure %[1]s (version %[2]s): not acknowledged as read %[4]s working days after distribution by %[5]s (%[3]s in all).",
	qms.SayAckOverdueForm:         "Form %[1]s (version %[2]s): not acknowledged as read %[4]s working days after distribution by %[5]s (%[3]s in all).",
	qms.SaySatisfactionLow:        "Satisfaction in quarter %s/%s was %s%% over %s responses, below the target of %s%% (per %s).",
	qms.SaySignatureBroken:        "Content signed by %s (%s) at %s was changed after it was signed (Law on Electronic Transactions 20/2023/QH15, articles 22–23).",
	qms.SayDeclarationMissing:     "Agency %s applies %s internal procedures in force but has not declared its quality management system conformant to TCVN ISO 9001:2015 (Decision 19/2014/QD-TTg, Circular 26/2014/TT-BKHCN).",
	qms.SayDeclarationChanged:     "The scope of the quality management system changed after declaration %s of %s: %s. Declare it again (Decision 19/2014/QD-TTg, Circular 26/2014/TT-BKHCN).",
	qms.SayScopeMerged:            "merger of %s on %s",
	qms.SayScopeTTHCAdded:         "new TTHC outside the scope: %s",
	qms.SayScopeTTHCGone:          "TTHC no longer applied: %s",
	qms.SayScopeProcedureAdded:    "procedures in force outside the scope: %s",
	qms.SayScopeProcedureGone:     "procedures withdrawn or no longer in force: %s",
	qms.SayMoreCodes:              "%s and %s more",
	qms.SayCompetenceMissing:      "%s lacks competence %s – %s, required for: %s.",
	qms.SayCompetenceExpired:      "Competence %s – %s of %s expired on %s, required for: %s.",
	qms.SayNeededForStep:          "Step “%s” – procedure %s",
	qms.SayNeededForMissingStep:   "Step %s – procedure %s (not in the version in force)",
	qms.SayNeededForThisStep:      "Step “%s”",
	qms.SayNeededForRole:          "Role %s",
}

func init() {
	addPageTexts(dictionaries, []pageText{
		{"nc.source_finding", "Phát hiện", "Finding"},
		{"nc.source_open", "đang mở", "open"},
		{"nc.source_fixed", "đã khắc phục", "cleared"},
		{"nc.source_audit", "Kế hoạch đánh giá nội bộ", "Internal audit plan"},
		{"nc.source_dossier", "Hồ sơ", "Dossier"},
	})
	for kind, en := range findingEnglish {
		vi, _ := qms.PhraseText(kind)
		addPageTexts(dictionaries, []pageText{{kind, vi, en}})
	}
}

// wording writes phrases (qms.Phrase) with catalogue l: its kinds are the
// catalogue's keys.
func wording(lang string, l map[string]string) qms.Wording {
	mark := ","
	if lang == "en" {
		mark = "."
	}
	return qms.Wording{Text: func(kind string) (string, bool) { t, ok := l[kind]; return t, ok }, DecimalMark: mark}
}

// findingFuncs: finding writes a finding's message in the page's
// language; one opened before findings kept their phrase shows its
// stored (Vietnamese) message.
func findingFuncs(lang string, l map[string]string) template.FuncMap {
	w := wording(lang, l)
	return template.FuncMap{"finding": func(f *qms.Finding) string { return f.Text(w) }}
}
